import crypto from 'node:crypto';
import http from 'node:http';
import { SandboxError, isHttpUrl, loadStateFile, nonceGuard, parseJsonObject, readRequestBody, redirect, sandboxControlClient, saveStateFile, sendJson, sendText } from '../../sandbox-kit/sandbox-http';
import { escapeHtml, pageStyle, sendPage } from '../../sandbox-kit/sandbox-page';
import { patchedBackoff, startSandboxServer } from '../../sandbox-kit/sandbox-server';
import { CallbackSender, newCallback, type CallbackAttempt, type SignedCallback } from '../../signed-callbacks';
import { Sm2Service } from '../../../security/sm2';
import { generateSm2KeyPair, isValidSm2KeyPair, type Sm2KeyPair } from '../../../security/sm2-keys';
import { beijingDate, formatBeijingTime, formatCompactTime, formatYuan, isCalendarDate, parseCompactTime } from '../../wire-formats';
import {
  PAYMENT_MAX_FEN,
  PAYMENT_MERCHANT_NO,
  isCallbackAck,
  paymentCallbackAck,
  paymentErrorCodes,
  paymentWire,
  readSignatureHeaders,
  signHeaders,
  stringToSign,
  timestampFresh,
  writeStatement,
  type StatementEntry,
} from '../payment-wire';

/**
 * A stand-in for the 上海市公共支付平台 (public payment platform), served over HTTP on its own port
 * (no Express). It checks merchants' SM2 signatures, timestamps and nonces; keeps orders (one per
 * merchant order number), refunds and callbacks in memory (optionally in a state file); shows a
 * Chinese cashier page with 支付 / 取消 / 模拟失败; after payment POSTs a notification signed with
 * its own SM2 key (generated at first start, published at `/api/v1/keys`) to the order's notify URL,
 * retrying with back-off until the documented success body comes back; refunds in full
 * synchronously; and serves the signed daily statement. Wire names come from `payment-wire.ts`.
 *
 * Test control (sandbox only, under `/__sandbox/`): `GET orders`, `GET orders/:no`,
 * `POST orders/:no/pay` (pay without the browser), `GET callbacks?out_trade_no=`,
 * `GET|POST settings` ({ latencyMs, down, dropCallbacks, callbackBackoffMs }). `:no` is the platform
 * order number or a merchant order number.
 */

export interface PaymentMerchant {
  merchantId: string;
  /** The merchant's SM2 public key (`04` + 128 hex) its requests are verified with. */
  publicKey: string;
  /** Shown on the cashier page (收款单位); default the merchant id. */
  name?: string;
}

export interface PaymentSandboxSettings {
  /** Delay before each answer (default 20 ms). */
  latencyMs: number;
  /** Every platform endpoint answers 503 (the control endpoints keep working). */
  down: boolean;
  /** Payments send no callback (the merchant must find out by querying). */
  dropCallbacks: boolean;
  /** Delay before the 2nd, 3rd, … callback attempt; after the last one the platform gives up. */
  callbackBackoffMs: number[];
}

export interface PaymentSandboxOptions {
  port: number;
  host?: string;
  merchants: readonly PaymentMerchant[];
  latencyMs?: number;
  /** Default the platform's published schedule: 15 s, 15 s, 30 s, 3 min, 10 min, 20 min, 30 min ×3, 1 h, 3 h ×3, 6 h ×2. */
  callbackBackoffMs?: readonly number[];
  /** How long one callback attempt may take (default 5 s). */
  callbackTimeoutMs?: number;
  /** The base URL browsers reach the cashier page on; default the listening address. */
  publicUrl?: string;
  /** Keeps the platform key, orders and callbacks across restarts (JSON, written after each change). */
  stateFile?: string;
}

export interface PaymentSandbox {
  server: http.Server;
  url: string;
  /** The SM2 public key answers and callbacks are signed with (hex, `04…`). */
  publicKey: string;
  close(): Promise<void>;
}

export type SandboxTradeStatus = 'waiting' | 'paid' | 'closed' | 'refunded';

