import type { Sm2Service } from '../../security/sm2';
import { platformErrorClasses } from '../platform-errors';
import { PlatformHttp, fetchPlatformPublicKey, isWireRecord, wireText as text, type WireRecord } from '../platform-http';
import { formatCompactTime, parseCompactTime, type HeaderSource } from '../wire-formats';
import {
  PAYMENT_MERCHANT_NO,
  parseStatement,
  paymentWire,
  readSignatureHeaders,
  signHeaders,
  stringToSign,
  timestampFresh,
  type StatementEntry,
  type StatementTotals,
} from './payment-wire';

export interface PaymentPlatformOptions {
  /** e.g. `http://127.0.0.1:3103` (the sandbox) or the platform's base URL. */
  baseUrl: string;
  /** Our merchant number (商户号) at the platform. */
  merchantId: string;
  /** The keyring's SM2 pair our requests are signed with (its public key is registered with the platform). */
  merchantKeyName: string;
  /** The platform's SM2 public key, `04` + 128 hex digits: answers, callbacks and statements are checked with it. */
  publicKey: string;
  sm2: Pick<Sm2Service, 'sign' | 'verify'>;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

export type PaymentTradeStatus = 'waiting' | 'paid' | 'closed' | 'refunded';

/** An order as the platform holds it. */
export interface PaymentOrder {
  /** The platform's order number (平台订单号). */
  tradeNo: string;
  /** Ours (商户订单号), the idempotency key. */
  merchantOrderNo: string;
  amountFen: number;
  subject: string;
  status: PaymentTradeStatus;
  /** The cashier page the payer is sent to. */
  payUrl: string;
  expiresAt: Date;
  createdAt: Date;
  paidAt: Date | null;
  closedAt: Date | null;
  refundedAt: Date | null;
}

export interface CreatePaymentOrder {
  merchantOrderNo: string;
  amountFen: number;
  subject: string;
  /** Where the platform POSTs the signed payment callback. */
  notifyUrl: string;
  /** Where the payer's browser goes after the cashier page. */
  returnUrl: string;
  expiresAt: Date;
}

export interface PaymentRefund {
  refundNo: string;
  merchantRefundNo: string;
  tradeNo: string;
  merchantOrderNo: string;
  amountFen: number;
  reason: string;
  refundedAt: Date;
}

/** A verified payment callback. Its amount and order number are the caller's to check against its own order. */
export interface PaymentNotification {
  /** The same for every delivery of one notification: the caller's deduplication key. */
  notifyId: string;
  merchantId: string;
  tradeNo: string;
  merchantOrderNo: string;
  amountFen: number;
  paidAt: Date;
}

export interface PaymentStatement {
  merchantId: string;
  /** `yyyy-MM-dd` (Beijing). */
  billDate: string;
  entries: StatementEntry[];
  totals: StatementTotals;
  /** The signed file as received, for the archive. */
  raw: string;
}

export type { StatementEntry, StatementTotals };

const errors = platformErrorClasses({ platform: 'PaymentPlatformError', unavailable: 'PaymentUnavailableError', refused: 'PaymentRefusedError', response: 'PaymentResponseError' });

/** The platform answered with an error, timed out, or could not be reached (`code`, `status`: see `platform-errors.ts`). */
export const PaymentPlatformError = errors.PlatformError;
export type PaymentPlatformError = InstanceType<typeof PaymentPlatformError>;

/** Down, unreachable, too slow or a 5xx: the outcome is unknown, try again later (every call is idempotent). */
export const PaymentUnavailableError = errors.UnavailableError;
export type PaymentUnavailableError = InstanceType<typeof PaymentUnavailableError>;

/** The platform refused the request (4xx), e.g. `ORDER_CONFLICT`, `ORDER_PAID`; `field` names the parameter at fault. */
export const PaymentRefusedError = errors.RefusedError;
export type PaymentRefusedError = InstanceType<typeof PaymentRefusedError>;

/** An answer that does not carry the platform's valid signature or has not the documented shape. */
export const PaymentResponseError = errors.ResponseError;
export type PaymentResponseError = InstanceType<typeof PaymentResponseError>;

const PLATFORM_NAME = '公共支付平台';

export type PaymentCallbackErrorReason = 'malformed' | 'bad-signature' | 'wrong-merchant' | 'stale' | 'order-mismatch' | 'amount-mismatch';

/** A callback that must not be believed (answer it with anything but the success body). */
export class PaymentCallbackError extends Error {
  override readonly name = 'PaymentCallbackError';
  constructor(
    readonly reason: PaymentCallbackErrorReason,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_BY_WIRE = new Map<string, PaymentTradeStatus>(Object.entries(paymentWire.tradeStatus).map(([k, v]) => [v, k as PaymentTradeStatus]));

const fenOf = (record: WireRecord, key: string): number | undefined => {
  const value = record[key];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
};
const timeOf = (record: WireRecord, key: string): Date | null | undefined => (record[key] === null || record[key] === undefined ? null : (parseCompactTime(record[key]) ?? undefined));

/**
 * Adapter for the 上海市公共支付平台: SM2-signed JSON over HTTPS. Requests are signed with our
 * merchant key; every answer, callback and statement must carry the platform's SM2 signature.
 * Every call is idempotent (orders by merchant order number, refunds by merchant refund number),
 * so a call that failed on the network is retried once. Field names live in `payment-wire.ts`.
 */
export class PaymentPlatform {
  private readonly http: PlatformHttp;

  constructor(private readonly options: PaymentPlatformOptions) {
    this.http = new PlatformHttp({ ...options, platformName: PLATFORM_NAME, errors, errorFields: paymentWire.error });
  }

  get merchantId(): string {
    return this.options.merchantId;
  }

  /** Reads the platform's public key (the sandbox's `/api/v1/keys`), for configurations without PAYMENT_PUBLIC_KEY. */
  static fetchPublicKey(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<string> {
    return fetchPlatformPublicKey(`${baseUrl.replace(/\/+$/, '')}${paymentWire.paths.keys}`, paymentWire.keys.publicKey, PLATFORM_NAME, errors, fetchImpl);
  }

  /** Creates the order, or returns the one the platform already has under this merchant order number. */
  async createOrder(input: CreatePaymentOrder): Promise<PaymentOrder> {
    const o = paymentWire.order;
    const order = this.toOrder(
      await this.call('POST', paymentWire.paths.orders, {
        [o.merchantId]: this.options.merchantId,
        [o.outTradeNo]: input.merchantOrderNo,
        [o.totalFee]: input.amountFen,
        [o.subject]: input.subject,
        [o.notifyUrl]: input.notifyUrl,
        [o.returnUrl]: input.returnUrl,
        [o.timeExpire]: formatCompactTime(input.expiresAt),
      }),
      input.merchantOrderNo,
    );
    if (order.amountFen !== input.amountFen) throw new PaymentResponseError('公共支付平台返回的订单金额与请求不一致', 'BAD_RESPONSE', 200);
    return order;
  }

  /** The cashier page of an order (the same as the order's `payUrl`). */
  payPageUrl(tradeNo: string): string {
    return `${this.http.baseUrl}${paymentWire.paths.payPage}/${encodeURIComponent(tradeNo)}`;
  }

  async queryOrder(merchantOrderNo: string): Promise<PaymentOrder> {
    return this.toOrder(await this.call('GET', this.orderPath(merchantOrderNo)), merchantOrderNo);
  }

  /** Closes an unpaid order so it can no longer be paid; refused with `ORDER_PAID` once paid. Closing twice is fine. */
  async closeOrder(merchantOrderNo: string): Promise<PaymentOrder> {
    return this.toOrder(await this.call('POST', `${this.orderPath(merchantOrderNo)}${paymentWire.paths.closeSuffix}`), merchantOrderNo);
  }

  /** A full refund; the same merchant refund number again returns the same refund. */
  async refund(input: { merchantOrderNo: string; merchantRefundNo: string; amountFen: number; reason: string }): Promise<PaymentRefund> {
    const r = paymentWire.refund;
    const body = await this.call('POST', paymentWire.paths.refunds, {
      [r.merchantId]: this.options.merchantId,
      [r.outTradeNo]: input.merchantOrderNo,
      [r.outRefundNo]: input.merchantRefundNo,
      [r.refundFee]: input.amountFen,
      [r.reason]: input.reason,
    });
    const record = this.record(body);
    const refund: Partial<PaymentRefund> = {
      refundNo: text(record, r.refundNo),
      merchantRefundNo: text(record, r.outRefundNo),
      tradeNo: text(record, r.tradeNo),
      merchantOrderNo: text(record, r.outTradeNo),
      amountFen: fenOf(record, r.refundFee),
      reason: typeof record[r.reason] === 'string' ? (record[r.reason] as string) : '',
      refundedAt: timeOf(record, r.refundTime) ?? undefined,
    };
    if (
      record[r.status] !== paymentWire.refundStatus.success ||
      !refund.refundNo ||
      !refund.tradeNo ||
      !refund.refundedAt ||
      refund.merchantRefundNo !== input.merchantRefundNo ||
      refund.merchantOrderNo !== input.merchantOrderNo ||
      refund.amountFen !== input.amountFen
    ) {
      throw new PaymentResponseError('公共支付平台返回的退款结果格式不正确', 'BAD_RESPONSE', 200);
    }
    return refund as PaymentRefund;
  }

  /** The signed daily statement (对账单) of a Beijing date, `yyyy-MM-dd`. */
  async fetchStatement(billDate: string): Promise<PaymentStatement> {
    const query = new URLSearchParams({ [paymentWire.statementQuery.billDate]: billDate });
    const raw = await this.call('GET', `${paymentWire.paths.statements}?${query.toString()}`);
    const content = parseStatement(raw);
    if (!content || content.merchantId !== this.options.merchantId || content.billDate !== billDate) {
      throw new PaymentResponseError('公共支付平台返回的对账单格式不正确或与请求不符', 'BAD_RESPONSE', 200);
    }
    return { ...content, raw };
  }

  /**
   * Checks a payment callback as it arrived (the raw body, before any JSON parsing, and the
   * headers): the platform's signature, our merchant id, a fresh timestamp and the body's shape.
   * Pure: deduplicating (`notifyId`) and crediting once are the caller's; so is comparing the order
   * number and amount with its own order (`assertNotificationMatches`).
   */
  verifyCallback(rawBody: Buffer | string, headers: HeaderSource): PaymentNotification {
    const signed = readSignatureHeaders(headers);
    if (!signed) throw new PaymentCallbackError('malformed', '支付通知缺少签名信息');
    if (signed.merchantId !== this.options.merchantId) throw new PaymentCallbackError('wrong-merchant', '支付通知不是发给本商户的');
    const signedText = stringToSign('notify', signed.merchantId, signed.timestamp, signed.nonce, '', rawBody);
    if (!this.options.sm2.verify(this.options.publicKey, signedText, signed.signature)) throw new PaymentCallbackError('bad-signature', '支付通知签名校验失败');
    if (!timestampFresh(signed.timestamp, this.now())) throw new PaymentCallbackError('stale', '支付通知的时间戳已过期');
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
    } catch {
      throw new PaymentCallbackError('malformed', '支付通知不是有效的JSON');
    }
    const record = isWireRecord(parsed) ? parsed : {};
    const n = paymentWire.notify;
    if (record[n.merchantId] !== this.options.merchantId) throw new PaymentCallbackError('wrong-merchant', '支付通知不是发给本商户的');
    const notification = {
      notifyId: text(record, n.notifyId),
      merchantId: this.options.merchantId,
      tradeNo: text(record, n.tradeNo),
      merchantOrderNo: text(record, n.outTradeNo),
      amountFen: fenOf(record, n.totalFee),
      paidAt: timeOf(record, n.payTime),
    };
    if (
      record[n.notifyType] !== paymentWire.notifyTypes.paid ||
      record[n.status] !== paymentWire.tradeStatus.paid ||
      !notification.notifyId ||
      !notification.tradeNo ||
      !notification.merchantOrderNo ||
      !PAYMENT_MERCHANT_NO.test(notification.merchantOrderNo) ||
      notification.amountFen === undefined ||
      !notification.paidAt
    ) {
      throw new PaymentCallbackError('malformed', '支付通知内容不完整');
    }
    return notification as PaymentNotification;
  }

  private now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  private orderPath(merchantOrderNo: string): string {
    return `${paymentWire.paths.orders}/${encodeURIComponent(merchantOrderNo)}`;
  }

  private record(raw: string): WireRecord {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new PaymentResponseError('公共支付平台返回的数据不是有效的JSON', 'BAD_RESPONSE', 200);
    }
    if (!isWireRecord(value)) throw new PaymentResponseError('公共支付平台返回的数据格式不正确', 'BAD_RESPONSE', 200);
    return value;
  }

  private toOrder(raw: string, merchantOrderNo: string): PaymentOrder {
    const record = this.record(raw);
    const o = paymentWire.order;
    const status = STATUS_BY_WIRE.get(String(record[o.status]));
    const order = {
      tradeNo: text(record, o.tradeNo),
      merchantOrderNo: text(record, o.outTradeNo),
      amountFen: fenOf(record, o.totalFee),
      subject: text(record, o.subject),
      status,
      payUrl: text(record, o.payUrl),
      expiresAt: timeOf(record, o.timeExpire),
      createdAt: timeOf(record, o.createTime),
      paidAt: timeOf(record, o.payTime),
      closedAt: timeOf(record, o.closeTime),
      refundedAt: timeOf(record, o.refundTime),
    };
    const complete =
      order.tradeNo && order.amountFen !== undefined && order.subject && status && order.payUrl && order.expiresAt && order.createdAt &&
      order.paidAt !== undefined && order.closedAt !== undefined && order.refundedAt !== undefined && record[o.merchantId] === this.options.merchantId;
    if (!complete) throw new PaymentResponseError('公共支付平台返回的订单格式不正确', 'BAD_RESPONSE', 200);
    if (order.merchantOrderNo !== merchantOrderNo) throw new PaymentResponseError('公共支付平台返回的订单与请求的订单号不一致', 'BAD_RESPONSE', 200);
    return order as PaymentOrder;
  }

  /** One signed call, retried once when it never got an answer; the verified answer's text. */
  private call(method: 'GET' | 'POST', pathWithQuery: string, payload?: WireRecord): Promise<string> {
    return this.http.retryOnce(() => this.attempt(method, pathWithQuery, payload));
  }

  private async attempt(method: 'GET' | 'POST', pathWithQuery: string, payload?: WireRecord): Promise<string> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const sign = (data: string) => this.options.sm2.sign(this.options.merchantKeyName, data);
    const headers = signHeaders(sign, 'request', this.options.merchantId, `${method} ${pathWithQuery}`, body, this.now());
    const nonce = headers[paymentWire.headers.nonce]!;
    const { res, bytes } = await this.http.send(
      method,
      pathWithQuery,
      { ...headers, accept: 'application/json, text/csv', ...(payload === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }) },
      payload === undefined ? undefined : body,
    );
    const raw = bytes.toString('utf8');
    const signed = readSignatureHeaders(res.headers);
    const genuine =
      signed !== null &&
      signed.merchantId === this.options.merchantId &&
      this.options.sm2.verify(this.options.publicKey, stringToSign('response', signed.merchantId, signed.timestamp, signed.nonce, nonce, bytes), signed.signature) &&
      timestampFresh(signed.timestamp, this.now());
    if (!genuine) throw new PaymentResponseError('公共支付平台的应答签名校验失败', 'BAD_SIGNATURE', res.status);
    return raw;
  }
}

/**
 * Whether a verified callback is about the order the caller holds under that number, for its
 * amount; throws `order-mismatch` or `amount-mismatch` otherwise (never credit such a callback).
 */
export function assertNotificationMatches(notification: PaymentNotification, order: { merchantOrderNo: string; amountFen: number; tradeNo?: string | null }): void {
  if (notification.merchantOrderNo !== order.merchantOrderNo || (order.tradeNo && notification.tradeNo !== order.tradeNo)) {
    throw new PaymentCallbackError('order-mismatch', '支付通知的订单号与本系统订单不一致');
  }
  if (notification.amountFen !== order.amountFen) throw new PaymentCallbackError('amount-mismatch', '支付通知的金额与订单应付金额不一致');
}
