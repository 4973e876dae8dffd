import { z } from 'zod';
import { pageQuery, paged } from './paged';
import { levelCodes, registrationStatuses } from './registration';

/**
 * 缴费订单 for admins (M25): the query of payment orders with details and an Excel export, the
 * administrative refund with its approval (four eyes), and reconciliation against the payment
 * platform's daily statement (对账). Amounts are in fen (分) everywhere; the console converts yuan.
 */

export const paymentOrderStatuses = ['creating', 'waiting', 'paid', 'closed', 'refunded'] as const;
export type PaymentOrderStatus = (typeof paymentOrderStatuses)[number];

export const refundStatuses = ['requested', 'approved', 'rejected', 'refunded', 'failed'] as const;
export type RefundStatus = (typeof refundStatuses)[number];
export const refundStatusLabels: Record<RefundStatus, string> = {
  requested: '待审批',
  approved: '已批准，待退款',
  rejected: '已驳回',
  refunded: '已退款',
  failed: '退款失败',
};

export const refundKinds = ['late-payment', 'administrative'] as const;
export type RefundKind = (typeof refundKinds)[number];
export const refundKindLabels: Record<RefundKind, string> = {
  'late-payment': '逾期缴费自动退款',
  administrative: '行政取消退款',
};

/** A Beijing calendar day `YYYY-MM-DD`. */
const isoDay = (what: string) =>
  z
    .string({ error: `请选择${what}` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what}格式应为YYYY-MM-DD`)
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${what}不是有效日期`);

const fen = (what: string) =>
  z.coerce
    .number({ error: `${what}不正确` })
    .int(`${what}最多精确到分`)
    .min(0, `${what}不能为负数`)
    .max(100_000_000, `${what}不能超过1000000元`);


export const paymentOrderSortFields = ['paidAt', 'createdAt', 'amountFen', 'orderNo'] as const;
export type PaymentOrderSortField = (typeof paymentOrderSortFields)[number];

/** The order query (M25). Empty fields are left out of the query string. */
export const paymentOrderQuery = z
  .object({
    /** Days of payment in Beijing time, both included. */
    paidFrom: isoDay('支付开始日期').optional(),
    paidTo: isoDay('支付截止日期').optional(),
    examId: z.coerce.number({ error: '考试编号不正确' }).int('考试编号不正确').positive('考试编号不正确').optional(),
    status: z.enum(paymentOrderStatuses, { error: '订单状态不正确' }).optional(),
    amountFromFen: fen('最低金额').optional(),
    amountToFen: fen('最高金额').optional(),
    /** Ours (商户订单号) or the platform's (平台订单号), exact. */
    orderNo: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{6,64}$/, '订单号应为6至64位字母、数字、下划线或连字符')
      .optional(),
    /** Part of the name. */
    fullName: z.string().trim().min(1, '请输入姓名').max(30, '姓名不能超过30个字').optional(),
    /** Exact, through the registrations' blind index. */
    idNumber: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^\d{17}[\dX]$/, '证件号码应为18位，最后一位可以是数字或X')
      .optional(),
    ...pageQuery,
    sort: z.enum(paymentOrderSortFields, { error: '排序字段不正确' }).default('paidAt'),
    order: z.enum(['asc', 'desc'], { error: '排序方向不正确' }).default('desc'),
  })
  .refine((q) => !q.paidFrom || !q.paidTo || q.paidFrom <= q.paidTo, { path: ['paidTo'], message: '支付截止日期不能早于开始日期' })
  .refine((q) => q.amountFromFen === undefined || q.amountToFen === undefined || q.amountFromFen <= q.amountToFen, {
    path: ['amountToFen'],
    message: '最高金额不能低于最低金额',
  });
export type PaymentOrderQuery = z.infer<typeof paymentOrderQuery>;

