import type { Knex } from 'knex';
import { examRegistrationFlow } from '../../contracts/flows/exam-registration';
import type { Db } from '../../db/knex';
import { countRows, fetchPage, onPage, type PageRequest } from '../../db/paging';
import type { PaymentOrderSortField, PaymentOrderStatus, RefundKind, RefundStatus } from '../../contracts/payment-admin';
import { escapeLike } from '../../db/escape-like';
import type { RegistrationDetailRow } from '../registration/registration-records.service';
import type { LocalOrder, LocalRefund, Mismatch } from './reconciliation';

/** The payment admin's lists are of exam fees: an order joins the registration it is the fee of. */
const feeOfRegistration = (j: Knex.JoinClause) => j.on('r.registration_no', 'o.business_key').andOnVal('o.case_type', examRegistrationFlow.processKey);

/**
 * A payment order with its registration (`r.*`, so that RegistrationRepository can check the seal
 * and decrypt it), the exam and major names. Order columns carry an `o_` prefix so that none of
 * them shadows a registration column the seal covers.
 */
export type OrderWithRegistration = RegistrationDetailRow & {
  o_id: number;
  o_merchant_order_no: string;
  o_trade_no: string | null;
  o_amount_fen: number;
  o_subject: string;
  o_status: PaymentOrderStatus;
  o_expires_at: Date;
  o_paid_at: Date | null;
  o_closed_at: Date | null;
  o_created_at: Date;
  /** The latest refund's status. */
  o_refund_status: RefundStatus | null;
  o_receipt_no: string | null;
};

export type RefundWithRegistration = RegistrationDetailRow & {
  f_id: number;
  f_payment_order_id: number;
  f_merchant_refund_no: string;
  f_amount_fen: number;
  f_reason: string;
  f_kind: RefundKind;
  f_status: RefundStatus;
  f_requested_by: string;
  f_decided_by: string | null;
  f_decision_comment: string | null;
  f_refund_no: string | null;
  f_refunded_at: Date | null;
  f_created_at: Date;
  f_updated_at: Date;
  o_merchant_order_no: string;
};

/** The query with the ID number already turned into its blind index and days into instants. */
export interface PaymentOrderFilter {
  paidFrom?: Date;
  /** Exclusive. */
  paidBefore?: Date;
  examId?: number;
  status?: PaymentOrderStatus;
  amountFromFen?: number;
  amountToFen?: number;
  orderNo?: string;
  fullName?: string;
  idNumberIdx?: string;
}

export interface NotificationRow {
  notify_id: string;
  trade_no: string;
  amount_fen: number;
  paid_at: Date;
  received_at: Date;
}

export interface ReceiptRow {
  receipt_no: string;
  check_code: string;
  issued_at: Date;
  verify_url: string;
}

export interface ReconciliationRunRow {
  id: number;
  bill_date: string;
  source: 'platform' | 'upload';
  platform_pay_count: number;
  platform_pay_fen: string | number;
  platform_refund_count: number;
  platform_refund_fen: string | number;
  local_pay_count: number;
  local_pay_fen: string | number;
  local_refund_count: number;
  local_refund_fen: string | number;
  ran_by: string;
  ran_at: Date;
}

export interface ReconciliationItemRow {
  id: number;
  run_id: number;
  item_key: string;
  kind: Mismatch['kind'];
  merchant_order_no: string;
  merchant_refund_no: string | null;
  trade_no: string | null;
  payment_order_id: number | null;
  platform_amount_fen: number | null;
  local_amount_fen: number | null;
  local_status: string | null;
  platform_time: Date | null;
  status: 'open' | 'resolved';
  resolution: 'credited' | 'noted' | null;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  /** Joined: the registration of the order, when the order is ours. */
  registration_no: string | null;
  order_status: LocalOrder['status'] | null;
}

export interface NewRun {
  billDate: string;
  source: 'platform' | 'upload';
  statement: string;
  platform: { payCount: number; payFen: number; refundCount: number; refundFen: number };
  local: { payCount: number; payFen: number; refundCount: number; refundFen: number };
  ranBy: string;
}

const sortColumns: Record<PaymentOrderSortField, string> = {
  paidAt: 'o.paid_at',
  createdAt: 'o.created_at',
  amountFen: 'o.amount_fen',
  orderNo: 'o.merchant_order_no',
};

/** Queries of the admin side of payments; registration rows leave here as stored (RegistrationRepository opens them). */
export class PaymentAdminRepository {
  constructor(private readonly db: Db) {}

