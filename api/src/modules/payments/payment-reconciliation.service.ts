import type { CurrentUser } from '../../contracts/auth';
import { reconciliationItemKindLabels, type ReconciliationItemView, type ReconciliationRunList, type ReconciliationView } from '../../contracts/payment-admin';
import { conflict, DomainError, notFound, validationError } from '../../http/errors';
import { PaymentPlatformError, PaymentRefusedError, type PaymentPlatform, type PaymentStatement } from '../../integrations/payment/payment-platform';
import { parseStatement } from '../../integrations/payment/payment-wire';
import { beijingDate } from '../../integrations/wire-formats';
import type { PaymentAdminRepository, ReconciliationItemRow, ReconciliationRunRow } from './payment-admin.repository';
import { beijingDayStart } from './payment-admin.service';
import type { PaymentService } from './payment.service';
import { findMismatches, localTotals } from './reconciliation';
import { examRegistrationFlow } from '../../contracts/flows/exam-registration';

/** Largest statement file accepted as an upload (a day of ~50,000 entries). */
export const STATEMENT_MAX_BYTES = 5 * 1024 * 1024;

const messages = {
  future: '对账日期不能晚于今天',
  badFile: '对账单文件格式不正确，或其汇总行与明细不符',
  wrongMerchant: (id: string) => `对账单的商户号（${id}）不是本单位的商户号`,
  wrongDate: (date: string, billDate: string) => `对账单的账单日期（${date}）与所选对账日期（${billDate}）不一致`,
  platformRefused: (message: string) => `支付平台未提供对账单：${message}`,
  platformDown: '支付平台暂时无法提供对账单，请稍后重试，或上传从支付平台下载的对账单文件',
  runNotFound: '该日期尚未对账',
  itemNotFound: '对账差异不存在',
  itemResolved: '该差异已处理',
  notCreditable: '只有本系统的订单、且平台已收款而本系统未入账的差异才能补记入账',
  notPaidThere: '向支付平台查询，该订单尚未支付，不能补记入账',
  creditedNote: '已向支付平台查询确认并补记入账',
};

/** Our order's status in which a payment found at the platform may be credited through PaymentService. */
const creditableStatuses = new Set(['waiting', 'closed']);

/**
 * 对账 (M25): compares the platform's daily statement (fetched, its signature verified by the
 * adapter, or a statement file uploaded) with the payments and refunds recorded here, stores the run
 * and every mismatch, and lets a person resolve each: with a note, or — paid there, not here — by
 * crediting the payment through PaymentService after asking the platform.
 *
 * One run per day: running a day again replaces the run and its open items, keeps the resolved ones
 * and does not reopen a mismatch a person already resolved. So a run is repeatable (today's
 * statement grows during the day) and the same statement twice gives the same items.
 */
