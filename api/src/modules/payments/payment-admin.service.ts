import type { Db } from '../../db/knex';
import type { CurrentUser } from '../../contracts/auth';
import {
  refundKindLabels,
  refundStatusLabels,
  type PaymentOrderDetail,
  type PaymentOrderOptions,
  type PaymentOrderPage,
  type PaymentOrderQuery,
  type PaymentOrderRow,
  type RefundListQuery,
  type RefundPage,
  type RefundView,
} from '../../contracts/payment-admin';
import { paymentOrderStatusLabels } from '../../contracts/payments';
import { registrationStatusLabels } from '../../contracts/registration';
import { conflict, DomainError, forbidden, notFound, validationError } from '../../http/errors';
import { PaymentPlatformError, PaymentRefusedError } from '../../integrations/payment/payment-platform';
import type { SecurityServices } from '../../security/security-services';
import { maskIdNumber, maskName, maskPhone } from '../../security/masking';
import type { RegistrationRecords } from '../registration/registration-records.service';
import type { OrderWithRegistration, PaymentAdminRepository, PaymentOrderFilter, RefundWithRegistration } from './payment-admin.repository';
import { paymentOrdersFileName, paymentOrdersWorkbook } from './payment-orders-workbook';
import { formatYuan } from '../../integrations/wire-formats';
import type { PaymentService } from './payment.service';
import { PaymentRepository } from './payment.repository';

/** More rows than this are not exported in one file: the admin narrows the query instead. */
export const EXPORT_MAX_ROWS = 10_000;

const messages = {
  orderNotFound: '缴费订单不存在',
  refundNotFound: '退款申请不存在',
  notPaid: '只有已支付的订单才能申请退款',
  refundOpen: '该订单已有退款申请正在办理或已退款',
  alreadyDecided: (status: string) => `该退款申请当前状态为「${status}」，不能再审批`,
  notApproved: '只有已批准、尚未退款的申请才能重新发起退款',
  ownRequest: '不能审批本人提出的退款申请，请由其他管理员审批',
  orderChanged: '订单已不是已支付状态，不能退款',
  tooMany: (n: number) => `符合条件的订单有${n}条，超过单次导出上限${EXPORT_MAX_ROWS}条，请缩小支付日期范围后再导出`,
  platformDown: '退款已批准，但支付平台暂时无法办理，请稍后在「已批准，待退款」中重新发起退款',
  platformRefused: (message: string) => `支付平台拒绝退款：${message}`,
};

/** The Beijing day `YYYY-MM-DD` as an instant (+08:00 all year), optionally some days later. */
export const beijingDayStart = (day: string, plusDays = 0): Date => new Date(Date.parse(`${day}T00:00:00+08:00`) + plusDays * 86_400_000);

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * 缴费订单 for admins (M25): the query of payment orders, their details and export, and the
 * administrative refund: requested by one admin, approved by another (four eyes), then carried out
 * at the platform by PaymentService. Payments are a finance matter across every exam, so the query
 * is not narrowed by the registration data scope; personal data leave here masked.
 */
export class PaymentAdminService {
  private readonly orders: PaymentRepository;

  constructor(
    private readonly db: Db,
    private readonly repo: PaymentAdminRepository,
    private readonly registrations: RegistrationRecords,
    private readonly payments: PaymentService,
    private readonly security: Pick<SecurityServices, 'index'>,
  ) {
    this.orders = new PaymentRepository(db);
  }

  private filterOf(query: PaymentOrderQuery): PaymentOrderFilter {
    return {
      ...(query.paidFrom ? { paidFrom: beijingDayStart(query.paidFrom) } : {}),
      ...(query.paidTo ? { paidBefore: beijingDayStart(query.paidTo, 1) } : {}),
      ...(query.examId !== undefined ? { examId: query.examId } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.amountFromFen !== undefined ? { amountFromFen: query.amountFromFen } : {}),
      ...(query.amountToFen !== undefined ? { amountToFen: query.amountToFen } : {}),
      ...(query.orderNo ? { orderNo: query.orderNo } : {}),
      ...(query.fullName ? { fullName: query.fullName } : {}),
      ...(query.idNumber ? { idNumberIdx: this.security.index('id-number', query.idNumber) } : {}),
    };
  }

  async options(): Promise<PaymentOrderOptions> {
    return { exams: await this.repo.exams() };
  }

  async search(query: PaymentOrderQuery): Promise<PaymentOrderPage> {
    const { rows, total, totalAmountFen } = await this.repo.search(this.filterOf(query), query);
    // A row whose registration fails its seal is left out (and reported by the repository), never shown.
    return { items: this.registrations.openRows(rows).map(toRow), total, totalAmountFen, page: query.page, pageSize: query.pageSize };
  }

