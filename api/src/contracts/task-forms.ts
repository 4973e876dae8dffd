import { z } from 'zod';
import { taskAttachmentIds } from './task-attachments';

/** The key of a form designed in the console; a user task names it as `form:<key>`. */
export const taskFormKey = z.string().trim().regex(/^[a-z][a-z0-9-]{1,59}$/, '表单标识须以小写字母开头，由小写字母、数字和连字符组成（2～60位）');
export const FORM_KEY_PREFIX = 'form:';
/** The generic approval form (decision, opinion, attachments) every new user task may use. */
export const GENERIC_APPROVAL_FORM_KEY = 'app:generic-approval';

/** A form-js schema as the editor exports it: an object with its components. */
export const formJsSchema = z
  .object({
    type: z.literal('default', { error: '表单结构不正确' }),
    components: z.array(z.record(z.string(), z.unknown()), { error: '表单结构不正确' }).min(1, '表单至少须有一个字段'),
  })
  .passthrough();
export type FormJsSchema = z.infer<typeof formJsSchema>;

const formName = z.string().trim().min(1, '请填写表单名称').max(200, '表单名称不能超过200字');

export const createTaskFormRequest = z.object({ key: taskFormKey, name: formName, schema: formJsSchema });
export type CreateTaskFormRequest = z.infer<typeof createTaskFormRequest>;

export const taskFormVersionRequest = z.object({ name: formName, schema: formJsSchema });
export type TaskFormVersionRequest = z.infer<typeof taskFormVersionRequest>;

export const taskFormKeyParams = z.object({ key: taskFormKey });

export const taskFormView = z.object({
  key: z.string(),
  /** What a user task's form key names: `form:<key>`. */
  formKey: z.string(),
  version: z.number(),
  name: z.string(),
  schema: formJsSchema,
  createdBy: z.string(),
  createdAt: z.string(),
});
export type TaskFormView = z.infer<typeof taskFormView>;

export const taskFormSummary = taskFormView.omit({ schema: true }).extend({ versions: z.number() });
export type TaskFormSummary = z.infer<typeof taskFormSummary>;

export const taskIdParams = z.object({ taskId: z.string().trim().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '待办编号不正确') });

/**
 * The form of one task: `generic-approval` (decision, opinion, attachments), `form-js` (a stored
 * form, with its schema) or `view` (a console view of its own, e.g. 资格审核).
 */
export const taskFormOfTask = z.object({
  taskId: z.string(),
  taskName: z.string(),
  processInstanceId: z.string(),
  assignee: z.string().nullable(),
  formKey: z.string().nullable(),
  kind: z.enum(['generic-approval', 'form-js', 'view']),
  form: taskFormView.nullable(),
});
export type TaskFormOfTask = z.infer<typeof taskFormOfTask>;

export const approvalDecisions = ['approve', 'reject'] as const;
export const APPROVAL_DECISION_LABELS: Record<(typeof approvalDecisions)[number], string> = { approve: '同意', reject: '不同意' };

const attachmentLink = z.object({
  name: z.string().trim().min(1, '请填写附件名称').max(100, '附件名称不能超过100字'),
  url: z.url({ protocol: /^https?$/, error: '附件地址须为 http(s) 链接' }).max(1000, '附件地址过长'),
});

/** Submitted values: checked against the task's form fields by the API (required fields, types, options). */
export const completeTaskFormRequest = z.object({
  data: z.record(z.string(), z.unknown(), { error: '请填写表单' }),
  /** 审批意见, kept as an engine comment on the task. */
  opinion: z.string().trim().max(2000, '审批意见不能超过2000字').optional(),
  /** Links to documents (generic approval form), kept as the task's attachments. */
  attachments: z.array(attachmentLink).max(10, '附件不能超过10个').optional(),
  /** Files uploaded to the task (`POST /tasks/:id/attachments`) that go with the opinion; each must be the task's. */
  attachmentIds: taskAttachmentIds.optional(),
});
export type CompleteTaskFormRequest = z.infer<typeof completeTaskFormRequest>;

export const completeTaskFormResult = z.object({ taskId: z.string(), variables: z.array(z.string()) });
export type CompleteTaskFormResult = z.infer<typeof completeTaskFormResult>;

/** The generic approval form as a form-js schema: the viewer renders it, the API checks against it. */
export const GENERIC_APPROVAL_SCHEMA: FormJsSchema = {
  type: 'default',
  id: 'generic-approval',
  components: [
    {
      type: 'radio',
      key: 'decision',
      label: '审批结论',
      values: approvalDecisions.map((value) => ({ label: APPROVAL_DECISION_LABELS[value], value })),
      validate: { required: true },
    },
  ],
};
