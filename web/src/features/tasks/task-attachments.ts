import { MAX_ATTACHMENT_NAME } from '../../../../api/src/contracts/task-attachments';

/** Same limit and kinds as the server's task attachment policy; the server checks the bytes again. */
export const MAX_TASK_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const TASK_ATTACHMENT_ACCEPT = '.jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf';

/**
 * The name a file is uploaded under: characters the API refuses in a file name become `_`, and a name
 * longer than it keeps is shortened in the middle, so the ending (the type) survives.
 */
export function attachmentFileName(name: string): string {
  const clean = name.trim().replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_') || '附件';
  if (clean.length <= MAX_ATTACHMENT_NAME) return clean;
  const dot = clean.lastIndexOf('.');
  const ending = dot > 0 && clean.length - dot <= 6 ? clean.slice(dot) : '';
  return clean.slice(0, MAX_ATTACHMENT_NAME - ending.length) + ending;
}

/** `2048` → `2KB`, `3145728` → `3.0MB`. */
export function formatFileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)}MB`;
  return `${Math.max(1, Math.ceil(bytes / 1024))}KB`;
}
