/** Engine definitions (processes or decisions) grouped by key, newest version first, keys in order. */
export function versionsByKey<D extends { key: string; version: number }>(definitions: readonly D[]): Array<{ key: string; latest: D; versions: D[] }> {
  const byKey = new Map<string, D[]>();
  for (const d of definitions) byKey.set(d.key, [...(byKey.get(d.key) ?? []), d]);
  return [...byKey.entries()]
    .map(([key, defs]) => {
      const versions = defs.sort((a, b) => b.version - a.version);
      return { key, latest: versions[0] as D, versions };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}
