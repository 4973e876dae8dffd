import { z } from 'zod';

/** What a photo check found: 格式, 像素, 背景, 文件大小, and what the system did (裁剪). */
export const photoFindingCode = z.enum(['format', 'pixels', 'background', 'file-size', 'crop']);
export type PhotoFindingCode = z.infer<typeof photoFindingCode>;

export const photoFinding = z.object({ code: photoFindingCode, message: z.string() });
export type PhotoFinding = z.infer<typeof photoFinding>;

/** Answer to an upload: the stored photo and what was found or changed. */
export const photoUploadResult = z.object({
  id: z.string().uuid(),
  accepted: z.boolean(),
  findings: z.array(photoFinding),
  processed: z.object({ width: z.number().int(), height: z.number().int(), bytes: z.number().int() }),
});
export type PhotoUploadResult = z.infer<typeof photoUploadResult>;

/** The candidate's current photo (the newest accepted one). */
export const photoView = photoUploadResult.extend({
  original: z.object({ type: z.string(), bytes: z.number().int() }),
  createdAt: z.string(),
});
export type PhotoView = z.infer<typeof photoView>;
