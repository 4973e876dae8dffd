import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import type { refundStatusLabels } from '../../contracts/payment-admin';
import type { PaymentNotification } from '../../integrations/payment/payment-platform';
import type { CaseKey } from './payable-case';

export interface PaymentOrderRow {
  id: number;
  case_type: string;
  business_key: string;
  merchant_order_no: string;
  amount_fen: number;
  subject: string;
  status: 'creating' | 'waiting' | 'paid' | 'closed' | 'refunded';
  trade_no: string | null;
  pay_url: string | null;
  expires_at: Date;
  paid_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
}

export interface NewRefund {
  payment_order_id: number;
  merchant_refund_no: string;
  amount_fen: number;
  reason: string;
  kind: 'late-payment' | 'administrative';
  status: 'approved' | 'requested';
  requested_by: string;
  decided_by: string | null;
}

export interface ApprovedRefundRow {
  id: number;
  merchant_refund_no: string;
  amount_fen: number;
  reason: string;
}

export interface NewEReceipt {
  payment_order_id: number;
  receipt_code: string;
  receipt_no: string;
  check_code: string;
  issued_at: Date;
  verify_url: string;
  signature: string;
  pdf: Buffer;
}

type Q = Db | Knex.Transaction;

const ofCase = (key: CaseKey) => ({ case_type: key.caseType, business_key: key.businessKey });

type RefundStatus = keyof typeof refundStatusLabels;

/** `payment_orders` (keyed by case type and business key), `payment_notifications`, `payment_refunds` and `e_receipts` (M06, M16). */
export class PaymentRepository {
  constructor(private readonly db: Db) {}

  /** The order that is paid, or else the one that may still be paid. */
  liveOrder(q: Q, key: CaseKey): Promise<PaymentOrderRow | undefined> {
    return q<PaymentOrderRow>('payment_orders')
      .where(ofCase(key))
      .whereIn('status', ['creating', 'waiting', 'paid'])
      .orderByRaw(`case status when 'paid' then 0 else 1 end`)
      .orderBy('id', 'desc')
      .first();
  }

  findById(id: number): Promise<PaymentOrderRow | undefined> {
    return this.db<PaymentOrderRow>('payment_orders').where({ id }).first();
  }

  findByMerchantOrderNo(merchantOrderNo: string): Promise<PaymentOrderRow | undefined> {
    return this.db<PaymentOrderRow>('payment_orders').where({ merchant_order_no: merchantOrderNo }).first();
  }

  /** The order, locked until the transaction ends: concurrent reports of one payment credit it once. */
  lockByMerchantOrderNo(trx: Knex.Transaction, merchantOrderNo: string): Promise<PaymentOrderRow | undefined> {
    return trx<PaymentOrderRow>('payment_orders').where({ merchant_order_no: merchantOrderNo }).forUpdate().first();
  }

  lockById(trx: Knex.Transaction, id: number): Promise<PaymentOrderRow | undefined> {
    return trx<PaymentOrderRow>('payment_orders').where({ id }).forUpdate().first();
  }

  paidOrder(key: CaseKey): Promise<PaymentOrderRow | undefined> {
    return this.db<PaymentOrderRow>('payment_orders').where({ ...ofCase(key), status: 'paid' }).first();
  }

  latestOrder(key: CaseKey): Promise<PaymentOrderRow | undefined> {
    return this.db<PaymentOrderRow>('payment_orders').where(ofCase(key)).orderBy('id', 'desc').first();
  }

  /** How many orders the case has had (numbers the next one). */
  async countOrders(key: CaseKey): Promise<number> {
    return Number((await this.db('payment_orders').where(ofCase(key)).count<Array<{ count: string }>>('* as count'))[0]!.count);
  }

  /** A new order in status `creating`; undefined when a concurrent delivery of the same task stored it first. */
  async insertOrder(order: Pick<PaymentOrderRow, 'case_type' | 'business_key' | 'merchant_order_no' | 'amount_fen' | 'subject' | 'expires_at'>): Promise<PaymentOrderRow | undefined> {
    try {
      const [row] = await this.db<PaymentOrderRow>('payment_orders')
        .insert({ ...order, status: 'creating' })
        .returning('*');
      return row;
    } catch (err) {
      if (!(typeof err === 'object' && err !== null && 'code' in err && err.code === '23505')) throw err;
      return undefined;
    }
  }

  /** The platform accepted the order: payable at `payUrl`. */
  async markWaiting(id: number, tradeNo: string, payUrl: string): Promise<void> {
    await this.db('payment_orders').where({ id, status: 'creating' }).update({ status: 'waiting', trade_no: tradeNo, pay_url: payUrl, updated_at: this.db.fn.now() });
  }

  /** Closes the order if it is still in one of `from`. */
  async close(id: number, from: ReadonlyArray<PaymentOrderRow['status']>): Promise<void> {
    await this.db('payment_orders').where({ id }).whereIn('status', from).update({ status: 'closed', closed_at: this.db.fn.now(), updated_at: this.db.fn.now() });
  }