  private filtered(filter: PaymentOrderFilter): Knex.QueryBuilder {
    const q = this.db('payment_orders as o').join('registrations as r', feeOfRegistration);
    if (filter.paidFrom) q.where('o.paid_at', '>=', filter.paidFrom);
    if (filter.paidBefore) q.where('o.paid_at', '<', filter.paidBefore);
    if (filter.examId !== undefined) q.where('r.exam_id', filter.examId);
    if (filter.status) q.where('o.status', filter.status);
    if (filter.amountFromFen !== undefined) q.where('o.amount_fen', '>=', filter.amountFromFen);
    if (filter.amountToFen !== undefined) q.where('o.amount_fen', '<=', filter.amountToFen);
    if (filter.orderNo) {
      const no = filter.orderNo;
      q.where((w) => w.where('o.merchant_order_no', no).orWhere('o.trade_no', no));
    }
    if (filter.fullName) q.whereILike('r.full_name', `%${escapeLike(filter.fullName)}%`);
    if (filter.idNumberIdx) q.where('r.id_number_idx', filter.idNumberIdx);
    return q;
  }

  private withColumns(q: Knex.QueryBuilder): Knex.QueryBuilder {
    return q
      .join('exams as e', 'e.id', 'r.exam_id')
      .join('majors as m', 'm.code', 'r.major_code')
      .leftJoin('e_receipts as er', 'er.payment_order_id', 'o.id')
      .select('r.*', 'e.name as exam_name', 'e.code as exam_code', 'e.year as exam_year', 'm.name as major_name')
      .select({
        o_id: 'o.id',
        o_merchant_order_no: 'o.merchant_order_no',
        o_trade_no: 'o.trade_no',
        o_amount_fen: 'o.amount_fen',
        o_subject: 'o.subject',
        o_status: 'o.status',
        o_expires_at: 'o.expires_at',
        o_paid_at: 'o.paid_at',
        o_closed_at: 'o.closed_at',
        o_created_at: 'o.created_at',
        o_receipt_no: 'er.receipt_no',
      })
      .select(this.db.raw('(select pr.status from payment_refunds pr where pr.payment_order_id = o.id order by pr.id desc limit 1) as o_refund_status'));
  }

  async search(
    filter: PaymentOrderFilter,
    paging: { page: number; pageSize: number; sort: PaymentOrderSortField; order: 'asc' | 'desc' } | { limit: number; sort: PaymentOrderSortField; order: 'asc' | 'desc' },
  ): Promise<{ rows: OrderWithRegistration[]; total: number; totalAmountFen: number }> {
    const counted = (await this.filtered(filter).count({ count: '*' }).sum({ sum: 'o.amount_fen' }).first()) as { count: string | number; sum: string | number | null } | undefined;
    const q = this.withColumns(this.filtered(filter)).orderByRaw(`${sortColumns[paging.sort]} ${paging.order} nulls last, o.id ${paging.order}`);
    if ('page' in paging) onPage(q, paging);
    else q.limit(paging.limit);
    return { rows: (await q) as OrderWithRegistration[], total: Number(counted?.count ?? 0), totalAmountFen: Number(counted?.sum ?? 0) };
  }

  count(filter: PaymentOrderFilter): Promise<number> {
    return countRows(this.filtered(filter));
  }

  async findOrder(orderNo: string): Promise<OrderWithRegistration | undefined> {
    return (await this.withColumns(this.filtered({})).where('o.merchant_order_no', orderNo).first()) as OrderWithRegistration | undefined;
  }

  exams(): Promise<Array<{ id: number; name: string; year: number }>> {
    return this.db('exams').whereExists((q) => q.select(this.db.raw('1')).from('registrations as r').join('payment_orders as o', feeOfRegistration).whereRaw('r.exam_id = exams.id')).orderBy([{ column: 'year', order: 'desc' }, { column: 'id', order: 'desc' }]).select('id', 'name', 'year');
  }

  notifications(orderNo: string): Promise<NotificationRow[]> {
    return this.db('payment_notifications').where({ merchant_order_no: orderNo }).orderBy('received_at').select('notify_id', 'trade_no', 'amount_fen', 'paid_at', 'received_at');
  }

  receipt(orderId: number): Promise<ReceiptRow | undefined> {
    return this.db('e_receipts').where({ payment_order_id: orderId }).first('receipt_no', 'check_code', 'issued_at', 'verify_url');
  }

  // --- refunds ---

