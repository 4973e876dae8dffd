import crypto from 'node:crypto';
import { headerValue, sm3Hex, type HeaderSource } from '../wire-formats';

/**
 * The 上海市财政电子票据 (fiscal e-receipt) platform's wire format, in one place: paths, header,
 * body and answer field names, how requests are signed and what the fiscal signature covers. The
 * adapter and the sandbox both read it, so the real specification (not public) replaces this file
 * and nothing else.
 *
 * - `POST /api/v1/receipts` issues the receipt of one paid business order (idempotent per
 *   `biz_order_no`: the same order always gets the same receipt; different data → `RECEIPT_CONFLICT`).
 * - `GET /api/v1/receipts/{bill_no}/pdf` is the receipt's PDF.
 * - `GET /api/v1/verify?bill_no&check_code` (public, unsigned) → `{ valid, bill }`; `/verify` is the
 *   public HTML verification page (查验).
 * - `GET /api/v1/keys` publishes the platform's SM2 public key.
 *
 * Requests carry app id, timestamp (epoch ms), nonce (32 hex) and a hex HMAC-SM3 with the app secret
 * over `appId \n timestamp \n nonce \n METHOD path?query \n SM3(body)`. A receipt carries the
 * fiscal signature (财政签名): SM2-SM3, DER hex, over `receiptSigningText`. Amounts are in fen,
 * times `yyyyMMddHHmmss` Beijing. Errors are `{ code, message, field }` with a Chinese message.
 */
export const eReceiptWire = {
  paths: {
    receipts: '/api/v1/receipts',
    pdfSuffix: '/pdf',
    verify: '/api/v1/verify',
    keys: '/api/v1/keys',
    verifyPage: '/verify',
    /** The public PDF download linked from the verification page (needs the check code). */
    verifyPdf: '/verify/pdf',
  },
  headers: {
    appId: 'x-app-id',
    timestamp: 'x-timestamp',
    nonce: 'x-nonce',
    signature: 'x-signature',
  },
  issue: {
    orderNo: 'biz_order_no',
    tradeNo: 'pay_trade_no',
    payerName: 'payer_name',
    amount: 'total_amount',
    paidAt: 'pay_time',
    items: 'items',
    remark: 'remark',
  },
  item: {
    code: 'item_code',
    name: 'item_name',
    quantity: 'quantity',
    unitPrice: 'unit_price',
    amount: 'amount',
  },
  receipt: {
    receiptCode: 'bill_code',
    receiptNo: 'bill_no',
    checkCode: 'check_code',
    issuedAt: 'issue_time',
    orderNo: 'biz_order_no',
    tradeNo: 'pay_trade_no',
    payerName: 'payer_name',
    payeeName: 'payee_name',
    amount: 'total_amount',
    paidAt: 'pay_time',
    items: 'items',
    remark: 'remark',
    verifyUrl: 'verify_url',
    signature: 'fiscal_signature',
  },
  verify: { receiptNo: 'bill_no', checkCode: 'check_code', valid: 'valid', receipt: 'bill' },
  keys: { publicKey: 'public_key', alg: 'alg' },
  error: { code: 'code', message: 'message', field: 'field' },
  alg: 'SM2SM3',
  timestampWindowMs: 5 * 60_000,
} as const;

export const eReceiptErrorCodes = {
  appUnknown: 'APP_UNKNOWN',
  signatureInvalid: 'SIGNATURE_INVALID',
  timestampExpired: 'TIMESTAMP_EXPIRED',
  nonceReused: 'NONCE_REUSED',
  invalidParam: 'INVALID_PARAM',
  receiptConflict: 'RECEIPT_CONFLICT',
  receiptNotFound: 'RECEIPT_NOT_FOUND',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  notFound: 'NOT_FOUND',
} as const;

/** 票据代码 (8 digits), 票据号码 (10 digits), 校验码 (6 letters or digits). */
export const RECEIPT_CODE = /^\d{8}$/;
export const RECEIPT_NO = /^\d{10}$/;
export const RECEIPT_CHECK_CODE = /^[0-9A-Z]{6}$/;
/** The business order number (our payment order number). */
export const RECEIPT_ORDER_NO = /^[A-Za-z0-9_-]{6,32}$/;

export interface ReceiptItemFields {
  code: string;
  name: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
}

/** What the fiscal signature covers. */
export interface ReceiptSignedFields {
  receiptCode: string;
  receiptNo: string;
  checkCode: string;
  issuedAt: string;
  orderNo: string;
  tradeNo: string;
  payerName: string;
  payeeName: string;
  amountFen: number;
  paidAt: string;
  items: readonly ReceiptItemFields[];
}

/** The text the fiscal signature is computed over: a JSON array in a fixed order (times in wire form). */
export function receiptSigningText(r: ReceiptSignedFields): string {
  return JSON.stringify([
    r.receiptCode,
    r.receiptNo,
    r.checkCode,
    r.issuedAt,
    r.orderNo,
    r.tradeNo,
    r.payerName,
    r.payeeName,
    r.amountFen,
    r.paidAt,
    r.items.map((i) => [i.code, i.name, i.quantity, i.unitPriceFen, i.amountFen]),
  ]);
}

export function stringToSign(appId: string, timestamp: string, nonce: string, target: string, rawBody: string | Buffer): string {
  return [appId, timestamp, nonce, target, sm3Hex(rawBody)].join('\n');
}

export function signRequest(appSecret: string, appId: string, timestamp: string, nonce: string, target: string, rawBody: string | Buffer): string {
  return crypto.createHmac('sm3', appSecret).update(stringToSign(appId, timestamp, nonce, target, rawBody), 'utf8').digest('hex');
}

/** The four signature headers of a request (`target`: `METHOD path?query`). */
export function signedHeaders(appId: string, appSecret: string, target: string, rawBody: string | Buffer, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = crypto.randomBytes(16).toString('hex');
  const h = eReceiptWire.headers;
  return {
    [h.appId]: appId,
    [h.timestamp]: timestamp,
    [h.nonce]: nonce,
    [h.signature]: signRequest(appSecret, appId, timestamp, nonce, target, rawBody),
  };
}

export function readSignedHeaders(headers: HeaderSource): { appId: string; timestamp: string; nonce: string; signature: string } | null {
  const h = eReceiptWire.headers;
  const appId = headerValue(headers, h.appId);
  const timestamp = headerValue(headers, h.timestamp);
  const nonce = headerValue(headers, h.nonce);
  const signature = headerValue(headers, h.signature);
  if (!appId || !/^[A-Za-z0-9_-]{1,64}$/.test(appId) || !timestamp || !/^\d{10,16}$/.test(timestamp)) return null;
  if (!nonce || !/^[0-9a-f]{32}$/.test(nonce) || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return null;
  return { appId, timestamp, nonce, signature };
}