  async markPaid(trx: Knex.Transaction, id: number, paid: { tradeNo: string; paidAt: Date }): Promise<void> {
    await trx('payment_orders').where({ id }).update({ status: 'paid', trade_no: paid.tradeNo, paid_at: paid.paidAt, updated_at: trx.fn.now() });
  }

  /** Each notification once, by the platform's notification id. */
  async recordNotification(n: PaymentNotification): Promise<void> {
    await this.db('payment_notifications')
      .insert({ notify_id: n.notifyId, merchant_order_no: n.merchantOrderNo, trade_no: n.tradeNo, amount_fen: n.amountFen, paid_at: n.paidAt })
      .onConflict('notify_id')
      .ignore();
  }

  // --- refunds ---

  async countRefunds(trx: Knex.Transaction, orderId: number): Promise<number> {
    return Number((await trx('payment_refunds').where({ payment_order_id: orderId }).count<Array<{ count: string }>>('* as count'))[0]!.count);
  }

  /** Ignored when it conflicts with a refund the order has (at most one open refund per order). */
  async insertRefund(trx: Knex.Transaction, refund: NewRefund): Promise<void> {
    await trx('payment_refunds').insert(refund).onConflict().ignore();
  }

  /** A refund of the order that is requested, approved or done (at most one may be). */
  async hasOpenRefund(trx: Knex.Transaction, orderId: number): Promise<boolean> {
    return Boolean(await trx('payment_refunds').where({ payment_order_id: orderId }).whereIn('status', ['requested', 'approved', 'refunded']).first('id'));
  }

  async requestedRefundId(trx: Knex.Transaction, orderId: number): Promise<number> {
    const made = await trx('payment_refunds').where({ payment_order_id: orderId, status: 'requested' }).first<{ id: number } | undefined>('id');
    if (!made) throw new Error(`order ${orderId} has no requested refund`);
    return made.id;
  }

  refundState(q: Q, id: number): Promise<{ payment_order_id: number; status: RefundStatus } | undefined> {
    return q('payment_refunds').where({ id }).first<{ payment_order_id: number; status: RefundStatus } | undefined>('payment_order_id', 'status');
  }

  /** The refund, locked until the transaction ends (lock its order first, as everything that changes payments does). */
  lockRefund(trx: Knex.Transaction, id: number): Promise<{ kind: NewRefund['kind']; status: RefundStatus; requested_by: string } | undefined> {
    return trx('payment_refunds').where({ id }).forUpdate().first<{ kind: NewRefund['kind']; status: RefundStatus; requested_by: string } | undefined>();
  }

  async decideRefund(trx: Knex.Transaction, id: number, decision: 'approved' | 'rejected', by: string, comment: string | null): Promise<void> {
    await trx('payment_refunds').where({ id }).update({ status: decision, decided_by: by, decision_comment: comment, updated_at: trx.fn.now() });
  }

  approvedRefund(orderId: number): Promise<ApprovedRefundRow | undefined> {
    return this.db('payment_refunds').where({ payment_order_id: orderId, status: 'approved' }).first<ApprovedRefundRow | undefined>();
  }

  /** The platform refunded: the refund and its order are `refunded`. */
  async markRefunded(trx: Knex.Transaction, refundId: number, orderId: number, done: { refundNo: string; refundedAt: Date }): Promise<void> {
    await trx('payment_refunds').where({ id: refundId }).update({ status: 'refunded', refund_no: done.refundNo, refunded_at: done.refundedAt, updated_at: trx.fn.now() });
    await trx('payment_orders').where({ id: orderId }).update({ status: 'refunded', updated_at: trx.fn.now() });
  }

  latestRefund(orderId: number): Promise<{ status: string; reason: string; refunded_at: Date | null } | undefined> {
    return this.db('payment_refunds').where({ payment_order_id: orderId }).orderBy('id', 'desc').first<{ status: string; reason: string; refunded_at: Date | null } | undefined>('status', 'reason', 'refunded_at');
  }

  // --- e-receipts ---

  async hasReceipt(orderId: number): Promise<boolean> {
    return Boolean(await this.db('e_receipts').where({ payment_order_id: orderId }).first('id'));
  }

  /** Once per order. */
  async insertReceipt(trx: Knex.Transaction, receipt: NewEReceipt): Promise<void> {
    await trx('e_receipts').insert(receipt).onConflict('payment_order_id').ignore();
  }

  receiptOf(orderId: number): Promise<{ receipt_no: string; check_code: string; issued_at: Date; verify_url: string } | undefined> {
    return this.db('e_receipts').where({ payment_order_id: orderId }).first<{ receipt_no: string; check_code: string; issued_at: Date; verify_url: string } | undefined>('receipt_no', 'check_code', 'issued_at', 'verify_url');
  }

  /** The newest e-receipt PDF of the case. */
  receiptPdf(key: CaseKey): Promise<{ pdf: Buffer; receipt_no: string } | undefined> {
    return this.db('e_receipts as e')
      .join('payment_orders as o', 'o.id', 'e.payment_order_id')
      .where({ 'o.case_type': key.caseType, 'o.business_key': key.businessKey })
      .orderBy('e.id', 'desc')
      .first<{ pdf: Buffer; receipt_no: string } | undefined>('e.pdf', 'e.receipt_no');
  }
}
