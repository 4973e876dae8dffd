import crypto from 'node:crypto';
import { formatBeijingTime, headerValue, isCalendarDate, parseBeijingTime, sm3Hex, type HeaderSource } from '../wire-formats';

/**
 * The 上海市公共支付平台 (public payment platform) wire format, in one place: paths, header names,
 * body, callback and statement field names, time formats and how messages are signed. The adapter
 * and the sandbox both read it, so the real specification (not public) replaces this file and
 * nothing else. The shape is signed JSON over HTTPS with asynchronous, signed payment callbacks:
 *
 * 1. merchant → `POST /api/v1/orders` { merchant_id, out_trade_no, total_fee (fen), subject,
 *    notify_url, return_url, time_expire } → the order with `trade_no` and `pay_url`. The merchant
 *    order number is the idempotency key: the same number again returns the same order, or
 *    `ORDER_CONFLICT` when amount or subject differ.
 * 2. browser → `pay_url` (the platform's cashier page); after paying the platform POSTs a signed
 *    notification to `notify_url`, retried with back-off until the merchant answers HTTP 200 with
 *    the success body (`paymentCallbackAck`), and redirects the browser to `return_url`.
 * 3. `GET /api/v1/orders/{out_trade_no}` queries, `POST …/close` closes an unpaid order,
 *    `POST /api/v1/refunds` refunds a paid one in full (idempotent per `out_refund_no`),
 *    `GET /api/v1/statements?bill_date=yyyy-MM-dd` returns the signed daily statement (对账单).
 * 4. `GET /api/v1/keys` publishes the platform's SM2 public key.
 *
 * Every message carries four headers: merchant id, timestamp (epoch ms), nonce (32 hex digits) and
 * an SM2-SM3 signature (DER hex) over `stringToSign`. Requests are signed with the merchant's key;
 * answers, callbacks and statements with the platform's. The `kind` line separates the three, so
 * a signed answer can never pass as a callback; an answer's `target` is the nonce of the request
 * it answers, so an old answer cannot be replayed as a new one. Errors are `{ code, message, field }`
 * with a Chinese message.
 */
export const paymentWire = {
  paths: {
    orders: '/api/v1/orders',
    /** Suffix of `{orders}/{out_trade_no}` that closes the order. */
    closeSuffix: '/close',
    refunds: '/api/v1/refunds',
    statements: '/api/v1/statements',
    keys: '/api/v1/keys',
    /** The cashier page, `{payPage}/{trade_no}`. */
    payPage: '/pay',
  },
  headers: {
    merchantId: 'x-merchant-id',
    timestamp: 'x-timestamp',
    nonce: 'x-nonce',
    signature: 'x-signature',
  },
  order: {
    merchantId: 'merchant_id',
    outTradeNo: 'out_trade_no',
    tradeNo: 'trade_no',
    totalFee: 'total_fee',
    subject: 'subject',
    notifyUrl: 'notify_url',
    returnUrl: 'return_url',
    timeExpire: 'time_expire',
    status: 'trade_status',
    payUrl: 'pay_url',
    createTime: 'create_time',
    payTime: 'pay_time',
    closeTime: 'close_time',
    refundTime: 'refund_time',
  },
  refund: {
    merchantId: 'merchant_id',
    outTradeNo: 'out_trade_no',
    tradeNo: 'trade_no',
    outRefundNo: 'out_refund_no',
    refundNo: 'refund_no',
    refundFee: 'refund_fee',
    reason: 'refund_reason',
    status: 'refund_status',
    refundTime: 'refund_time',
  },
  /** The body of a payment callback (POST to notify_url). */
  notify: {
    notifyId: 'notify_id',
    notifyType: 'notify_type',
    merchantId: 'merchant_id',
    tradeNo: 'trade_no',
    outTradeNo: 'out_trade_no',
    totalFee: 'total_fee',
    payTime: 'pay_time',
    status: 'trade_status',
  },
  notifyTypes: { paid: 'TRADE_SUCCESS' },
  /** Query parameters of the browser's redirect to return_url (a hint only: trust the callback or a query). */
  returnParams: { outTradeNo: 'out_trade_no', tradeNo: 'trade_no', result: 'result' },
  returnResults: { success: 'success', cancel: 'cancel', fail: 'fail' },
  statementQuery: { billDate: 'bill_date' },
  keys: { publicKey: 'public_key', alg: 'alg' },
  error: { code: 'code', message: 'message', field: 'field' },
  tradeStatus: { waiting: 'NOTPAY', paid: 'SUCCESS', closed: 'CLOSED', refunded: 'REFUND' },
  refundStatus: { success: 'SUCCESS' },
  alg: 'SM2SM3',
  /** How far a message's timestamp may be from the receiver's clock. */
  timestampWindowMs: 5 * 60_000,
  statement: {
    title: '上海市公共支付平台商户对账单',
    merchantLabel: '商户号',
    dateLabel: '账单日期',
    columns: ['交易时间', '平台订单号', '商户订单号', '交易类型', '金额（分）', '平台退款单号', '商户退款单号', '商品名称'],
    types: { pay: '支付', refund: '退款' },
    summaryLabel: '汇总',
    summaryFields: ['支付笔数', '支付金额（分）', '退款笔数', '退款金额（分）'],
    contentType: 'text/csv; charset=utf-8',
  },
} as const;