export class PaymentReconciliationService {
  constructor(
    private readonly repo: PaymentAdminRepository,
    private readonly payments: PaymentService,
    private readonly platform: PaymentPlatform,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private assertBillDate(billDate: string): void {
    if (billDate > beijingDate(this.now())) throw validationError([{ field: 'billDate', message: messages.future }]);
  }

  /** 从支付平台获取对账单并对账. */
  async runFromPlatform(user: CurrentUser, billDate: string): Promise<ReconciliationView> {
    this.assertBillDate(billDate);
    let statement: PaymentStatement;
    try {
      statement = await this.platform.fetchStatement(billDate);
    } catch (err) {
      if (err instanceof PaymentRefusedError) throw validationError([{ field: err.field === 'bill_date' || err.field === null ? 'billDate' : err.field, message: messages.platformRefused(err.message) }]);
      if (err instanceof PaymentPlatformError) throw new DomainError(503, 'STATEMENT_UNAVAILABLE', messages.platformDown);
      throw err;
    }
    return this.reconcile(user, billDate, 'platform', statement);
  }

  /**
   * 上传对账单: the file as the platform serves it. Its signature travels in the answer's headers
   * and is not part of the file, so an upload is checked by content — the parser's format and
   * summary check, our merchant number and the chosen date — and the run is marked as uploaded.
   */
  async runFromUpload(user: CurrentUser, billDate: string, file: Buffer): Promise<ReconciliationView> {
    this.assertBillDate(billDate);
    const text = file.toString('utf8').replace(/^\uFEFF/, '');
    const content = parseStatement(text);
    if (!content) throw validationError([{ field: 'statement', message: messages.badFile }]);
    if (content.merchantId !== this.platform.merchantId) throw validationError([{ field: 'statement', message: messages.wrongMerchant(content.merchantId) }]);
    if (content.billDate !== billDate) throw validationError([{ field: 'statement', message: messages.wrongDate(content.billDate, billDate) }]);
    return this.reconcile(user, billDate, 'upload', { ...content, raw: text });
  }

  private async reconcile(user: CurrentUser, billDate: string, source: 'platform' | 'upload', statement: PaymentStatement): Promise<ReconciliationView> {
    const from = beijingDayStart(billDate);
    const before = beijingDayStart(billDate, 1);
    const namedOrders = [...new Set(statement.entries.map((e) => e.merchantOrderNo))];
    const namedRefunds = statement.entries.flatMap((e) => (e.merchantRefundNo ? [e.merchantRefundNo] : []));
    const [orders, refunds] = await Promise.all([this.repo.ordersForDay(from, before, namedOrders), this.repo.refundsForDay(from, before, namedRefunds)]);
    const mismatches = findMismatches(billDate, statement.entries, orders, refunds);
    await this.repo.saveRun({ billDate, source, statement: statement.raw, platform: statement.totals, local: localTotals(billDate, orders, refunds), ranBy: user.username }, mismatches);
    return this.view(billDate);
  }

  async runs(): Promise<ReconciliationRunList> {
    const rows = await this.repo.runs(100);
    return { items: rows.map((r) => ({ billDate: r.bill_date, source: r.source, ranBy: r.ran_by, ranAt: r.ran_at.toISOString(), itemCount: Number(r.item_count), openCount: Number(r.open_count) })) };
  }

  async view(billDate: string): Promise<ReconciliationView> {
    const run = await this.repo.run(billDate);
    if (!run) throw notFound(messages.runNotFound);
    const items = (await this.repo.items(run.id)).map(toItem);
    return {
      billDate: run.bill_date,
      source: run.source,
      ranBy: run.ran_by,
      ranAt: run.ran_at.toISOString(),
      platform: totalsOf(run, 'platform'),
      local: totalsOf(run, 'local'),
      items,
      openCount: items.filter((i) => i.status === 'open').length,
    };
  }

  private async openItem(id: number): Promise<ReconciliationItemRow> {
    const item = await this.repo.item(id);
    if (!item) throw notFound(messages.itemNotFound);
    if (item.status !== 'open') throw conflict('ITEM_RESOLVED', messages.itemResolved);
    return item;
  }

  /** 处理: a person explains the mismatch. */
  async resolve(user: CurrentUser, id: number, note: string): Promise<ReconciliationView> {
    const item = await this.openItem(id);
    if (!(await this.repo.resolveItem(id, 'noted', note, user.username))) throw conflict('ITEM_RESOLVED', messages.itemResolved);
    return this.view(await this.repo.billDateOfRun(item.run_id));
  }

  /**
   * 补记入账: paid at the platform, not credited here. A waiting order goes through
   * PaymentService.reconcileOrder (it asks the platform and credits, and the case goes on); a closed
   * one (the deadline passed) is credited from the platform's answer, which makes it a late payment
   * that PaymentService refunds. Either way the platform is asked, not the statement believed.
   */
  async credit(user: CurrentUser, id: number, note: string | undefined): Promise<ReconciliationView> {
    const item = await this.openItem(id);
    if (!isCreditable(item)) throw conflict('NOT_CREDITABLE', messages.notCreditable);
    let paid: boolean;
    try {
      if (item.order_status === 'waiting') {
        paid = (await this.payments.reconcileOrder({ caseType: examRegistrationFlow.processKey, businessKey: item.registration_no! }, 'query')) === 'paid';
      } else {
        const remote = await this.platform.queryOrder(item.merchant_order_no);
        paid = remote.status === 'paid' || remote.status === 'refunded';
        if (paid) await this.payments.credit(item.merchant_order_no, { tradeNo: remote.tradeNo, amountFen: remote.amountFen, paidAt: remote.paidAt ?? new Date() }, 'query');
      }
    } catch (err) {
      if (err instanceof PaymentPlatformError) throw new DomainError(503, 'PLATFORM_UNAVAILABLE', '支付平台暂时无法查询，请稍后重试');
      throw err;
    }
    if (!paid) throw conflict('NOT_PAID_THERE', messages.notPaidThere);
    if (!(await this.repo.resolveItem(id, 'credited', note || messages.creditedNote, user.username))) throw conflict('ITEM_RESOLVED', messages.itemResolved);
    return this.view(await this.repo.billDateOfRun(item.run_id));
  }
}

const isCreditable = (i: ReconciliationItemRow): boolean =>
  i.status === 'open' && i.kind === 'missing-local' && i.registration_no !== null && i.order_status !== null && creditableStatuses.has(i.order_status);

function totalsOf(run: ReconciliationRunRow, side: 'platform' | 'local') {
  return {
    payCount: Number(run[`${side}_pay_count`]),
    payFen: Number(run[`${side}_pay_fen`]),
    refundCount: Number(run[`${side}_refund_count`]),
    refundFen: Number(run[`${side}_refund_fen`]),
  };
}

function toItem(i: ReconciliationItemRow): ReconciliationItemView {
  return {
    id: i.id,
    kind: i.kind,
    kindLabel: reconciliationItemKindLabels[i.kind],
    orderNo: i.merchant_order_no,
    merchantRefundNo: i.merchant_refund_no,
    tradeNo: i.trade_no,
    registrationNo: i.registration_no,
    platformAmountFen: i.platform_amount_fen,
    localAmountFen: i.local_amount_fen,
    localStatus: i.local_status,
    platformTime: i.platform_time?.toISOString() ?? null,
    creditable: isCreditable(i),
    status: i.status,
    resolution: i.resolution,
    resolutionNote: i.resolution_note,
    resolvedBy: i.resolved_by,
    resolvedAt: i.resolved_at?.toISOString() ?? null,
  };
}