export interface SandboxRefund {
  refundNo: string;
  outRefundNo: string;
  amountFen: number;
  reason: string;
  refundedAt: number;
}

export interface SandboxOrder {
  merchantId: string;
  tradeNo: string;
  outTradeNo: string;
  amountFen: number;
  subject: string;
  notifyUrl: string;
  returnUrl: string;
  expiresAt: number;
  createdAt: number;
  status: SandboxTradeStatus;
  paidAt: number | null;
  closedAt: number | null;
  closeReason: 'merchant' | 'expired' | null;
  /** Attempts the payer made with 模拟失败. */
  failedAttempts: number;
  refund: SandboxRefund | null;
}

export type { CallbackAttempt };

/** A payment notification and every attempt to deliver it (the merchant's answer to each). */
export interface SandboxCallback extends SignedCallback {
  notifyId: string;
  merchantId: string;
  outTradeNo: string;
  tradeNo: string;
}

const DEFAULT_BACKOFF_MS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map((s) => s * 1000);
const MAX_BODY = 32 * 1024;
const MAX_EXPIRY_MS = 30 * 24 * 3_600_000;
const SUBJECT = /^[^\p{Cc}]{1,128}$/u;

interface PersistedState {
  keyPair: Sm2KeyPair;
  orders: SandboxOrder[];
  callbacks: SandboxCallback[];
}

const STYLE = pageStyle(`body{font-family:"PingFang SC","Microsoft YaHei",sans-serif;background:#f0f4f9;margin:0;color:#1f2d3d}
header{background:#1d5fa8;color:#fff;padding:14px 24px;font-size:20px}
main{max-width:560px;margin:24px auto;background:#fff;padding:24px;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.1)}
h1{font-size:18px;margin:0 0 12px}table{width:100%;border-collapse:collapse;margin:8px 0 16px}
th{text-align:left;color:#606f80;font-weight:normal;width:7em;padding:6px 0}td{padding:6px 0}
.amount{font-size:24px;color:#c8161d}.actions button{padding:10px 20px;margin-right:10px;font-size:15px;border-radius:4px;border:1px solid #c0ccda;background:#fff;cursor:pointer}
.actions .pay{background:#1d5fa8;color:#fff;border-color:#1d5fa8}.actions .fail{color:#c45656}
.error{background:#fef0f0;color:#c45656;padding:8px 12px;border-radius:4px}.ok{background:#f0f9eb;color:#529b2e;padding:8px 12px;border-radius:4px}.note{color:#606f80;font-size:13px}`);

const validState = (state: PersistedState): boolean => isValidSm2KeyPair(state.keyPair) && Array.isArray(state.orders) && Array.isArray(state.callbacks);

