import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import type { PaymentView } from '../../contracts/payments';
import { conflict, DomainError } from '../../http/errors';
import { EngineError, type EngineClient } from '../../engine/engine-client';
import {
  assertNotificationMatches,
  PaymentRefusedError,
  type PaymentNotification,
  type PaymentPlatform,
} from '../../integrations/payment/payment-platform';
import { paymentErrorCodes } from '../../integrations/payment/payment-wire';
import { formatBeijingTime, formatYuan as yuan } from '../../integrations/wire-formats';
import type { EReceiptPlatform } from '../../integrations/ereceipt/ereceipt-platform';
import { PaymentRepository, type PaymentOrderRow } from './payment.repository';
import type { Bill, CaseKey, PayableCase, PaymentEvent } from './payable-case';

/** How long one order stays payable at the platform (it accepts at most 30 days). */
const ORDER_VALIDITY_MS = 24 * 3600 * 1000;

export interface PaymentServiceOptions {
  /** Where the platform POSTs its signed callback (our `/api/payments/callback`). */
  notifyUrl: string;
  /** The console's address; the payer returns to the case's page under it. */
  publicBaseUrl: string;
}

/**
 * The fee of a case (M06, M16; 考试报名 today): one order per case at the public payment platform,
 * keyed by (case type, business key), credited exactly once however often, in whatever order and
 * through whichever path (callback, browser return, the worker's query) the payment is reported;
 * refunded when it came too late. What a case owes and what a payment changes in it, its case type says.
 */
export class PaymentService {
  private readonly orders: PaymentRepository;
  private readonly cases: ReadonlyMap<string, PayableCase>;

  constructor(
    private readonly db: Db,
    private readonly engine: EngineClient,
    private readonly platform: PaymentPlatform,
    private readonly receipts: EReceiptPlatform | null,
    private readonly options: PaymentServiceOptions,
    payable: readonly PayableCase[],
  ) {
    this.orders = new PaymentRepository(db);
    this.cases = new Map(payable.map((c) => [c.caseType, c]));
  }

  private caseOf(caseType: string): PayableCase {
    const found = this.cases.get(caseType);
    if (!found) throw new Error(`case type ${caseType} takes no payment`);
    return found;
  }

  private async bill(key: CaseKey): Promise<Bill> {
    const bill = await this.caseOf(key.caseType).bill(key.businessKey);
    if (!bill) throw new Error(`${key.caseType} ${key.businessKey} not found`);
    return bill;
  }

  private record(q: Db | Knex.Transaction, key: CaseKey, event: PaymentEvent): Promise<void> {
    return this.caseOf(key.caseType).record(q, key.businessKey, event);
  }

  /**
   * 生成缴费订单 (worker `payment-order`). The row is committed before the platform is asked, with a
   * merchant order number the platform treats as idempotency key: a worker killed between the two
   * steps asks again with the same number and gets the same order, never a second one.
   */
  async createOrder(key: CaseKey): Promise<{ merchantOrderNo: string; alreadyPaid: boolean; paymentDeadline: string }> {
    const bill = await this.bill(key);
    const deadline = bill.deadline;
    let order = await this.orders.liveOrder(this.db, key);
    // The candidate withdrew and changed the level since, or the order's own validity ran out: a new one.
    if (order && order.status === 'waiting' && (order.amount_fen !== bill.amountFen || order.expires_at <= new Date())) {
      await this.platform.closeOrder(order.merchant_order_no).catch((err: unknown) => {
        if (!(err instanceof PaymentRefusedError && err.code === paymentErrorCodes.orderClosed)) throw err;
      });
      await this.orders.close(order.id, ['waiting']);
      order = undefined;
    }
    if (!order) {
      const attempts = await this.orders.countOrders(key);
      const merchantOrderNo = `JF${key.businessKey}${String(attempts + 1).padStart(2, '0')}`;
      order = await this.orders.insertOrder({
        case_type: key.caseType,
        business_key: key.businessKey,
        merchant_order_no: merchantOrderNo,
        amount_fen: bill.amountFen,
        subject: bill.subject.slice(0, 128),
        // The platform keeps an order payable for a limited time; a later payment gets a new order.
        expires_at: new Date(Math.min(deadline.getTime(), Date.now() + ORDER_VALIDITY_MS)),
      });
      // A concurrent delivery of the same task stored it first.
      order ??= await this.orders.liveOrder(this.db, key);
    }
    if (!order) throw new Error(`no payment order for ${key.businessKey}`);
    if (order.status === 'creating') {
      const placed = await this.platform.createOrder({
        merchantOrderNo: order.merchant_order_no,
        amountFen: order.amount_fen,
        subject: order.subject,
        notifyUrl: this.options.notifyUrl,
        returnUrl: `${this.options.publicBaseUrl}${bill.returnPath}`,
        expiresAt: order.expires_at,
      });
      await this.orders.markWaiting(order.id, placed.tradeNo, placed.payUrl);
      await this.record(this.db, key, {
        kind: 'payment-due',
        title: '缴费订单已生成',
        detail: `应缴${yuan(order.amount_fen)}元，请在${beijing(deadline)}前完成网上缴费`,
        idempotencyKey: `payment-order:${order.merchant_order_no}`,
      });
      if (placed.status === 'paid') await this.credit(order.merchant_order_no, { tradeNo: placed.tradeNo, amountFen: placed.amountFen, paidAt: placed.paidAt ?? new Date() }, 'query');
    }
    const now = await this.orders.findById(order.id);
    return { merchantOrderNo: order.merchant_order_no, alreadyPaid: now?.status === 'paid', paymentDeadline: deadline.toISOString() };
  }

