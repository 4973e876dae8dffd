import { z } from 'zod';

export const reviewDecisions = ['approve', 'reject'] as const;
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
  })
  .refine((v) => v.decision !== 'reject' || (v.comment !== undefined && v.comment.length >= 2), {
    message: '不通过时必须填写理由',
    path: ['comment'],
  });
export type CompleteReviewRequest = z.infer<typeof completeReviewRequest>;