  private refundsQuery(): Knex.QueryBuilder {
    return this.db('payment_refunds as f')
      .join('payment_orders as o', 'o.id', 'f.payment_order_id')
      .join('registrations as r', feeOfRegistration)
      .join('exams as e', 'e.id', 'r.exam_id')
      .join('majors as m', 'm.code', 'r.major_code')
      .select('r.*', 'e.name as exam_name', 'e.code as exam_code', 'e.year as exam_year', 'm.name as major_name', 'o.merchant_order_no as o_merchant_order_no')
      .select({
        f_id: 'f.id',
        f_payment_order_id: 'f.payment_order_id',
        f_merchant_refund_no: 'f.merchant_refund_no',
        f_amount_fen: 'f.amount_fen',
        f_reason: 'f.reason',
        f_kind: 'f.kind',
        f_status: 'f.status',
        f_requested_by: 'f.requested_by',
        f_decided_by: 'f.decided_by',
        f_decision_comment: 'f.decision_comment',
        f_refund_no: 'f.refund_no',
        f_refunded_at: 'f.refunded_at',
        f_created_at: 'f.created_at',
        f_updated_at: 'f.updated_at',
      });
  }

  refunds(status: RefundStatus, paging: PageRequest): Promise<{ rows: RefundWithRegistration[]; total: number }> {
    const ordered = this.refundsQuery()
      .where('f.status', status)
      .orderBy([{ column: 'f.created_at', order: status === 'requested' ? 'asc' : 'desc' }, { column: 'f.id', order: 'asc' }]);
    return fetchPage<RefundWithRegistration>(this.db('payment_refunds').where({ status }), ordered, paging);
  }

  async refundsOfOrder(orderId: number): Promise<RefundWithRegistration[]> {
    return (await this.refundsQuery().where('f.payment_order_id', orderId).orderBy('f.id')) as RefundWithRegistration[];
  }

  async refund(id: number): Promise<RefundWithRegistration | undefined> {
    return (await this.refundsQuery().where('f.id', id).first()) as RefundWithRegistration | undefined;
  }

  // --- reconciliation ---

  /** Orders paid that Beijing day (by `paidAt` in [from, before)) and every order the statement names. */
  async ordersForDay(from: Date, before: Date, named: string[]): Promise<LocalOrder[]> {
    const rows = await this.db('payment_orders')
      .where((w) => {
        w.whereIn('status', ['paid', 'refunded']).where('paid_at', '>=', from).where('paid_at', '<', before);
        if (named.length) w.orWhereIn('merchant_order_no', named);
      })
      .select<Array<{ id: number; merchant_order_no: string; trade_no: string | null; amount_fen: number; status: LocalOrder['status']; paid_at: Date | null }>>('id', 'merchant_order_no', 'trade_no', 'amount_fen', 'status', 'paid_at');
    return rows.map((o) => ({ id: o.id, merchantOrderNo: o.merchant_order_no, tradeNo: o.trade_no, amountFen: o.amount_fen, status: o.status, paidAt: o.paid_at }));
  }

  /** Refunds made that Beijing day and every refund the statement names. */
  async refundsForDay(from: Date, before: Date, named: string[]): Promise<LocalRefund[]> {
    const rows = await this.db('payment_refunds as f')
      .join('payment_orders as o', 'o.id', 'f.payment_order_id')
      .where((w) => {
        w.where('f.status', 'refunded').where('f.refunded_at', '>=', from).where('f.refunded_at', '<', before);
        if (named.length) w.orWhereIn('f.merchant_refund_no', named);
      })
      .select<Array<{ merchant_refund_no: string; merchant_order_no: string; payment_order_id: number; amount_fen: number; status: LocalRefund['status']; refunded_at: Date | null }>>(
        'f.merchant_refund_no',
        'o.merchant_order_no',
        'f.payment_order_id',
        'f.amount_fen',
        'f.status',
        'f.refunded_at',
      );
    return rows.map((r) => ({ merchantRefundNo: r.merchant_refund_no, merchantOrderNo: r.merchant_order_no, paymentOrderId: r.payment_order_id, amountFen: r.amount_fen, status: r.status, refundedAt: r.refunded_at }));
  }