  /** A verified callback: recorded once per notification id, then credited (idempotently). */
  async acceptCallback(notification: PaymentNotification): Promise<void> {
    const order = await this.orders.findByMerchantOrderNo(notification.merchantOrderNo);
    // An unknown order is not acknowledged: the platform retries, and it may be ours once our commit lands.
    if (!order) throw new DomainError(404, 'ORDER_UNKNOWN', '订单不存在');
    assertNotificationMatches(notification, { merchantOrderNo: order.merchant_order_no, amountFen: order.amount_fen, tradeNo: order.trade_no });
    await this.orders.recordNotification(notification);
    await this.credit(order.merchant_order_no, notification, 'callback');
  }

  /**
   * Marks the order paid and the case paid (a registration 已缴费) in one transaction under the order's
   * row lock, so ten concurrent reports of one payment credit it once; then tells the case. A payment
   * for a case that is no longer payable (deadline passed, withdrawn) is refunded.
   */
  async credit(merchantOrderNo: string, paid: { tradeNo: string; amountFen: number; paidAt: Date }, via: 'callback' | 'query' | 'return'): Promise<'credited' | 'already' | 'refunding'> {
    const outcome = await this.db.transaction(async (trx) => {
      const order = await this.orders.lockByMerchantOrderNo(trx, merchantOrderNo);
      if (!order) throw new Error(`order ${merchantOrderNo} not found`);
      if (order.amount_fen !== paid.amountFen) throw new Error(`order ${merchantOrderNo}: paid ${paid.amountFen} fen, expected ${order.amount_fen}`);
      if (order.status === 'paid' || order.status === 'refunded') return { result: 'already' as const, order };
      await this.orders.markPaid(trx, order.id, paid);
      const key = keyOf(order);
      const moved = await this.caseOf(key.caseType).markPaid(trx, key.businessKey);
      await this.record(trx, key, {
        kind: moved ? 'paid' : 'paid-late',
        title: moved ? '已缴费' : '收到逾期缴费',
        detail: moved ? `已缴${yuan(order.amount_fen)}元（${via === 'callback' ? '支付平台通知' : via === 'query' ? '系统查询确认' : '支付完成返回'}）` : '报名已不在待缴费状态，该笔缴费将原路退回',
        idempotencyKey: `paid:${order.merchant_order_no}`,
      });
      if (!moved) await this.requestRefund(trx, order, 'late-payment', '缴费时报名已过缴费截止时间或已撤回，原路退回', 'system');
      return { result: moved ? ('credited' as const) : ('refunding' as const), order };
    });
    if (outcome.result === 'credited') await this.tellCase(keyOf(outcome.order));
    if (outcome.result === 'refunding') await this.refundPending(outcome.order.id);
    return outcome.result;
  }

  /**
   * Delivers `payment-confirmed` to the case. If the case is not waiting yet (the payer was faster
   * than the step before the wait) the payment is in the database already; the case's periodic
   * `payment-query` step finds it there and delivers it then.
   */
  private async tellCase(key: CaseKey): Promise<void> {
    try {
      await this.engine.correlateMessage(this.caseOf(key.caseType).paidMessage, key.businessKey);
    } catch (err) {
      if (err instanceof EngineError && (err.status === 400 || err.status === 404 || err.status === 500)) return;
      throw err;
    }
  }

