const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : (entities[e] ?? _m),
  );
}

/**
 * The `name` of every BPMN element by its `id`, read from the model's XML (for incidents, which the
 * engine reports by activity id only). Attributes in any order; one pass, no DOM needed on the server.
 */
export function bpmnElementNames(xml: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const tag of xml.matchAll(/<[A-Za-z][\w.-]*:?[\w.-]*\s([^>]*)>/g)) {
    const attrs = tag[1] ?? '';
    const id = /(?:^|\s)id="([^"]*)"/.exec(attrs)?.[1];
    const name = /(?:^|\s)name="([^"]*)"/.exec(attrs)?.[1];
    if (id && name && !names.has(id)) names.set(id, decode(name));
  }
  return names;
}
