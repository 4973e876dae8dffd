import { z } from 'zod';
import { paged } from './paged';

export const auditResults = ['success', 'failure', 'denied'] as const;
export const auditResultLabels: Record<(typeof auditResults)[number], string> = { success: '成功', failure: '失败', denied: '拒绝' };

/** Filter of the audit log view and its export. */
export const auditQuery = z.object({
  from: z.iso.datetime({ offset: true, error: '开始时间格式不正确' }).optional(),
  to: z.iso.datetime({ offset: true, error: '结束时间格式不正确' }).optional(),
  actor: z.string().trim().max(64, '操作人不能超过64个字符').optional(),
  action: z
    .string()
    .trim()
    .max(64)
    .regex(/^[a-z][a-z0-9.*-]*$/, '操作类型格式不正确')
    .optional(),
  result: z.enum(auditResults, { error: '结果只能是成功、失败或拒绝' }).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditEntryView = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  ip: z.string().nullable(),
  result: z.enum(auditResults),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;

export const auditPage = paged(auditEntryView);
export type AuditPageView = z.infer<typeof auditPage>;

export const auditVerification = z.object({
  ok: z.boolean(),
  checked: z.number(),
  head: z.object({ id: z.number(), hash: z.string() }).nullable(),
  problems: z.array(z.object({ id: z.number(), kind: z.string(), detail: z.string() })),
});
export type AuditVerificationView = z.infer<typeof auditVerification>;