/** Error codes the platform answers with. */
export const paymentErrorCodes = {
  merchantUnknown: 'MERCHANT_UNKNOWN',
  signatureInvalid: 'SIGNATURE_INVALID',
  timestampExpired: 'TIMESTAMP_EXPIRED',
  nonceReused: 'NONCE_REUSED',
  invalidParam: 'INVALID_PARAM',
  orderNotFound: 'ORDER_NOT_FOUND',
  orderConflict: 'ORDER_CONFLICT',
  orderPaid: 'ORDER_PAID',
  orderClosed: 'ORDER_CLOSED',
  orderNotPaid: 'ORDER_NOT_PAID',
  orderRefunded: 'ORDER_REFUNDED',
  refundConflict: 'REFUND_CONFLICT',
  refundAmountInvalid: 'REFUND_AMOUNT_INVALID',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  notFound: 'NOT_FOUND',
} as const;

/** What the merchant answers a callback with (HTTP 200) so that the platform stops retrying. */
export const paymentCallbackAck = {
  status: 200,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({ return_code: 'SUCCESS', return_msg: 'OK' }),
} as const;

/** Whether a callback answer (HTTP 200) is the documented success body. */
export function isCallbackAck(responseText: string): boolean {
  try {
    const value: unknown = JSON.parse(responseText);
    return typeof value === 'object' && value !== null && (value as Record<string, unknown>).return_code === 'SUCCESS';
  } catch {
    return false;
  }
}

/** A merchant order or refund number (our idempotency keys). */
export const PAYMENT_MERCHANT_NO = /^[A-Za-z0-9_-]{6,32}$/;
export const PAYMENT_MERCHANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Largest amount the platform takes in one order: 1,000,000.00 yuan. */
export const PAYMENT_MAX_FEN = 100_000_000;

export type PaymentMessageKind = 'request' | 'response' | 'notify';

/**
 * `kind \n merchantId \n timestamp \n nonce \n target \n SM3(body)`, where target is `METHOD path?query`
 * for a request, the request's nonce for an answer, and empty for a callback.
 */
export function stringToSign(kind: PaymentMessageKind, merchantId: string, timestamp: string, nonce: string, target: string, rawBody: string | Buffer): string {
  return [kind, merchantId, timestamp, nonce, target, sm3Hex(rawBody)].join('\n');
}

export interface SignatureHeaders {
  merchantId: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

/** The four signature headers of a message; `sign` returns a DER-hex SM2-SM3 signature of its text. */
export function signHeaders(sign: (text: string) => string, kind: PaymentMessageKind, merchantId: string, target: string, rawBody: string | Buffer, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = crypto.randomBytes(16).toString('hex');
  const h = paymentWire.headers;
  return {
    [h.merchantId]: merchantId,
    [h.timestamp]: timestamp,
    [h.nonce]: nonce,
    [h.signature]: sign(stringToSign(kind, merchantId, timestamp, nonce, target, rawBody)),
  };
}

/** The signature headers, well-formed, or null. */
export function readSignatureHeaders(headers: HeaderSource): SignatureHeaders | null {
  const h = paymentWire.headers;
  const merchantId = headerValue(headers, h.merchantId);
  const timestamp = headerValue(headers, h.timestamp);
  const nonce = headerValue(headers, h.nonce);
  const signature = headerValue(headers, h.signature);
  if (!merchantId || !PAYMENT_MERCHANT_ID.test(merchantId)) return null;
  if (!timestamp || !/^\d{10,16}$/.test(timestamp)) return null;
  if (!nonce || !/^[0-9a-f]{32}$/.test(nonce)) return null;
  if (!signature || !/^(?:[0-9a-f]{2}){8,72}$/i.test(signature)) return null;
  return { merchantId, timestamp, nonce, signature };
}

export function timestampFresh(timestamp: string, now: number): boolean {
  return Math.abs(now - Number(timestamp)) <= paymentWire.timestampWindowMs;
}

export type StatementEntryType = 'pay' | 'refund';

export interface StatementEntry {
  type: StatementEntryType;
  time: Date;
  tradeNo: string;
  merchantOrderNo: string;
  amountFen: number;
  /** Refund rows only. */
  refundNo: string | null;
  merchantRefundNo: string | null;
  subject: string;
}

export interface StatementTotals {
  payCount: number;
  payFen: number;
  refundCount: number;
  refundFen: number;
}

export interface StatementContent {
  merchantId: string;
  billDate: string;
  entries: StatementEntry[];
  totals: StatementTotals;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line's fields (RFC 4180 quoting; the line holds no raw line break). */
function csvFields(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) return null;
      fields.push(value);
      i = end;
    }
    if (i === line.length) return fields;
    if (line[i] !== ',') return null;
    i += 1;
  }
}

