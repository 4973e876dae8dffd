import { z } from 'zod';

/** Guarded bulk approve (批量通过) and fair automatic assignment with 回避 (U7). */

export const bulkApproveRequest = z.object({
  taskIds: z
    .array(z.string().regex(/^[0-9a-f-]{36}$/, '待办编号格式不正确'), { error: '请选择要批量通过的待办' })
    .min(1, '请选择要批量通过的待办')
    .max(100, '一次最多批量通过100条待办')
    .refine((ids) => new Set(ids).size === ids.length, '待办编号不能重复'),
});
export type BulkApproveRequest = z.infer<typeof bulkApproveRequest>;

const bulkItem = z.object({ taskId: z.string(), businessKey: z.string().nullable(), reason: z.string() });
export const bulkApproveResult = z.object({
  approved: z.array(z.object({ taskId: z.string(), businessKey: z.string() })),
  /** Drawn for individual review (抽样复核): still open, to be handled one by one. */
  heldBack: z.array(bulkItem),
  refused: z.array(bulkItem),
});
export type BulkApproveResult = z.infer<typeof bulkApproveResult>;

/** The comment every bulk approval carries. */
export const BULK_APPROVE_COMMENT = '批量审核通过';
export const HELD_BACK_REASON = '抽样复核';

export const reviewSettings = z.object({
  /** Share of eligible tasks held back from bulk approval for individual review, 0..1. */
  bulkSampleRate: z.number({ error: '请填写抽样比例' }).min(0, '抽样比例不能小于0').max(1, '抽样比例不能大于1'),
  /** Fixed seed for reproducible draws (null: random). */
  sampleSeed: z.string().trim().min(1, '抽样种子不能为空').max(64, '抽样种子不能超过64个字符').nullable(),
});
export type ReviewSettings = z.infer<typeof reviewSettings>;

export const examAssignmentSetting = z.object({
  examId: z.number().int(),
  examCode: z.string(),
  examName: z.string(),
  autoAssign: z.boolean(),
  reviewerCount: z.number().int(),
});
export type ExamAssignmentSetting = z.infer<typeof examAssignmentSetting>;

export const updateExamAssignment = z.object({ autoAssign: z.boolean({ error: '请选择是否自动分配' }) });
export type UpdateExamAssignment = z.infer<typeof updateExamAssignment>;

export const autoAssignResult = z.object({
  assigned: z.array(z.object({ taskId: z.string(), businessKey: z.string(), reviewer: z.string() })),
  unassigned: z.array(z.object({ taskId: z.string(), businessKey: z.string(), reason: z.string() })),
});
export type AutoAssignResult = z.infer<typeof autoAssignResult>;

/** 回避 kinds: same employer as the candidate, a relative, another reason. */
export const conflictKinds = ['same-employer', 'relative', 'other'] as const;
export type ConflictKind = (typeof conflictKinds)[number];
export const conflictKindLabels: Record<ConflictKind, string> = { 'same-employer': '同一单位', relative: '亲属关系', other: '其他' };

export const createConflictRequest = z
  .object({
    kind: z.enum(conflictKinds, { error: '请选择回避类型' }),
    employer: z.string().trim().min(2, '单位名称至少2个字').max(100, '单位名称不能超过100个字').optional(),
    idNumber: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[0-9A-Z()]{8,18}$/, '证件号码格式不正确')
      .optional(),
    note: z.string().trim().max(200, '说明不能超过200个字').optional(),
  })
  .refine((v) => v.kind !== 'same-employer' || v.employer !== undefined, { message: '同一单位回避请填写单位名称', path: ['employer'] })
  .refine((v) => v.kind !== 'relative' || v.idNumber !== undefined, { message: '亲属回避请填写亲属的证件号码', path: ['idNumber'] })
  .refine((v) => v.employer !== undefined || v.idNumber !== undefined, { message: '请填写单位名称或证件号码', path: ['employer'] });
export type CreateConflictRequest = z.infer<typeof createConflictRequest>;

/** A declared conflict as its owner sees it: the ID number is never returned (only its blind index is kept). */
export const reviewerConflict = z.object({
  id: z.number().int(),
  kind: z.enum(conflictKinds),
  employer: z.string().nullable(),
  hasIdNumber: z.boolean(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type ReviewerConflict = z.infer<typeof reviewerConflict>;