  /** Every order of the query, in its order, for the Excel export; too many is a 400 naming the date range. */
  async exportRows(query: PaymentOrderQuery): Promise<PaymentOrderRow[]> {
    const filter = this.filterOf(query);
    const total = await this.repo.count(filter);
    if (total > EXPORT_MAX_ROWS) throw validationError([{ field: 'paidFrom', message: messages.tooMany(total) }]);
    const { rows } = await this.repo.search(filter, { limit: EXPORT_MAX_ROWS, sort: query.sort, order: query.order });
    return this.registrations.openRows(rows).map(toRow);
  }

  /** The export of the query as an Excel workbook, its conditions written above the table. */
  async exportWorkbook(query: PaymentOrderQuery): Promise<{ file: Buffer; fileName: string }> {
    const rows = await this.exportRows(query);
    const exam = query.examId === undefined ? undefined : (await this.repo.exams()).find((e) => e.id === query.examId);
    const conditions = [
      query.paidFrom || query.paidTo ? `支付日期${query.paidFrom ?? '不限'}至${query.paidTo ?? '不限'}` : null,
      query.examId !== undefined ? `考试：${exam?.name ?? query.examId}` : null,
      query.status ? `订单状态：${paymentOrderStatusLabels[query.status]}` : null,
      query.amountFromFen !== undefined || query.amountToFen !== undefined
        ? `金额${query.amountFromFen === undefined ? '不限' : formatYuan(query.amountFromFen)}至${query.amountToFen === undefined ? '不限' : formatYuan(query.amountToFen)}元`
        : null,
      query.orderNo ? `订单号：${query.orderNo}` : null,
      query.fullName ? `姓名包含：${query.fullName}` : null,
      query.idNumber ? `证件号码：${maskIdNumber(query.idNumber)}` : null,
    ].filter((c): c is string => c !== null);
    const now = new Date();
    return { file: await paymentOrdersWorkbook(rows, conditions.join('；'), now), fileName: paymentOrdersFileName(now) };
  }

  private async order(orderNo: string): Promise<OrderWithRegistration> {
    const stored = await this.repo.findOrder(orderNo);
    if (!stored) throw notFound(messages.orderNotFound);
    return this.registrations.openRow(stored);
  }

  async detail(orderNo: string): Promise<PaymentOrderDetail> {
    const o = await this.order(orderNo);
    const [notifications, refunds, receipt] = await Promise.all([this.repo.notifications(orderNo), this.repo.refundsOfOrder(o.o_id), this.repo.receipt(o.o_id)]);
    return {
      order: { ...toRow(o), subject: o.o_subject, expiresAt: o.o_expires_at.toISOString(), closedAt: iso(o.o_closed_at) },
      registration: {
        registrationNo: o.registration_no,
        examName: o.exam_name,
        examCode: o.exam_code,
        levelCode: o.level_code,
        majorName: o.major_name,
        fullNameMasked: maskName(o.full_name),
        idNumberMasked: maskIdNumber(o.id_number),
        phoneMasked: maskPhone(o.phone),
        status: o.status,
        statusLabel: registrationStatusLabels[o.status],
        feeTotalFen: o.fee_total_fen === null ? null : Number(o.fee_total_fen),
      },
      notifications: notifications.map((n) => ({ notifyId: n.notify_id, tradeNo: n.trade_no, amountFen: n.amount_fen, paidAt: n.paid_at.toISOString(), receivedAt: n.received_at.toISOString() })),
      refunds: this.registrations.openRows(refunds).map(toRefund),
      receipt: receipt ? { receiptNo: receipt.receipt_no, checkCode: receipt.check_code, issuedAt: receipt.issued_at.toISOString(), verifyUrl: receipt.verify_url } : null,
      refundable: o.o_status === 'paid' && !refunds.some((r) => r.f_status === 'requested' || r.f_status === 'approved' || r.f_status === 'refunded'),
    };
  }

  // --- administrative refund ---

  /** 申请退款: a full refund of a paid order, with a reason; it waits for another admin's approval. */
  async requestRefund(user: CurrentUser, orderNo: string, reason: string): Promise<RefundView> {
    const id = await this.db.transaction(async (trx) => {
      // Under the order's row lock: a concurrent credit or second request waits for this one.
      const order = await this.orders.lockByMerchantOrderNo(trx, orderNo);
      if (!order) throw notFound(messages.orderNotFound);
      if (order.status !== 'paid') throw conflict('ORDER_NOT_PAID', messages.notPaid, 'orderNo');
      if (await this.orders.hasOpenRefund(trx, order.id)) throw conflict('REFUND_EXISTS', messages.refundOpen, 'orderNo');
      await this.payments.requestRefund(trx, order, 'administrative', reason, user.username);
      return this.orders.requestedRefundId(trx, order.id);
    });
    return this.refund(id);
  }

