import { z } from 'zod';
import { returnItem } from './registration';
import { caseSummary, type CaseSummary } from './case-summaries';
import { examRegistrationFlow } from './flows/exam-registration';

/** The 资格审核 step of exam-registration: decided with its own dialog, the only step bulk approve takes. */
export const REVIEW_TASK = examRegistrationFlow.activities.qualificationReview;

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
  /** The case the task belongs to, as its case type summarises it (one kind per case type). */
  case: caseSummary,
  processInstanceId: z.string().optional(),
  /** 委派: the user the task returns to when the delegate resolves it. */
  owner: z.string().nullable().optional(),
  delegationState: z.enum(['PENDING', 'RESOLVED']).nullable().optional(),
  followUp: z.string().nullable().optional(),
  /** Computed by the server: due passed = overdue, due within a day = due-soon. */
  sla: z.enum(['overdue', 'due-soon', 'ok']).optional(),
  /** 催办 received on this task. */
  urgeCount: z.number().int().optional(),
  /** 加签: co-signers who have not yet given their approval. */
  pendingCosigners: z.array(z.string()).optional(),
  /** 已办 / 我经办的案件: when I completed it. */
  completedAt: z.string().nullable().optional(),
  /** 抄送: who sent it and why. */
  ccBy: z.string().nullable().optional(),
  ccNote: z.string().nullable().optional(),
  /** How the console completes the task: null for 资格审核 (its own dialog), else a designed or the generic form. */
  formKey: z.string().nullable().optional(),
  /** The case's current open step (已办, 经办, 抄送 rows), null when none is open. */
  currentStep: z.string().nullable().optional(),
});
/** A row as the server builds it: its `case` may be of any registered kind (fixture kinds in tests too). */
export type InboxTask = Omit<z.infer<typeof inboxTask>, 'case'> & { case: CaseSummary };

export const inboxTabs = ['todo', 'done', 'handled', 'cc'] as const;
export type InboxTab = (typeof inboxTabs)[number];

/** The inbox query (U5); also what a saved filter stores. */
export const inboxQuery = z.object({
  tab: z.enum(inboxTabs, { error: '未知的待办分类' }).default('todo'),
  /** Registration number (exact) or candidate name (partial). */
  q: z.string().trim().max(50, '搜索内容不能超过50个字').optional(),
  sort: z.enum(['created', 'due'], { error: '排序方式不正确' }).default('created'),
  order: z.enum(['asc', 'desc'], { error: '排序方向不正确' }).default('asc'),
  page: z.coerce.number().int().min(0).max(10_000).default(0),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type InboxQuery = z.infer<typeof inboxQuery>;

export const savedInboxFilter = z.object({ id: z.number(), name: z.string(), query: inboxQuery.omit({ page: true, pageSize: true }) });
export type SavedInboxFilter = z.infer<typeof savedInboxFilter>;
export const saveInboxFilterRequest = z.object({
  name: z.string({ error: '请填写筛选名称' }).trim().min(1, '请填写筛选名称').max(50, '筛选名称不能超过50个字'),
  query: inboxQuery.omit({ page: true, pageSize: true }),
});
export type SaveInboxFilterRequest = z.infer<typeof saveInboxFilterRequest>;

const colleague = z.string({ error: '请选择同事' }).trim().min(1, '请选择同事').max(100, '用户名过长');
/** 转办 / 委派 / 加签: a colleague of the task's group. */
export const taskColleagueRequest = z.object({ username: colleague });
export type TaskColleagueRequest = z.infer<typeof taskColleagueRequest>;
export const taskCcRequest = z.object({
  usernames: z.array(colleague, { error: '请选择抄送人' }).min(1, '请选择抄送人').max(10, '抄送人不能超过10个'),
  note: z.string().trim().max(200, '抄送说明不能超过200个字').optional(),
});
export type TaskCcRequest = z.infer<typeof taskCcRequest>;
export const taskUrgeRequest = z.object({ note: z.string().trim().max(200, '催办说明不能超过200个字').optional() });
export const taskCommentRequest = z.object({ message: z.string({ error: '请填写意见' }).trim().min(1, '请填写意见').max(500, '意见不能超过500个字') });
export type TaskCommentRequest = z.infer<typeof taskCommentRequest>;
/** 加签人签署意见. */
export const cosignRequest = z.object({ comment: z.string({ error: '请填写加签意见' }).trim().min(2, '请填写加签意见').max(500, '加签意见不能超过500个字') });
const isoDate = z.string().datetime({ offset: true, error: '日期格式不正确' });
export const taskDatesRequest = z
  .object({ due: isoDate.nullable().optional(), followUp: isoDate.nullable().optional() })
  .refine((v) => v.due !== undefined || v.followUp !== undefined, { message: '请设置办理期限或跟进日期', path: ['due'] })
  .refine((v) => !v.due || !v.followUp || new Date(v.followUp) <= new Date(v.due), { message: '跟进日期不能晚于办理期限', path: ['followUp'] });
export type TaskDatesRequest = z.infer<typeof taskDatesRequest>;
export const taskComment = z.object({ id: z.string(), userId: z.string().nullable(), time: z.string(), message: z.string() });
export type TaskComment = z.infer<typeof taskComment>;
export const taskCosigner = z.object({ username: z.string(), addedBy: z.string(), comment: z.string().nullable(), approvedAt: z.string().nullable() });
export type TaskCosigner = z.infer<typeof taskCosigner>;

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
