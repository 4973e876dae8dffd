import { z } from 'zod';
import { paged } from './paged';

// Notifications (G5): message templates an admin edits, and the message centre (消息中心) where
// each person finds every message sent to them by 随申办 push or SMS.

/** Where a message goes besides the message centre, in the order tried: 随申办 push, then SMS. */
export const messageChannels = ['suishenban', 'sms'] as const;
export type MessageChannel = (typeof messageChannels)[number];
export const messageChannelLabels: Record<MessageChannel, string> = { suishenban: '随申办推送', sms: '短信' };

/**
 * pending: stored, not yet handed to a channel (or the channel is down and the step retries);
 * sent: the channel accepted it; unconfirmed: an SMS whose answer never came (never sent twice);
 * centre-only: no channel reaches the person (no 随申办, no bound phone): only the message centre has it.
 */
export const deliveryStatuses = ['pending', 'sent', 'unconfirmed', 'centre-only'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
export const deliveryStatusLabels: Record<DeliveryStatus, string> = {
  pending: '发送中',
  sent: '已发送',
  unconfirmed: '短信发送结果未知',
  'centre-only': '仅站内消息',
};

export const messageTemplateLimits = { titleMax: 64, bodyMax: 500 } as const;

/** What each placeholder means, for the editor; every name a template may use has a label here. */
export const messageParamLabels: Record<string, string> = {
  name: '姓名',
  registrationNo: '报名号',
  examName: '考试名称',
  majorName: '报考专业',
  reason: '原因或修改要求',
  paymentDeadline: '缴费截止时间',
  amount: '金额（元）',
  applicationNo: '申请编号',
  decision: '审批结果',
  step: '待办环节',
  urger: '催办人',
  note: '催办说明',
};

/** Values the live preview fills in. */
export const messageParamSamples: Record<string, string> = {
  name: '张三',
  registrationNo: 'BM2026000123',
  examName: '2026年度上海市初级注册安全工程师职业资格考试',
  majorName: '化工安全',
  reason: '学历信息：请上传清晰的毕业证书照片',
  paymentDeadline: '2026-06-30 17:00',
  amount: '140.00',
  applicationNo: 'ZC2026000045',
  decision: '准予注册',
  step: '资格审核',
  urger: '赵审核',
  note: '考生来电询问进度，请今日办理',
};

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PARAM_NAME = /^[A-Za-z][A-Za-z0-9]{0,31}$/;

/** The placeholder names a text uses, in order of first use. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** What is wrong with the placeholders of a title or body (a Chinese message), or null when every one is allowed. */
export function placeholderProblem(text: string, allowed: readonly string[]): string | null {
  if (/\{\{|\}\}/.test(text.replace(PLACEHOLDER, ''))) return '占位符须写成{{名称}}，请检查是否缺少或多出花括号';
  for (const name of placeholdersOf(text)) {
    if (!PARAM_NAME.test(name)) return `占位符{{${name}}}格式不正确`;
    if (!allowed.includes(name)) {
      const list = allowed.map((p) => `{{${p}}}`).join('、');
      return allowed.length ? `不支持的占位符{{${name}}}，可用的占位符：${list}` : `不支持的占位符{{${name}}}，该模板不使用占位符`;
    }
  }
  return null;
}

/** Fills the placeholders; names without a value are listed in `missing` and written as `missingAs` says (default empty). */
export function renderMessageText(text: string, values: Readonly<Record<string, string>>, missingAs: (name: string) => string = () => ''): { text: string; missing: string[] } {
  const missing: string[] = [];
  const rendered = text.replace(PLACEHOLDER, (_m, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      if (!missing.includes(name)) missing.push(name);
      return missingAs(name);
    }
    return value;
  });
  return { text: rendered, missing };
}

const templateCode = z.string({ error: '缺少模板编号' }).regex(/^[a-z0-9-]{1,64}$/, '模板编号格式不正确');
export const messageTemplateParams = z.object({ code: templateCode });

export const messageTemplateView = z.object({
  code: z.string(),
  title: z.string(),
  body: z.string(),
  channels: z.array(z.enum(messageChannels)),
  /** Placeholders the template may use (the values its case supplies). */
  params: z.array(z.string()),
  version: z.number().int().positive(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string(),
});
export type MessageTemplateView = z.infer<typeof messageTemplateView>;

/** Saves a template; `version` is the one the editor started from (someone else's save in between is refused). */
export const updateMessageTemplateRequest = z.object({
  title: z
    .string({ error: '请填写消息标题' })
    .trim()
    .min(1, '请填写消息标题')
    .max(messageTemplateLimits.titleMax, `消息标题不能超过${messageTemplateLimits.titleMax}个字`),
  body: z
    .string({ error: '请填写消息内容' })
    .trim()
    .min(1, '请填写消息内容')
    .max(messageTemplateLimits.bodyMax, `消息内容不能超过${messageTemplateLimits.bodyMax}个字`),
  channels: z
    .array(z.enum(messageChannels, { error: '发送渠道只能是随申办推送或短信' }), { error: '请选择发送渠道' })
    .min(1, '请至少选择一个发送渠道')
    .refine((list) => new Set(list).size === list.length, '发送渠道不能重复'),
  version: z.number({ error: '缺少版本号' }).int('版本号格式不正确').positive('版本号格式不正确'),
});
export type UpdateMessageTemplateRequest = z.infer<typeof updateMessageTemplateRequest>;

// --- message centre ---------------------------------------------------------------------------

export const messageListQuery = z.object({
  page: z.coerce.number({ error: '页码格式不正确' }).int('页码格式不正确').min(1, '页码格式不正确').max(100_000, '页码格式不正确').default(1),
  pageSize: z.coerce.number({ error: '每页条数格式不正确' }).int('每页条数格式不正确').min(1, '每页条数须为1至100').max(100, '每页条数须为1至100').default(20),
  unreadOnly: z
    .enum(['true', 'false'], { error: 'unreadOnly只能是true或false' })
    .default('false')
    .transform((v) => v === 'true'),
});

export const messageParams = z.object({ id: z.string({ error: '缺少消息编号' }).uuid('消息编号格式不正确') });

export const messageView = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  /** The case in the portal (a console path, e.g. `/portal/registrations/BM…`), or null. */
  link: z.string().nullable(),
  caseType: z.string(),
  caseKey: z.string(),
  channel: z.enum(messageChannels).nullable(),
  status: z.enum(deliveryStatuses),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type MessageView = z.infer<typeof messageView>;

export const messagePage = paged(messageView).extend({
  /** The person's unread messages, whatever the filter. */
  unread: z.number().int(),
});
export type MessagePage = z.infer<typeof messagePage>;

export const unreadCount = z.object({ unread: z.number().int() });
export type UnreadCount = z.infer<typeof unreadCount>;