  /**
   * Stores a run of the day: one run per date, replaced by a later run. Its open items are
   * replaced by what this run found; resolved items stay, and a mismatch a person already resolved
   * is not opened again.
   */
  async saveRun(run: NewRun, mismatches: readonly Mismatch[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      const values = {
        bill_date: run.billDate,
        source: run.source,
        statement: run.statement,
        platform_pay_count: run.platform.payCount,
        platform_pay_fen: run.platform.payFen,
        platform_refund_count: run.platform.refundCount,
        platform_refund_fen: run.platform.refundFen,
        local_pay_count: run.local.payCount,
        local_pay_fen: run.local.payFen,
        local_refund_count: run.local.refundCount,
        local_refund_fen: run.local.refundFen,
        ran_by: run.ranBy,
        ran_at: trx.fn.now(),
      };
      // The upsert takes the row lock: two runs of one day store one after the other.
      const [saved] = await trx('reconciliation_runs').insert(values).onConflict('bill_date').merge().returning<Array<{ id: number }>>('id');
      const runId = saved!.id;
      await trx('reconciliation_items').where({ run_id: runId, status: 'open' }).delete();
      const resolved = new Set((await trx('reconciliation_items').where({ run_id: runId }).pluck<string[]>('item_key')) as string[]);
      const fresh = mismatches.filter((m) => !resolved.has(m.key));
      if (fresh.length === 0) return;
      await trx('reconciliation_items').insert(
        fresh.map((m) => ({
          run_id: runId,
          item_key: m.key,
          kind: m.kind,
          merchant_order_no: m.merchantOrderNo,
          merchant_refund_no: m.merchantRefundNo,
          trade_no: m.tradeNo,
          payment_order_id: m.paymentOrderId,
          platform_amount_fen: m.platformAmountFen,
          local_amount_fen: m.localAmountFen,
          local_status: m.localStatus,
          platform_time: m.platformTime,
        })),
      );
    });
  }

  run(billDate: string): Promise<ReconciliationRunRow | undefined> {
    return this.db('reconciliation_runs')
      .where({ bill_date: billDate })
      .first<ReconciliationRunRow | undefined>(this.db.raw(`id, to_char(bill_date, 'YYYY-MM-DD') as bill_date`), 'source', 'platform_pay_count', 'platform_pay_fen', 'platform_refund_count', 'platform_refund_fen', 'local_pay_count', 'local_pay_fen', 'local_refund_count', 'local_refund_fen', 'ran_by', 'ran_at');
  }

  async runs(limit: number): Promise<Array<{ bill_date: string; source: 'platform' | 'upload'; ran_by: string; ran_at: Date; item_count: string | number; open_count: string | number }>> {
    return this.db('reconciliation_runs as run')
      .leftJoin('reconciliation_items as i', 'i.run_id', 'run.id')
      .groupBy('run.id')
      .orderBy('run.bill_date', 'desc')
      .limit(limit)
      .select(this.db.raw(`to_char(run.bill_date, 'YYYY-MM-DD') as bill_date`), 'run.source', 'run.ran_by', 'run.ran_at')
      .select(this.db.raw('count(i.id) as item_count'), this.db.raw(`count(i.id) filter (where i.status = 'open') as open_count`));
  }

  private itemsQuery(): Knex.QueryBuilder {
    return this.db('reconciliation_items as i')
      .leftJoin('payment_orders as o', 'o.id', 'i.payment_order_id')
      .leftJoin('registrations as r', feeOfRegistration)
      .select('i.*', 'r.registration_no', 'o.status as order_status');
  }

  async items(runId: number): Promise<ReconciliationItemRow[]> {
    return (await this.itemsQuery().where('i.run_id', runId).orderBy([{ column: 'i.status', order: 'asc' }, { column: 'i.id', order: 'asc' }])) as ReconciliationItemRow[];
  }

  async item(id: number): Promise<ReconciliationItemRow | undefined> {
    return (await this.itemsQuery().where('i.id', id).first()) as ReconciliationItemRow | undefined;
  }

  async billDateOfRun(runId: number): Promise<string> {
    const row = await this.db('reconciliation_runs').where({ id: runId }).first<{ bill_date: string }>(this.db.raw(`to_char(bill_date, 'YYYY-MM-DD') as bill_date`));
    return row.bill_date;
  }

  /** Marks an open item resolved; false when it was resolved meanwhile. */
  async resolveItem(id: number, resolution: 'credited' | 'noted', note: string, by: string): Promise<boolean> {
    const n = await this.db('reconciliation_items').where({ id, status: 'open' }).update({ status: 'resolved', resolution, resolution_note: note, resolved_by: by, resolved_at: this.db.fn.now() });
    return n > 0;
  }
}
