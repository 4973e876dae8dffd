import { z } from 'zod';
import { returnItem } from './registration';

/** 通过 / 不通过 / 退回考生修改. */
export const reviewDecisions = ['approve', 'reject', 'return'] as const;
export type ReviewDecision = (typeof reviewDecisions)[number];

/** A row of a reviewer's inbox: the engine task joined with the business data of its case. */
export const inboxTask = z.object({
  id: z.string(),
  name: z.string(),
  taskDefinitionKey: z.string(),
  businessKey: z.string(),
  assignee: z.string().nullable(),
  created: z.string(),
  due: z.string().nullable(),
  candidateNameMasked: z.string(),
  examName: z.string(),
  levelCode: z.string(),
  majorName: z.string(),
  precheckPassed: z.boolean().nullable(),
  precheckMessage: z.string().nullable(),
});
export type InboxTask = z.infer<typeof inboxTask>;

export const completeReviewRequest = z
  .object({
    decision: z.enum(reviewDecisions, { error: '请选择审核结论' }),
    comment: z.string().trim().max(500, '审核意见不能超过500个字').optional(),
    /** 退回: the items the candidate must correct, each with what is wrong. */
    returnItems: z.array(returnItem).max(6).optional(),
  })
  .refine((v) => v.decision !== 'reject' || (v.comment !== undefined && v.comment.length >= 2), {
    message: '不通过时必须填写理由',
    path: ['comment'],
  })
  .refine((v) => v.decision !== 'return' || (v.returnItems !== undefined && v.returnItems.length > 0), {
    message: '退回修改时请标注需要修改的项目',
    path: ['returnItems'],
  })
  .refine((v) => new Set((v.returnItems ?? []).map((i) => i.item)).size === (v.returnItems ?? []).length, {
    message: '同一项目只能标注一次',
    path: ['returnItems'],
  });
export type CompleteReviewRequest = z.infer<typeof completeReviewRequest>;