/** Starts the sandbox; resolves once it listens (port 0: a free port). */
export async function startPaymentSandbox(options: PaymentSandboxOptions): Promise<PaymentSandbox> {
  const persisted = loadStateFile(options.stateFile, validState, 'payment');
  const keyPair = persisted?.keyPair ?? generateSm2KeyPair();
  const signer = new Sm2Service({ sm2KeyPair: () => keyPair });
  const sign = (text: string) => signer.sign('payment-platform', text);
  const settings: PaymentSandboxSettings = {
    latencyMs: options.latencyMs ?? 20,
    down: false,
    dropCallbacks: false,
    callbackBackoffMs: [...(options.callbackBackoffMs ?? DEFAULT_BACKOFF_MS)],
  };
  const merchants = new Map(options.merchants.map((m) => [m.merchantId, m]));
  const orders = new Map<string, SandboxOrder>();
  const byTradeNo = new Map<string, SandboxOrder>();
  const refunds = new Map<string, SandboxOrder>();
  const callbacks: SandboxCallback[] = [];
  const rememberNonce = nonceGuard(paymentWire.timestampWindowMs);
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';

  const orderKey = (merchantId: string, outTradeNo: string) => `${merchantId}\n${outTradeNo}`;
  function addOrder(order: SandboxOrder): void {
    orders.set(orderKey(order.merchantId, order.outTradeNo), order);
    byTradeNo.set(order.tradeNo, order);
    if (order.refund) refunds.set(orderKey(order.merchantId, order.refund.outRefundNo), order);
  }
  for (const order of persisted?.orders ?? []) addOrder(order);
  callbacks.push(...(persisted?.callbacks ?? []));

  function persist(): void {
    if (options.stateFile) saveStateFile(options.stateFile, { keyPair, orders: [...orders.values()], callbacks } satisfies PersistedState);
  }

  /** `P` + Beijing time + 8 random digits, as the platform numbers its orders and refunds. */
  function platformNo(prefix: string, taken: (no: string) => boolean): string {
    for (;;) {
      const no = `${prefix}${formatCompactTime(new Date())}${String(crypto.randomInt(0, 100_000_000)).padStart(8, '0')}`;
      if (!taken(no)) return no;
    }
  }

  /** An unpaid order past its expiry is closed (lazily, whenever it is read). */
  function current(order: SandboxOrder, now = Date.now()): SandboxOrder {
    if (order.status === 'waiting' && now >= order.expiresAt) {
      order.status = 'closed';
      order.closedAt = order.expiresAt;
      order.closeReason = 'expired';
      persist();
    }
    return order;
  }

  function orderWire(order: SandboxOrder): Record<string, unknown> {
    const o = paymentWire.order;
    const time = (ms: number | null) => (ms === null ? null : formatCompactTime(new Date(ms)));
    return {
      [o.merchantId]: order.merchantId,
      [o.tradeNo]: order.tradeNo,
      [o.outTradeNo]: order.outTradeNo,
      [o.totalFee]: order.amountFen,
      [o.subject]: order.subject,
      [o.status]: paymentWire.tradeStatus[order.status],
      [o.payUrl]: `${publicUrl}${paymentWire.paths.payPage}/${order.tradeNo}`,
      [o.timeExpire]: time(order.expiresAt),
      [o.createTime]: time(order.createdAt),
      [o.payTime]: time(order.paidAt),
      [o.closeTime]: time(order.closedAt),
      [o.refundTime]: time(order.refund?.refundedAt ?? null),
    };
  }

  function refundWire(order: SandboxOrder, refund: SandboxRefund): Record<string, unknown> {
    const r = paymentWire.refund;
    return {
      [r.merchantId]: order.merchantId,
      [r.outTradeNo]: order.outTradeNo,
      [r.tradeNo]: order.tradeNo,
      [r.outRefundNo]: refund.outRefundNo,
      [r.refundNo]: refund.refundNo,
      [r.refundFee]: refund.amountFen,
      [r.reason]: refund.reason,
      [r.status]: paymentWire.refundStatus.success,
      [r.refundTime]: formatCompactTime(new Date(refund.refundedAt)),
    };
  }

  // --- callbacks ---------------------------------------------------------------------------

  const sender = new CallbackSender<SandboxCallback>({
    signatureHeaders: (callback) => signHeaders(sign, 'notify', callback.merchantId, '', callback.body),
    isAck: (status, body) => status === paymentCallbackAck.status && isCallbackAck(body),
    receiver: '商户',
    timeoutMs: options.callbackTimeoutMs ?? 5_000,
    backoffMs: () => settings.callbackBackoffMs,
    persist,
  });

  function notifyPaid(order: SandboxOrder): void {
    const n = paymentWire.notify;
    const notifyId = crypto.randomUUID();
    const body = JSON.stringify({
      [n.notifyId]: notifyId,
      [n.notifyType]: paymentWire.notifyTypes.paid,
      [n.merchantId]: order.merchantId,
      [n.tradeNo]: order.tradeNo,
      [n.outTradeNo]: order.outTradeNo,
      [n.totalFee]: order.amountFen,
      [n.payTime]: formatCompactTime(new Date(order.paidAt!)),
      [n.status]: paymentWire.tradeStatus.paid,
    });
    const callback: SandboxCallback = {
      notifyId,
      merchantId: order.merchantId,
      outTradeNo: order.outTradeNo,
      tradeNo: order.tradeNo,
      ...newCallback(order.notifyUrl, body, settings.dropCallbacks),
    };
    callbacks.push(callback);
    sender.start(callback);
  }

  /** Pays an order (the cashier page or the control endpoint); paying a paid order changes nothing. */
  function pay(order: SandboxOrder): SandboxOrder {
    current(order);
    if (order.status === 'paid' || order.status === 'refunded') return order;
    if (order.status === 'closed') throw new SandboxError(409, paymentErrorCodes.orderClosed, order.closeReason === 'expired' ? '订单已超过支付期限，无法支付' : '订单已关闭，无法支付');
    order.status = 'paid';
    order.paidAt = Date.now();
    notifyPaid(order);
    persist();
    return order;
  }

  // --- merchant API -------------------------------------------------------------------------

  function authenticate(req: http.IncomingMessage, raw: Buffer): { merchant: PaymentMerchant; nonce: string } {
    const headers = readSignatureHeaders(req.headers);
    if (!headers) throw new SandboxError(401, paymentErrorCodes.signatureInvalid, '缺少签名信息或签名信息格式不正确');
    const merchant = merchants.get(headers.merchantId);
    if (!merchant) throw new SandboxError(401, paymentErrorCodes.merchantUnknown, '商户号不存在或未开通');
    const text = stringToSign('request', headers.merchantId, headers.timestamp, headers.nonce, `${req.method} ${req.url}`, raw);
    if (!signer.verify(merchant.publicKey, text, headers.signature)) throw new SandboxError(401, paymentErrorCodes.signatureInvalid, '签名校验失败');
    const now = Date.now();
    if (!timestampFresh(headers.timestamp, now)) throw new SandboxError(400, paymentErrorCodes.timestampExpired, '请求时间戳已过期或无效');
    if (!rememberNonce(`${merchant.merchantId}\n${headers.nonce}`, now)) throw new SandboxError(400, paymentErrorCodes.nonceReused, '请求随机数已使用');
    return { merchant, nonce: headers.nonce };
  }

  function jsonBody(raw: Buffer, merchant: PaymentMerchant, merchantField: string): Record<string, unknown> {
    const body = parseJsonObject(raw, paymentErrorCodes.invalidParam);
    if (body[merchantField] !== merchant.merchantId) throw new SandboxError(400, paymentErrorCodes.invalidParam, `商户号（${merchantField}）与签名商户不一致`, merchantField);
    return body;
  }

  function merchantNo(body: Record<string, unknown>, field: string, label: string): string {
    const value = body[field];
    if (typeof value !== 'string' || !PAYMENT_MERCHANT_NO.test(value)) throw new SandboxError(400, paymentErrorCodes.invalidParam, `${label}（${field}）须为6至32位字母、数字、下划线或连字符`, field);
    return value;
  }

  function fen(body: Record<string, unknown>, field: string, label: string): number {
    const value = body[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > PAYMENT_MAX_FEN) {
      throw new SandboxError(400, paymentErrorCodes.invalidParam, `${label}（${field}）须为1至${PAYMENT_MAX_FEN}之间的整数（单位：分）`, field);
    }
    return value;
  }

  function createOrder(merchant: PaymentMerchant, raw: Buffer): SandboxOrder {
    const o = paymentWire.order;
    const body = jsonBody(raw, merchant, o.merchantId);
    const outTradeNo = merchantNo(body, o.outTradeNo, '商户订单号');
    const amountFen = fen(body, o.totalFee, '订单金额');
    const subject = body[o.subject];
    if (typeof subject !== 'string' || !SUBJECT.test(subject.trim())) throw new SandboxError(400, paymentErrorCodes.invalidParam, `商品名称（${o.subject}）须为1至128个字符`, o.subject);
    for (const [field, label] of [[o.notifyUrl, '异步通知地址'], [o.returnUrl, '支付完成返回地址']] as const) {
      if (!isHttpUrl(body[field])) throw new SandboxError(400, paymentErrorCodes.invalidParam, `${label}（${field}）须为http或https地址`, field);
    }
    const now = Date.now();
    const expires = parseCompactTime(body[o.timeExpire]);
    if (!expires || expires.getTime() <= now || expires.getTime() > now + MAX_EXPIRY_MS) {
      throw new SandboxError(400, paymentErrorCodes.invalidParam, `订单失效时间（${o.timeExpire}）须为30天内的将来时间，格式yyyyMMddHHmmss`, o.timeExpire);
    }
    const existing = orders.get(orderKey(merchant.merchantId, outTradeNo));
    if (existing) {
      if (existing.amountFen !== amountFen || existing.subject !== subject.trim()) {
        throw new SandboxError(409, paymentErrorCodes.orderConflict, '商户订单号已存在，且订单金额或商品名称与原订单不一致', o.outTradeNo);
      }
      return current(existing);
    }
    const order: SandboxOrder = {
      merchantId: merchant.merchantId,
      tradeNo: platformNo('P', (no) => byTradeNo.has(no)),
      outTradeNo,
      amountFen,
      subject: subject.trim(),
      notifyUrl: body[o.notifyUrl] as string,
      returnUrl: body[o.returnUrl] as string,
      expiresAt: expires.getTime(),
      createdAt: now,
      status: 'waiting',
      paidAt: null,
      closedAt: null,
      closeReason: null,
      failedAttempts: 0,
      refund: null,
    };
    addOrder(order);
    persist();
    return order;
  }

  function merchantOrder(merchant: PaymentMerchant, outTradeNo: string): SandboxOrder {
    const order = orders.get(orderKey(merchant.merchantId, outTradeNo));
    if (!order) throw new SandboxError(404, paymentErrorCodes.orderNotFound, '订单不存在', paymentWire.order.outTradeNo);
    return current(order);
  }

  function closeOrder(order: SandboxOrder): SandboxOrder {
    if (order.status === 'paid' || order.status === 'refunded') throw new SandboxError(409, paymentErrorCodes.orderPaid, '订单已支付，不能关闭');
    if (order.status === 'waiting') {
      order.status = 'closed';
      order.closedAt = Date.now();
      order.closeReason = 'merchant';
      persist();
    }
    return order;
  }

  function refund(merchant: PaymentMerchant, raw: Buffer): { order: SandboxOrder; refund: SandboxRefund } {
    const r = paymentWire.refund;
    const body = jsonBody(raw, merchant, r.merchantId);
    const outTradeNo = merchantNo(body, r.outTradeNo, '商户订单号');
    const outRefundNo = merchantNo(body, r.outRefundNo, '商户退款单号');
    const amountFen = fen(body, r.refundFee, '退款金额');
    const reason = body[r.reason] ?? '';
    if (typeof reason !== 'string' || !/^[^\p{Cc}]{0,80}$/u.test(reason)) throw new SandboxError(400, paymentErrorCodes.invalidParam, `退款原因（${r.reason}）不能超过80个字符`, r.reason);
    const earlier = refunds.get(orderKey(merchant.merchantId, outRefundNo));
    if (earlier) {
      if (earlier.outTradeNo !== outTradeNo || earlier.refund!.amountFen !== amountFen) {
        throw new SandboxError(409, paymentErrorCodes.refundConflict, '商户退款单号已存在，且订单或退款金额与原退款不一致', r.outRefundNo);
      }
      return { order: earlier, refund: earlier.refund! };
    }
    const order = merchantOrder(merchant, outTradeNo);
    if (order.status === 'refunded') throw new SandboxError(409, paymentErrorCodes.orderRefunded, '订单已全额退款', r.outTradeNo);
    if (order.status !== 'paid') throw new SandboxError(409, paymentErrorCodes.orderNotPaid, '订单未支付，不能退款', r.outTradeNo);
    if (amountFen !== order.amountFen) throw new SandboxError(400, paymentErrorCodes.refundAmountInvalid, `仅支持全额退款：退款金额（${r.refundFee}）须等于订单金额${order.amountFen}分`, r.refundFee);
    const done: SandboxRefund = { refundNo: platformNo('R', (no) => [...refunds.values()].some((o) => o.refund?.refundNo === no)), outRefundNo, amountFen, reason, refundedAt: Date.now() };
    order.refund = done;
    order.status = 'refunded';
    refunds.set(orderKey(merchant.merchantId, outRefundNo), order);
    persist();
    return { order, refund: done };
  }

  function statement(merchant: PaymentMerchant, url: URL): string {
    const field = paymentWire.statementQuery.billDate;
    const billDate = url.searchParams.get(field) ?? '';
    if (!isCalendarDate(billDate)) throw new SandboxError(400, paymentErrorCodes.invalidParam, `账单日期（${field}）须为yyyy-MM-dd格式的日期`, field);
    if (billDate > beijingDate(new Date())) throw new SandboxError(400, paymentErrorCodes.invalidParam, `账单日期（${field}）不能晚于今天`, field);
    const entries: StatementEntry[] = [];
    for (const order of orders.values()) {
      if (order.merchantId !== merchant.merchantId) continue;
      if (order.paidAt !== null && beijingDate(new Date(order.paidAt)) === billDate) {
        entries.push({ type: 'pay', time: new Date(order.paidAt), tradeNo: order.tradeNo, merchantOrderNo: order.outTradeNo, amountFen: order.amountFen, refundNo: null, merchantRefundNo: null, subject: order.subject });
      }
      const done = order.refund;
      if (done && beijingDate(new Date(done.refundedAt)) === billDate) {
        entries.push({ type: 'refund', time: new Date(done.refundedAt), tradeNo: order.tradeNo, merchantOrderNo: order.outTradeNo, amountFen: done.amountFen, refundNo: done.refundNo, merchantRefundNo: done.outRefundNo, subject: order.subject });
      }
    }
    // Seconds are the statement's resolution: order by the time as written, then payments first.
    entries.sort((a, b) => formatBeijingTime(a.time).localeCompare(formatBeijingTime(b.time)) || a.type.localeCompare(b.type) || a.tradeNo.localeCompare(b.tradeNo));
    return writeStatement(merchant.merchantId, billDate, entries);
  }

  // --- cashier page -------------------------------------------------------------------------

  function page(res: http.ServerResponse, status: number, title: string, body: string, formTarget?: string): void {
    // The form's answer redirects to the merchant's return URL, and form-action covers redirects.
    sendPage(res, { status, title, banner: '上海市公共支付平台（沙箱）', style: STYLE, body, formTarget });
  }

  function orderTable(order: SandboxOrder): string {
    const merchant = merchants.get(order.merchantId);
    const rows: [string, string][] = [
      ['收款单位', merchant?.name ?? order.merchantId],
      ['商品名称', order.subject],
      ['商户订单号', order.outTradeNo],
      ['平台订单号', order.tradeNo],
      ['支付截止', formatBeijingTime(new Date(order.expiresAt))],
    ];
    return (
      `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v)}</td></tr>`).join('')}` +
      `<tr><th>支付金额</th><td class="amount" data-test="pay-amount">¥${formatYuan(order.amountFen)}</td></tr></table>`
    );
  }

  function returnUrl(order: SandboxOrder, result: keyof typeof paymentWire.returnResults): string {
    const url = new URL(order.returnUrl);
    const p = paymentWire.returnParams;
    url.searchParams.set(p.outTradeNo, order.outTradeNo);
    url.searchParams.set(p.tradeNo, order.tradeNo);
    url.searchParams.set(p.result, paymentWire.returnResults[result]);
    return url.toString();
  }

  function cashierPage(res: http.ServerResponse, order: SandboxOrder): void {
    current(order);
    const back = (result: keyof typeof paymentWire.returnResults) => `<p><a href="${escapeHtml(returnUrl(order, result))}" data-test="pay-return">返回商户页面</a></p>`;
    if (order.status === 'paid' || order.status === 'refunded') {
      return page(res, 200, '订单已支付', `<h1>订单已支付</h1><p class="ok">该订单已于${formatBeijingTime(new Date(order.paidAt!))}支付成功。</p>${orderTable(order)}${back('success')}`);
    }
    if (order.status === 'closed') {
      const why = order.closeReason === 'expired' ? '订单已超过支付期限' : '订单已被商户关闭';
      return page(res, 409, '订单已关闭', `<h1>订单已关闭</h1><p class="error" role="alert">${why}，无法支付。</p>${orderTable(order)}${back('cancel')}`);
    }
    page(
      res,
      200,
      '订单支付',
      `<h1>订单支付</h1><p class="note">沙箱环境：不会发生真实扣款。</p>${orderTable(order)}` +
        `<form class="actions" method="post" action="${paymentWire.paths.payPage}/${escapeHtml(order.tradeNo)}">` +
        `<button class="pay" type="submit" name="action" value="pay" data-test="pay-confirm">支付</button>` +
        `<button type="submit" name="action" value="cancel" data-test="pay-cancel">取消</button>` +
        `<button class="fail" type="submit" name="action" value="fail" data-test="pay-simulate-failure">模拟失败</button></form>`,
      order.returnUrl,
    );
  }

  function cashierAction(res: http.ServerResponse, order: SandboxOrder, form: URLSearchParams): void {
    const action = form.get('action');
    if (action === 'cancel') return redirect(res, 303, returnUrl(current(order), 'cancel'));
    if (action === 'fail') {
      if (current(order).status !== 'waiting') return cashierPage(res, order);
      order.failedAttempts += 1;
      persist();
      return page(
        res,
        402,
        '支付失败',
        `<h1>支付失败</h1><p class="error" role="alert">模拟失败：银行卡余额不足，本次支付未扣款。</p>${orderTable(order)}` +
          `<p><a href="${paymentWire.paths.payPage}/${escapeHtml(order.tradeNo)}" data-test="pay-retry">重新支付</a></p><p><a href="${escapeHtml(returnUrl(order, 'fail'))}" data-test="pay-return">返回商户页面</a></p>`,
      );
    }
    if (action !== 'pay') return cashierPage(res, order);
    try {
      pay(order);
    } catch (error) {
      if (error instanceof SandboxError) return cashierPage(res, order);
      throw error;
    }
    redirect(res, 303, returnUrl(order, 'success'));
  }

  // --- control ------------------------------------------------------------------------------

  function controlOrder(no: string): SandboxOrder {
    const byTrade = byTradeNo.get(no);
    if (byTrade) return current(byTrade);
    const matches = [...orders.values()].filter((o) => o.outTradeNo === no);
    if (matches.length === 0) throw new SandboxError(404, paymentErrorCodes.orderNotFound, '订单不存在');
    if (matches.length > 1) throw new SandboxError(409, paymentErrorCodes.invalidParam, '多个商户使用该订单号，请使用平台订单号');
    return current(matches[0]!);
  }

  // --- dispatch -----------------------------------------------------------------------------

  const p = paymentWire.paths;
  const sandbox = await startSandboxServer({
    port: options.port,
    host: options.host,
    errors: { fields: paymentWire.error, notFoundCode: paymentErrorCodes.notFound, internalMessage: '支付平台内部错误' },
    controls: {
      settings,
      flags: ['down', 'dropCallbacks'],
      patch: (next, patch) => {
        next.callbackBackoffMs = patchedBackoff(patch, paymentErrorCodes.invalidParam) ?? next.callbackBackoffMs;
      },
      invalidCode: paymentErrorCodes.invalidParam,
      unavailableCode: paymentErrorCodes.serviceUnavailable,
      downMessage: '支付平台系统维护中，请稍后再试',
      maxBody: MAX_BODY,
      routes: ({ url }) => {
        const withCallbacks = (order: SandboxOrder) => ({ order, callbacks: callbacks.filter((c) => c.tradeNo === order.tradeNo) });
        return [
          ['GET', '/orders', () => ({ orders: [...orders.values()].map((o) => current(o)) })],
          ['GET', '/callbacks', () => {
            const no = url.searchParams.get('out_trade_no');
            return { callbacks: no ? callbacks.filter((c) => c.outTradeNo === no || c.tradeNo === no) : callbacks.slice(-200) };
          }],
          ['GET', /^\/orders\/([A-Za-z0-9_-]{1,64})$/, ([no]) => withCallbacks(controlOrder(no!))],
          ['POST', /^\/orders\/([A-Za-z0-9_-]{1,64})\/pay$/, ([no]) => withCallbacks(pay(controlOrder(no!)))],
        ];
      },
    },
    async handle({ req, res, url, route }) {
      if (req.method === 'GET' && url.pathname === p.keys) return sendJson(res, 200, { [paymentWire.keys.publicKey]: keyPair.publicKey, [paymentWire.keys.alg]: paymentWire.alg });

      const cashier = new RegExp(`^${p.payPage}/([A-Z0-9]{8,40})$`).exec(url.pathname);
      if (cashier) {
        const order = byTradeNo.get(cashier[1]!);
        if (!order) return page(res, 404, '订单不存在', '<h1>订单不存在</h1><p class="error" role="alert">未找到该订单，请返回商户页面重新发起支付。</p>');
        if (req.method === 'GET') return cashierPage(res, order);
        if (req.method === 'POST') {
          const raw = await readRequestBody(req, MAX_BODY, paymentErrorCodes.invalidParam);
          return cashierAction(res, order, new URLSearchParams(raw.toString('utf8')));
        }
      }

      const raw = await readRequestBody(req, MAX_BODY, paymentErrorCodes.invalidParam);
      const { merchant, nonce } = authenticate(req, raw);
      const answer = (body: unknown, contentType?: string) => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        sendText(res, 200, text, signHeaders(sign, 'response', merchant.merchantId, nonce, text), contentType);
      };
      const order = new RegExp(`^${p.orders}/([A-Za-z0-9_-]{1,64})$`);
      const close = new RegExp(`^${p.orders}/([A-Za-z0-9_-]{1,64})${p.closeSuffix}$`);
      route([
        ['POST', p.orders, () => answer(orderWire(createOrder(merchant, raw)))],
        ['GET', order, ([no]) => answer(orderWire(merchantOrder(merchant, no!)))],
        ['POST', close, ([no]) => answer(orderWire(closeOrder(merchantOrder(merchant, no!))))],
        ['POST', p.refunds, () => {
          const done = refund(merchant, raw);
          answer(refundWire(done.order, done.refund));
        }],
        ['GET', p.statements, () => answer(statement(merchant, url), paymentWire.statement.contentType)],
      ]);
    },
  });
  if (!publicUrl) publicUrl = sandbox.url;
  // Callbacks a previous run left unacknowledged go out again.
  sender.resume(callbacks);
  persist();
  return {
    ...sandbox,
    publicKey: keyPair.publicKey,
    close: () => {
      sender.close();
      return sandbox.close();
    },
  };
}

const control = sandboxControlClient('payment');

/** Pays an order as if the payer pressed 支付 (`no`: platform or merchant order number). */
export function sandboxPay(baseUrl: string, no: string): Promise<{ order: SandboxOrder; callbacks: SandboxCallback[] }> {
  return control.post(baseUrl, `/orders/${encodeURIComponent(no)}/pay`);
}

export function sandboxOrder(baseUrl: string, no: string): Promise<{ order: SandboxOrder; callbacks: SandboxCallback[] }> {
  return control.get(baseUrl, `/orders/${encodeURIComponent(no)}`);
}

/** The callbacks of an order (every attempt, with the merchant's answer). */
export async function sandboxCallbacks(baseUrl: string, no: string): Promise<SandboxCallback[]> {
  return (await control.get<{ callbacks: SandboxCallback[] }>(baseUrl, `/callbacks?out_trade_no=${encodeURIComponent(no)}`)).callbacks;
}

export function sandboxSettings(baseUrl: string, patch: Partial<PaymentSandboxSettings> = {}): Promise<PaymentSandboxSettings> {
  return control.post(baseUrl, '/settings', patch);
}