  /**
   * 查询支付结果 (worker `payment-query`, and the browser's return): asks the platform when no
   * callback came, credits a payment found there, and re-delivers the message for a payment
   * credited before the case was waiting.
   */
  async reconcileOrder(key: CaseKey, via: 'query' | 'return' = 'query'): Promise<'paid' | 'waiting' | 'none'> {
    const order = await this.orders.liveOrder(this.db, key);
    if (!order || order.status === 'creating') return 'none';
    if (order.status === 'paid') {
      if ((await this.bill(key)).state === 'paid') await this.tellCase(key);
      return 'paid';
    }
    const remote = await this.platform.queryOrder(order.merchant_order_no);
    if (remote.status === 'paid' || remote.status === 'refunded') {
      await this.credit(order.merchant_order_no, { tradeNo: remote.tradeNo, amountFen: remote.amountFen, paidAt: remote.paidAt ?? new Date() }, via);
      return 'paid';
    }
    return 'waiting';
  }

  /**
   * 逾期未缴费 (worker `payment-expire`, at the exam's payment deadline): closes the order at the
   * platform and withdraws the case. If the platform says it was paid meanwhile, the payment is
   * credited as late and refunded.
   */
  async expire(key: CaseKey): Promise<void> {
    const order = await this.orders.liveOrder(this.db, key);
    if (order && order.status !== 'paid') {
      try {
        await this.platform.closeOrder(order.merchant_order_no);
      } catch (err) {
        if (!(err instanceof PaymentRefusedError && (err.code === paymentErrorCodes.orderPaid || err.code === paymentErrorCodes.orderNotFound))) throw err;
        if (err.code === paymentErrorCodes.orderPaid) {
          const remote = await this.platform.queryOrder(order.merchant_order_no);
          // Withdraw first so that the payment counts as late.
          await this.withdrawUnpaid(key);
          await this.credit(order.merchant_order_no, { tradeNo: remote.tradeNo, amountFen: remote.amountFen, paidAt: remote.paidAt ?? new Date() }, 'query');
          return;
        }
      }
      await this.orders.close(order.id, ['creating', 'waiting']);
    }
    await this.withdrawUnpaid(key);
  }

  private async withdrawUnpaid(key: CaseKey): Promise<void> {
    await this.db.transaction(async (trx) => {
      if (await this.caseOf(key.caseType).markExpired(trx, key.businessKey)) {
        await this.record(trx, key, {
          kind: 'payment-expired',
          title: '逾期未缴费，报名视为放弃',
          detail: '缴费截止时间已过，未收到报名费，本次报名按撤回处理',
          idempotencyKey: `payment-expired:${key.businessKey}`,
        });
      }
    });
  }

  /**
   * Records a full refund of the order (numbered per order); a late payment's is approved at once,
   * an administrative one waits for approval (PaymentAdminService). At most one open refund per order.
   */
  async requestRefund(trx: Knex.Transaction, order: PaymentOrderRow, kind: 'late-payment' | 'administrative', reason: string, by: string): Promise<void> {
    const n = await this.orders.countRefunds(trx, order.id);
    await this.orders.insertRefund(trx, {
      payment_order_id: order.id,
      merchant_refund_no: `TK${order.merchant_order_no.slice(2)}${n + 1}`.slice(0, 32),
      amount_fen: order.amount_fen,
      reason,
      kind,
      status: kind === 'late-payment' ? 'approved' : 'requested',
      requested_by: by,
      decided_by: kind === 'late-payment' ? 'system' : null,
    });
  }

  /** Carries out an approved refund at the platform (idempotent per refund number). */
  async refundPending(orderId: number): Promise<void> {
    const refund = await this.orders.approvedRefund(orderId);
    if (!refund) return;
    const order = await this.orders.findById(orderId);
    if (!order) return;
    const done = await this.platform.refund({ merchantOrderNo: order.merchant_order_no, merchantRefundNo: refund.merchant_refund_no, amountFen: refund.amount_fen, reason: refund.reason });
    await this.db.transaction(async (trx) => {
      await this.orders.markRefunded(trx, refund.id, orderId, done);
      await this.record(trx, keyOf(order), {
        kind: 'refunded',
        title: '报名费已退回',
        detail: `${yuan(refund.amount_fen)}元已原路退回。原因：${refund.reason}`,
        idempotencyKey: `refunded:${refund.merchant_refund_no}`,
      });
    });
  }

