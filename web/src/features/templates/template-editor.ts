import {
  BUILTIN_VERSION,
  templateBodyLimits,
  templateVersionStatusLabels,
  type TemplateVersionStatus,
} from '../../../../api/src/contracts/templates';

/** A function that runs `waitMs` after the last of a burst of calls (live preview while typing). */
export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  cancel(): void;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = (...args: A): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, waitMs);
  };
  debounced.cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return debounced;
}

/** Hands out request numbers; only the answer to the newest request is shown (typing outruns the server). */
export function latestOnly(): { next(): number; isLatest(ticket: number): boolean } {
  let latest = 0;
  return { next: () => ++latest, isLatest: (ticket) => ticket === latest };
}

/** `第3版`, or 内置模板 for version 0 (the file shipped with the system). */
export function versionLabel(version: number): string {
  return version === BUILTIN_VERSION ? '内置模板' : `第${version}版`;
}

export function statusLabel(status: TemplateVersionStatus): string {
  return templateVersionStatusLabels[status];
}

/** el-tag colour per version status. */
export const statusTagTypes: Record<TemplateVersionStatus, 'success' | 'warning' | 'info'> = {
  draft: 'warning',
  published: 'success',
  retired: 'info',
};

/**
 * What the editor holds: the built-in body, a draft (saving replaces it), or a copy of a published
 * or retired version (saving makes a new draft; those versions never change).
 */
export type EditorSource = { kind: 'builtin' } | { kind: 'draft'; version: number } | { kind: 'copy'; version: number };

export function editorSourceLabel(source: EditorSource): string {
  switch (source.kind) {
    case 'builtin':
      return '基于内置模板编辑，保存后成为新草稿';
    case 'draft':
      return `正在编辑草稿${versionLabel(source.version)}`;
    case 'copy':
      return `基于${versionLabel(source.version)}编辑，保存后成为新草稿`;
  }
}

/** What may be done with a version from the versions list. */
export function versionActions(status: TemplateVersionStatus): { edit: boolean; publish: boolean; rollback: boolean; remove: boolean } {
  return {
    edit: status === 'draft',
    publish: status === 'draft',
    rollback: status === 'retired',
    remove: status === 'draft',
  };
}

/** The size rule of the API, checked while typing; null when the body fits. */
export function bodySizeProblem(body: string): string | null {
  const bytes = new TextEncoder().encode(body).length;
  if (bytes <= templateBodyLimits.maxBytes) return null;
  return `模板内容不能超过${templateBodyLimits.maxBytes / 1024}KB（当前约${Math.ceil(bytes / 1024)}KB）`;
}