  async refunds(query: RefundListQuery): Promise<RefundPage> {
    const { rows, total } = await this.repo.refunds(query.status, query);
    return { items: this.registrations.openRows(rows).map(toRefund), total, page: query.page, pageSize: query.pageSize };
  }

  async refund(id: number): Promise<RefundView> {
    const row = await this.repo.refund(id);
    if (!row) throw notFound(messages.refundNotFound);
    return toRefund(this.registrations.openRow(row));
  }

  /**
   * Decides a requested administrative refund. Four eyes: the permission alone is not enough, the
   * approver must not be the person who asked for it (the same role holds both permissions, so the
   * rule is checked here, on every decision, rather than left to role assignment).
   */
  private async decide(user: CurrentUser, id: number, decision: 'approved' | 'rejected', comment: string | null): Promise<number> {
    return this.db.transaction(async (trx) => {
      const found = await this.orders.refundState(trx, id);
      if (!found) throw notFound(messages.refundNotFound);
      // The order first, as everywhere else that changes payments, then the refund.
      const order = await this.orders.lockById(trx, found.payment_order_id);
      const refund = await this.orders.lockRefund(trx, id);
      if (!refund) throw notFound(messages.refundNotFound);
      if (refund.kind !== 'administrative' || refund.status !== 'requested') throw conflict('REFUND_DECIDED', messages.alreadyDecided(refundStatusLabels[refund.status]));
      if (refund.requested_by === user.username) throw forbidden(messages.ownRequest);
      if (decision === 'approved' && order?.status !== 'paid') throw conflict('ORDER_NOT_PAID', messages.orderChanged);
      await this.orders.decideRefund(trx, id, decision, user.username, comment);
      return found.payment_order_id;
    });
  }

  /** 批准: then the refund is made at the platform; the registration's timeline tells the candidate. */
  async approveRefund(user: CurrentUser, id: number, comment: string | undefined): Promise<RefundView> {
    const orderId = await this.decide(user, id, 'approved', comment || null);
    await this.carryOut(orderId);
    return this.refund(id);
  }

  async rejectRefund(user: CurrentUser, id: number, comment: string): Promise<RefundView> {
    await this.decide(user, id, 'rejected', comment);
    return this.refund(id);
  }

  /** 重新发起退款: an approved refund the platform could not make at the time. */
  async retryRefund(id: number): Promise<RefundView> {
    const refund = await this.orders.refundState(this.db, id);
    if (!refund) throw notFound(messages.refundNotFound);
    if (refund.status !== 'approved') throw conflict('REFUND_NOT_APPROVED', messages.notApproved);
    await this.carryOut(refund.payment_order_id);
    return this.refund(id);
  }

  /** The approved refund stays approved when the platform fails; it is idempotent per refund number, so retrying is safe. */
  private async carryOut(orderId: number): Promise<void> {
    try {
      await this.payments.refundPending(orderId);
    } catch (err) {
      if (err instanceof PaymentRefusedError) throw new DomainError(409, 'REFUND_REFUSED', messages.platformRefused(err.message));
      if (err instanceof PaymentPlatformError) throw new DomainError(503, 'REFUND_PENDING', messages.platformDown);
      throw err;
    }
  }
}

function toRow(o: OrderWithRegistration): PaymentOrderRow {
  return {
    orderNo: o.o_merchant_order_no,
    tradeNo: o.o_trade_no,
    registrationNo: o.registration_no,
    examId: o.exam_id,
    examName: o.exam_name,
    fullNameMasked: maskName(o.full_name),
    idNumberMasked: maskIdNumber(o.id_number),
    amountFen: o.o_amount_fen,
    status: o.o_status,
    statusLabel: paymentOrderStatusLabels[o.o_status],
    createdAt: o.o_created_at.toISOString(),
    paidAt: iso(o.o_paid_at),
    refundStatus: o.o_refund_status,
    receiptNo: o.o_receipt_no,
  };
}

function toRefund(f: RefundWithRegistration): RefundView {
  return {
    id: f.f_id,
    orderNo: f.o_merchant_order_no,
    registrationNo: f.registration_no,
    examName: f.exam_name,
    fullNameMasked: maskName(f.full_name),
    merchantRefundNo: f.f_merchant_refund_no,
    amountFen: f.f_amount_fen,
    reason: f.f_reason,
    kind: f.f_kind,
    kindLabel: refundKindLabels[f.f_kind],
    status: f.f_status,
    statusLabel: refundStatusLabels[f.f_status],
    requestedBy: f.f_requested_by,
    decidedBy: f.f_decided_by,
    decisionComment: f.f_decision_comment,
    refundNo: f.f_refund_no,
    refundedAt: iso(f.f_refunded_at),
    createdAt: f.f_created_at.toISOString(),
    updatedAt: f.f_updated_at.toISOString(),
  };
}