export const paymentOrderRow = z.object({
  orderNo: z.string(),
  tradeNo: z.string().nullable(),
  registrationNo: z.string(),
  examId: z.number().int(),
  examName: z.string(),
  /** 张* : payment staff need no more of the person than this. */
  fullNameMasked: z.string(),
  idNumberMasked: z.string(),
  amountFen: z.number().int(),
  status: z.enum(paymentOrderStatuses),
  statusLabel: z.string(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
  /** The latest refund of the order, if any. */
  refundStatus: z.enum(refundStatuses).nullable(),
  receiptNo: z.string().nullable(),
});
export type PaymentOrderRow = z.infer<typeof paymentOrderRow>;

export const paymentOrderPage = paged(paymentOrderRow).extend({
  /** Sum of the amounts of every order matching the query (not only this page). */
  totalAmountFen: z.number().int(),
});
export type PaymentOrderPage = z.infer<typeof paymentOrderPage>;

export const paymentOrderOptions = z.object({
  exams: z.array(z.object({ id: z.number().int(), name: z.string(), year: z.number().int() })),
});
export type PaymentOrderOptions = z.infer<typeof paymentOrderOptions>;

export const refundView = z.object({
  id: z.number().int(),
  orderNo: z.string(),
  registrationNo: z.string(),
  examName: z.string(),
  fullNameMasked: z.string(),
  merchantRefundNo: z.string(),
  amountFen: z.number().int(),
  reason: z.string(),
  kind: z.enum(refundKinds),
  kindLabel: z.string(),
  status: z.enum(refundStatuses),
  statusLabel: z.string(),
  requestedBy: z.string(),
  decidedBy: z.string().nullable(),
  decisionComment: z.string().nullable(),
  /** The platform's refund number, once refunded. */
  refundNo: z.string().nullable(),
  refundedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RefundView = z.infer<typeof refundView>;

export const paymentOrderDetail = z.object({
  order: paymentOrderRow.extend({
    subject: z.string(),
    expiresAt: z.string(),
    closedAt: z.string().nullable(),
  }),
  registration: z.object({
    registrationNo: z.string(),
    examName: z.string(),
    examCode: z.string(),
    levelCode: z.enum(levelCodes),
    majorName: z.string(),
    fullNameMasked: z.string(),
    idNumberMasked: z.string(),
    phoneMasked: z.string(),
    status: z.enum(registrationStatuses),
    statusLabel: z.string(),
    feeTotalFen: z.number().int().nullable(),
  }),
  /** Payment callbacks the platform delivered (each notification once). */
  notifications: z.array(z.object({ notifyId: z.string(), tradeNo: z.string(), amountFen: z.number().int(), paidAt: z.string(), receivedAt: z.string() })),
  refunds: z.array(refundView),
  receipt: z.object({ receiptNo: z.string(), checkCode: z.string(), issuedAt: z.string(), verifyUrl: z.string() }).nullable(),
  /** Paid, with no refund under way: an administrative refund may be requested. */
  refundable: z.boolean(),
});
export type PaymentOrderDetail = z.infer<typeof paymentOrderDetail>;

export const refundRequest = z.object({
  reason: z.string({ error: '请填写退款原因' }).trim().min(5, '退款原因至少5个字').max(200, '退款原因不能超过200个字'),
});
export type RefundRequest = z.infer<typeof refundRequest>;

export const refundApproval = z.object({
  comment: z.string().trim().max(200, '审批意见不能超过200个字').optional(),
});
export type RefundApproval = z.infer<typeof refundApproval>;

export const refundRejection = z.object({
  comment: z.string({ error: '请填写驳回理由' }).trim().min(2, '驳回理由至少2个字').max(200, '驳回理由不能超过200个字'),
});
export type RefundRejection = z.infer<typeof refundRejection>;

export const refundListQuery = z.object({
  status: z.enum(refundStatuses, { error: '退款状态不正确' }).default('requested'),
  ...pageQuery,
});
export type RefundListQuery = z.infer<typeof refundListQuery>;

export const refundPage = paged(refundView);
export type RefundPage = z.infer<typeof refundPage>;

// --- reconciliation (对账) ---

export const reconciliationItemKinds = [
  'missing-local',
  'missing-remote',
  'amount-mismatch',
  'refund-missing-local',
  'refund-missing-remote',
  'refund-amount-mismatch',
] as const;
export type ReconciliationItemKind = (typeof reconciliationItemKinds)[number];
export const reconciliationItemKindLabels: Record<ReconciliationItemKind, string> = {
  'missing-local': '平台已收款，本系统未入账',
  'missing-remote': '本系统已入账，平台无此笔收款',
  'amount-mismatch': '金额不一致',
  'refund-missing-local': '平台已退款，本系统未记录',
  'refund-missing-remote': '本系统已退款，平台无此笔退款',
  'refund-amount-mismatch': '退款金额不一致',
};

export const reconciliationSources = ['platform', 'upload'] as const;
export const reconciliationSourceLabels: Record<(typeof reconciliationSources)[number], string> = {
  platform: '从支付平台获取',
  upload: '上传对账单文件',
};

export const reconciliationRequest = z.object({ billDate: isoDay('对账日期') });
export type ReconciliationRequest = z.infer<typeof reconciliationRequest>;

const totals = z.object({ payCount: z.number().int(), payFen: z.number().int(), refundCount: z.number().int(), refundFen: z.number().int() });

export const reconciliationItemView = z.object({
  id: z.number().int(),
  kind: z.enum(reconciliationItemKinds),
  kindLabel: z.string(),
  orderNo: z.string(),
  merchantRefundNo: z.string().nullable(),
  tradeNo: z.string().nullable(),
  /** Set when the order is ours. */
  registrationNo: z.string().nullable(),
  platformAmountFen: z.number().int().nullable(),
  localAmountFen: z.number().int().nullable(),
  localStatus: z.string().nullable(),
  platformTime: z.string().nullable(),
  /** Paid at the platform, not here, and ours: 补记入账 asks the platform and credits it. */
  creditable: z.boolean(),
  status: z.enum(['open', 'resolved']),
  resolution: z.enum(['credited', 'noted']).nullable(),
  resolutionNote: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});
export type ReconciliationItemView = z.infer<typeof reconciliationItemView>;

export const reconciliationView = z.object({
  billDate: z.string(),
  source: z.enum(reconciliationSources),
  ranBy: z.string(),
  ranAt: z.string(),
  platform: totals,
  local: totals,
  items: z.array(reconciliationItemView),
  openCount: z.number().int(),
});
export type ReconciliationView = z.infer<typeof reconciliationView>;

export const reconciliationRunList = z.object({
  items: z.array(
    z.object({
      billDate: z.string(),
      source: z.enum(reconciliationSources),
      ranBy: z.string(),
      ranAt: z.string(),
      itemCount: z.number().int(),
      openCount: z.number().int(),
    }),
  ),
});
export type ReconciliationRunList = z.infer<typeof reconciliationRunList>;

export const reconciliationResolve = z.object({
  note: z.string({ error: '请填写处理说明' }).trim().min(2, '处理说明至少2个字').max(500, '处理说明不能超过500个字'),
});
export type ReconciliationResolve = z.infer<typeof reconciliationResolve>;

export const reconciliationCredit = z.object({
  note: z.string().trim().max(500, '处理说明不能超过500个字').optional(),
});
export type ReconciliationCredit = z.infer<typeof reconciliationCredit>;
