import { z } from 'zod';

/** The payment of a registration as the candidate sees it (M16). */
export const paymentView = z.object({
  orderNo: z.string().nullable(),
  amountFen: z.number().int(),
  status: z.enum(['creating', 'waiting', 'paid', 'closed', 'refunded']).nullable(),
  /** The candidate may go to the cashier now. */
  payable: z.boolean(),
  expiresAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  receipt: z.object({ receiptNo: z.string(), checkCode: z.string(), issuedAt: z.string(), verifyUrl: z.string() }).nullable(),
  refund: z.object({ status: z.string(), reason: z.string(), refundedAt: z.string().nullable() }).nullable(),
});
export type PaymentView = z.infer<typeof paymentView>;

export const paymentOrderStatusLabels: Record<NonNullable<PaymentView['status']>, string> = {
  creating: '订单生成中',
  waiting: '待支付',
  paid: '已支付',
  closed: '已关闭',
  refunded: '已退款',
};