export function totalsOf(entries: readonly StatementEntry[]): StatementTotals {
  const pay = entries.filter((e) => e.type === 'pay');
  const refund = entries.filter((e) => e.type === 'refund');
  return {
    payCount: pay.length,
    payFen: pay.reduce((sum, e) => sum + e.amountFen, 0),
    refundCount: refund.length,
    refundFen: refund.reduce((sum, e) => sum + e.amountFen, 0),
  };
}

/** The statement file: title, merchant and date lines, the column line, one line per entry, the summary. */
export function writeStatement(merchantId: string, billDate: string, entries: readonly StatementEntry[]): string {
  const s = paymentWire.statement;
  const totals = totalsOf(entries);
  const [payCount, payFen, refundCount, refundFen] = s.summaryFields;
  const lines = [
    s.title,
    `${s.merchantLabel},${csvField(merchantId)}`,
    `${s.dateLabel},${billDate}`,
    s.columns.join(','),
    ...entries.map((e) =>
      [formatBeijingTime(e.time), e.tradeNo, e.merchantOrderNo, s.types[e.type], String(e.amountFen), e.refundNo ?? '', e.merchantRefundNo ?? '', e.subject].map(csvField).join(','),
    ),
    [s.summaryLabel, payCount, totals.payCount, payFen, totals.payFen, refundCount, totals.refundCount, refundFen, totals.refundFen].join(','),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Parses a statement file; null when it is not one, or when its summary does not add up. */
export function parseStatement(text: string): StatementContent | null {
  const s = paymentWire.statement;
  const lines = text.replace(/\r\n$/, '').split('\r\n');
  if (lines.length < 5 || lines[0] !== s.title || lines[3] !== s.columns.join(',')) return null;
  const merchant = csvFields(lines[1]!);
  const date = csvFields(lines[2]!);
  if (!merchant || merchant.length !== 2 || merchant[0] !== s.merchantLabel || !date || date.length !== 2 || date[0] !== s.dateLabel || !isCalendarDate(date[1]!)) return null;
  const entries: StatementEntry[] = [];
  for (const line of lines.slice(4, -1)) {
    const f = csvFields(line);
    if (!f || f.length !== s.columns.length) return null;
    const [time, tradeNo, merchantOrderNo, typeLabel, amount, refundNo, merchantRefundNo, subject] = f as [string, string, string, string, string, string, string, string];
    const type = typeLabel === s.types.pay ? 'pay' : typeLabel === s.types.refund ? 'refund' : null;
    const at = parseBeijingTime(time);
    if (!type || !at || !/^[1-9]\d{0,9}$/.test(amount) || !tradeNo || !PAYMENT_MERCHANT_NO.test(merchantOrderNo)) return null;
    if (type === 'refund' ? !refundNo || !PAYMENT_MERCHANT_NO.test(merchantRefundNo) : refundNo !== '' || merchantRefundNo !== '') return null;
    entries.push({ type, time: at, tradeNo, merchantOrderNo, amountFen: Number(amount), refundNo: refundNo || null, merchantRefundNo: merchantRefundNo || null, subject });
  }
  const summary = csvFields(lines[lines.length - 1]!);
  const totals = totalsOf(entries);
  const expected = [s.summaryLabel, s.summaryFields[0], totals.payCount, s.summaryFields[1], totals.payFen, s.summaryFields[2], totals.refundCount, s.summaryFields[3], totals.refundFen].map(String);
  if (!summary || summary.join('\u0000') !== expected.join('\u0000')) return null;
  return { merchantId: merchant[1]!, billDate: date[1]!, entries, totals };
}
