import { z } from 'zod';

/** How many files one task may carry (附件); more is refused with 409. */
export const MAX_TASK_ATTACHMENTS = 20;
/** Longest file name kept (the extension the bytes prove may be appended). */
export const MAX_ATTACHMENT_NAME = 100;

export const taskAttachmentParams = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}$/, '待办编号格式不正确'),
  attachmentId: z.string().uuid('附件编号格式不正确'),
});

/** `POST /tasks/:id/attachments?fileName=…` with the file itself as the body (JPG, PNG or PDF). */
export const taskAttachmentUploadQuery = z.object({
  fileName: z
    .string({ error: '请提供附件文件名' })
    .trim()
    .min(1, '请提供附件文件名')
    .max(MAX_ATTACHMENT_NAME, `附件文件名不能超过${MAX_ATTACHMENT_NAME}个字`)
    .refine((name) => !/[\\/:*?"<>|]/.test(name), '附件文件名不能含有 \\ / : * ? " < > | 等字符')
    .refine((name) => !/^\.+$/.test(name), '附件文件名不正确'),
});
export type TaskAttachmentUploadQuery = z.infer<typeof taskAttachmentUploadQuery>;

/** One file attached to a task. */
export const taskAttachment = z.object({
  id: z.string(),
  taskId: z.string(),
  taskName: z.string().nullable(),
  processInstanceId: z.string(),
  fileName: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number().int(),
  /** SHA-256 of the stored bytes, hex. */
  sha256: z.string(),
  uploadedBy: z.string(),
  uploaderName: z.string(),
  uploadedAt: z.string(),
  /** Download path under the API. */
  url: z.string(),
  /** The caller uploaded it and the task is still open. */
  canDelete: z.boolean(),
});
export type TaskAttachment = z.infer<typeof taskAttachment>;

/** Attachment ids a completion refers to (generic approval form); each must belong to the task. */
export const taskAttachmentIds = z
  .array(z.string().uuid('附件编号格式不正确'), { error: '附件编号格式不正确' })
  .max(MAX_TASK_ATTACHMENTS, `附件不能超过${MAX_TASK_ATTACHMENTS}个`)
  .refine((ids) => new Set(ids).size === ids.length, '同一附件只能引用一次');