  /** 开具财政电子票据 (worker `e-receipt`): once per paid order. */
  async issueReceipt(key: CaseKey): Promise<void> {
    if (!this.receipts) throw new Error('no e-receipt platform configured');
    const order = await this.orders.paidOrder(key);
    if (!order || !order.trade_no || !order.paid_at) throw new Error(`${key.caseType} ${key.businessKey} has no paid order`);
    if (await this.orders.hasReceipt(order.id)) return;
    const bill = await this.bill(key);
    const items = bill.receiptItems;
    const receipt = await this.receipts.issue({
      orderNo: order.merchant_order_no,
      tradeNo: order.trade_no,
      payerName: bill.payerName,
      amountFen: order.amount_fen,
      paidAt: order.paid_at,
      items: items.reduce((s, i) => s + i.amountFen, 0) === order.amount_fen ? items : [{ code: 'examfee', name: '考试费', quantity: 1, unitPriceFen: order.amount_fen, amountFen: order.amount_fen }],
      remark: key.businessKey,
    });
    const pdf = await this.receipts.fetchPdf(receipt.receiptNo);
    await this.db.transaction(async (trx) => {
      await this.orders.insertReceipt(trx, {
        payment_order_id: order.id,
        receipt_code: receipt.receiptCode,
        receipt_no: receipt.receiptNo,
        check_code: receipt.checkCode,
        issued_at: receipt.issuedAt,
        verify_url: receipt.verifyUrl,
        signature: receipt.signature,
        pdf,
      });
      await this.record(trx, key, {
        kind: 'receipt',
        title: '财政电子票据已开具',
        detail: `票据号码${receipt.receiptNo}，可在报名详情中下载`,
        idempotencyKey: `receipt:${order.merchant_order_no}`,
      });
    });
  }

  // --- the payer ---

  /** The order of the case as its payer sees it (M16); a return from the cashier asks the platform. */
  async view(key: CaseKey, afterReturn = false): Promise<PaymentView> {
    const bill = await this.bill(key);
    if (afterReturn && bill.state === 'payable') await this.reconcileOrder(key, 'return').catch(() => 'none');
    const order = await this.orders.latestOrder(key);
    const receipt = order ? await this.orders.receiptOf(order.id) : undefined;
    const refund = order ? await this.orders.latestRefund(order.id) : undefined;
    return {
      orderNo: order?.merchant_order_no ?? null,
      amountFen: order?.amount_fen ?? bill.amountFen,
      status: order?.status ?? null,
      payable: bill.state === 'payable' && order?.status === 'waiting',
      expiresAt: order?.expires_at.toISOString() ?? null,
      paidAt: order?.paid_at?.toISOString() ?? null,
      receipt: receipt ? { receiptNo: receipt.receipt_no, checkCode: receipt.check_code, issuedAt: receipt.issued_at.toISOString(), verifyUrl: receipt.verify_url } : null,
      refund: refund ? { status: refund.status, reason: refund.reason, refundedAt: refund.refunded_at?.toISOString() ?? null } : null,
    };
  }

  /** Where the payer's browser goes to pay. */
  async payUrl(key: CaseKey): Promise<string> {
    const bill = await this.bill(key);
    if (bill.state !== 'payable') throw conflict('NOT_PAYABLE', bill.state === 'paid' ? '该报名已缴费' : '当前状态不能缴费');
    const order = await this.orders.liveOrder(this.db, key);
    if (!order || order.status === 'creating' || !order.pay_url) throw conflict('ORDER_PENDING', '缴费订单正在生成，请稍后刷新');
    if (order.status === 'paid') throw conflict('NOT_PAYABLE', '该报名已缴费');
    if (order.expires_at <= new Date()) {
      if (bill.deadline <= new Date()) throw conflict('NOT_PAYABLE', '已过缴费截止时间');
      // The order's validity ran out before the deadline: a fresh one.
      await this.createOrder(key);
      const renewed = await this.orders.liveOrder(this.db, key);
      if (!renewed?.pay_url || renewed.status !== 'waiting') throw conflict('ORDER_PENDING', '缴费订单正在生成，请稍后刷新');
      return renewed.pay_url;
    }
    return order.pay_url;
  }

  async receiptPdf(key: CaseKey): Promise<{ pdf: Buffer; receiptNo: string }> {
    const row = await this.orders.receiptPdf(key);
    if (!row) throw new DomainError(404, 'NOT_FOUND', '电子票据尚未开具');
    return { pdf: row.pdf, receiptNo: row.receipt_no };
  }
}

const keyOf = (order: PaymentOrderRow): CaseKey => ({ caseType: order.case_type, businessKey: order.business_key });

/** `yyyy-MM-dd HH:mm` in Beijing time (the deadline shown in a registration's timeline). */
const beijing = (d: Date): string => formatBeijingTime(d).slice(0, 16);
