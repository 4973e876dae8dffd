import type { Sm2Service } from '../../security/sm2';
import { platformErrorClasses } from '../platform-errors';
import { PlatformHttp, fetchPlatformPublicKey, isWireRecord, wireText as str, type WireRecord } from '../platform-http';
import { formatCompactTime, parseCompactTime } from '../wire-formats';
import { RECEIPT_CHECK_CODE, RECEIPT_CODE, RECEIPT_NO, eReceiptWire, receiptSigningText, signedHeaders, type ReceiptItemFields } from './ereceipt-wire';

export interface EReceiptPlatformOptions {
  /** e.g. `http://127.0.0.1:3104` (the sandbox) or the platform's base URL. */
  baseUrl: string;
  appId: string;
  appSecret: string;
  /** The platform's SM2 public key (`04` + 128 hex) the fiscal signature of every receipt is checked with. */
  publicKey: string;
  sm2: Pick<Sm2Service, 'verify'>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** One fee line (收费项目) of a receipt. */
export type EReceiptItem = ReceiptItemFields;

export interface IssueEReceipt {
  /** Our payment order number: one order, one receipt. */
  orderNo: string;
  /** The payment platform's order number (平台订单号). */
  tradeNo: string;
  payerName: string;
  amountFen: number;
  paidAt: Date;
  items: EReceiptItem[];
  remark?: string;
}

/** A fiscal e-receipt (财政电子票据) whose fiscal signature has been checked. */
export interface EReceipt {
  /** 票据代码 */
  receiptCode: string;
  /** 票据号码 */
  receiptNo: string;
  /** 校验码 */
  checkCode: string;
  issuedAt: Date;
  orderNo: string;
  tradeNo: string;
  payerName: string;
  payeeName: string;
  amountFen: number;
  paidAt: Date;
  items: EReceiptItem[];
  remark: string;
  /** The platform's public verification page for this receipt. */
  verifyUrl: string;
  /** The fiscal signature, DER hex, for the archive. */
  signature: string;
}

export type EReceiptVerification = { valid: false } | { valid: true; receipt: EReceipt };

const errors = platformErrorClasses({ platform: 'EReceiptPlatformError', unavailable: 'EReceiptUnavailableError', refused: 'EReceiptRefusedError', response: 'EReceiptResponseError' });

/** The platform answered with an error, timed out, or could not be reached (`code`, `status`: see `platform-errors.ts`). */
export const EReceiptPlatformError = errors.PlatformError;
export type EReceiptPlatformError = InstanceType<typeof EReceiptPlatformError>;

/** Down, unreachable, too slow or a 5xx: try again later (issuing is idempotent per order). */
export const EReceiptUnavailableError = errors.UnavailableError;
export type EReceiptUnavailableError = InstanceType<typeof EReceiptUnavailableError>;

/** The platform refused the request (4xx); `field` names the parameter at fault. */
export const EReceiptRefusedError = errors.RefusedError;
export type EReceiptRefusedError = InstanceType<typeof EReceiptRefusedError>;

/** An answer that is not a well-formed receipt with a valid fiscal signature. */
export const EReceiptResponseError = errors.ResponseError;
export type EReceiptResponseError = InstanceType<typeof EReceiptResponseError>;

const PLATFORM_NAME = '财政电子票据平台';
const int = (record: WireRecord, key: string): number | undefined => {
  const value = record[key];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
};

/**
 * Adapter for the 上海市财政电子票据 platform: HMAC-SM3-signed requests over HTTPS; every receipt
 * it returns must carry a valid fiscal SM2 signature. Issuing is idempotent per order number, so a
 * request that never got an answer is retried once. Field names live in `ereceipt-wire.ts`.
 */
export class EReceiptPlatform {
  private readonly http: PlatformHttp;

  constructor(private readonly options: EReceiptPlatformOptions) {
    this.http = new PlatformHttp({ ...options, platformName: PLATFORM_NAME, errors, errorFields: eReceiptWire.error });
  }

  /** Reads the platform's public key (the sandbox's `/api/v1/keys`), for configurations without ERECEIPT_PUBLIC_KEY. */
  static fetchPublicKey(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<string> {
    return fetchPlatformPublicKey(`${baseUrl.replace(/\/+$/, '')}${eReceiptWire.paths.keys}`, eReceiptWire.keys.publicKey, PLATFORM_NAME, errors, fetchImpl);
  }

  /** Issues the receipt of a paid order; the same order always gets the same receipt. */
  async issue(input: IssueEReceipt): Promise<EReceipt> {
    const f = eReceiptWire.issue;
    const i = eReceiptWire.item;
    const body = JSON.stringify({
      [f.orderNo]: input.orderNo,
      [f.tradeNo]: input.tradeNo,
      [f.payerName]: input.payerName,
      [f.amount]: input.amountFen,
      [f.paidAt]: formatCompactTime(input.paidAt),
      [f.items]: input.items.map((item) => ({ [i.code]: item.code, [i.name]: item.name, [i.quantity]: item.quantity, [i.unitPrice]: item.unitPriceFen, [i.amount]: item.amountFen })),
      ...(input.remark ? { [f.remark]: input.remark } : {}),
    });
    const answer = await this.call('POST', eReceiptWire.paths.receipts, body);
    const receipt = this.toReceipt(this.json(answer.bytes));
    if (receipt.orderNo !== input.orderNo || receipt.amountFen !== input.amountFen || receipt.tradeNo !== input.tradeNo) {
      throw new EReceiptResponseError('财政电子票据平台返回的票据与开票请求不一致', 'BAD_RESPONSE', 200);
    }
    return receipt;
  }

  /** The receipt's PDF as the platform renders it. */
  async fetchPdf(receiptNo: string): Promise<Buffer> {
    const answer = await this.call('GET', `${eReceiptWire.paths.receipts}/${encodeURIComponent(receiptNo)}${eReceiptWire.paths.pdfSuffix}`, '');
    if (!/^application\/pdf\b/i.test(answer.contentType) || answer.bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw new EReceiptResponseError('财政电子票据平台返回的不是PDF文件', 'BAD_RESPONSE', 200);
    }
    return answer.bytes;
  }

  /** Public verification (查验) by receipt number and check code; a valid answer's receipt is signature-checked too. */
  async verify(receiptNo: string, checkCode: string): Promise<EReceiptVerification> {
    const v = eReceiptWire.verify;
    const query = new URLSearchParams({ [v.receiptNo]: receiptNo, [v.checkCode]: checkCode });
    const answer = await this.call('GET', `${eReceiptWire.paths.verify}?${query.toString()}`, undefined);
    const record = this.json(answer.bytes);
    if (record[v.valid] === false) return { valid: false };
    const bill = record[v.receipt];
    if (record[v.valid] !== true || typeof bill !== 'object' || bill === null) throw new EReceiptResponseError('财政电子票据平台返回的查验结果格式不正确', 'BAD_RESPONSE', 200);
    const receipt = this.toReceipt(bill as WireRecord);
    if (receipt.receiptNo !== receiptNo || receipt.checkCode !== checkCode.toUpperCase()) throw new EReceiptResponseError('财政电子票据平台返回的查验结果与查验请求不一致', 'BAD_RESPONSE', 200);
    return { valid: true, receipt };
  }

  private json(bytes: Buffer): WireRecord {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new EReceiptResponseError('财政电子票据平台返回的数据不是有效的JSON', 'BAD_RESPONSE', 200);
    }
    if (!isWireRecord(value)) throw new EReceiptResponseError('财政电子票据平台返回的数据格式不正确', 'BAD_RESPONSE', 200);
    return value;
  }

  /** A receipt from the wire, its fields checked and its fiscal signature verified. */
  private toReceipt(record: WireRecord): EReceipt {
    const w = eReceiptWire.receipt;
    const k = eReceiptWire.item;
    const rawItems = Array.isArray(record[w.items]) ? (record[w.items] as unknown[]) : [];
    const items = rawItems.map((raw) => {
      const item = typeof raw === 'object' && raw !== null ? (raw as WireRecord) : {};
      return { code: str(item, k.code), name: str(item, k.name), quantity: int(item, k.quantity), unitPriceFen: int(item, k.unitPrice), amountFen: int(item, k.amount) };
    });
    const fields = {
      receiptCode: str(record, w.receiptCode),
      receiptNo: str(record, w.receiptNo),
      checkCode: str(record, w.checkCode),
      issuedAt: str(record, w.issuedAt),
      orderNo: str(record, w.orderNo),
      tradeNo: str(record, w.tradeNo),
      payerName: str(record, w.payerName),
      payeeName: str(record, w.payeeName),
      amountFen: int(record, w.amount),
      paidAt: str(record, w.paidAt),
      items,
    };
    const issuedAt = parseCompactTime(fields.issuedAt);
    const paidAt = parseCompactTime(fields.paidAt);
    const signature = str(record, w.signature);
    const verifyUrl = str(record, w.verifyUrl);
    const remark = typeof record[w.remark] === 'string' ? (record[w.remark] as string) : '';
    const itemsComplete = items.length > 0 && items.every((i) => i.code && i.name && i.quantity && i.unitPriceFen && i.amountFen);
    if (
      !fields.receiptCode || !RECEIPT_CODE.test(fields.receiptCode) || !fields.receiptNo || !RECEIPT_NO.test(fields.receiptNo) ||
      !fields.checkCode || !RECEIPT_CHECK_CODE.test(fields.checkCode) || !issuedAt || !paidAt || !fields.orderNo || !fields.tradeNo ||
      !fields.payerName || !fields.payeeName || !fields.amountFen || !itemsComplete || !signature || !verifyUrl
    ) {
      throw new EReceiptResponseError('财政电子票据平台返回的票据格式不正确', 'BAD_RESPONSE', 200);
    }
    const signed = fields as Parameters<typeof receiptSigningText>[0];
    if (!this.options.sm2.verify(this.options.publicKey, receiptSigningText(signed), signature)) {
      throw new EReceiptResponseError('财政电子票据的财政签名校验失败', 'BAD_SIGNATURE', 200);
    }
    return { ...signed, items: signed.items.map((i) => ({ ...i })), issuedAt, paidAt, remark, verifyUrl, signature };
  }

  /** One call (signed unless `body` is undefined: verification is public), retried once when it never got an answer. */
  private call(method: 'GET' | 'POST', pathWithQuery: string, body: string | undefined): Promise<{ bytes: Buffer; contentType: string }> {
    return this.http.retryOnce(() => this.attempt(method, pathWithQuery, body));
  }

  private async attempt(method: 'GET' | 'POST', pathWithQuery: string, body: string | undefined): Promise<{ bytes: Buffer; contentType: string }> {
    const headers: Record<string, string> = { accept: 'application/json, application/pdf' };
    if (body !== undefined) Object.assign(headers, signedHeaders(this.options.appId, this.options.appSecret, `${method} ${pathWithQuery}`, body));
    if (method === 'POST') headers['content-type'] = 'application/json; charset=utf-8';
    const { res, bytes } = await this.http.send(method, pathWithQuery, headers, method === 'POST' ? body : undefined);
    return { bytes, contentType: res.headers.get('content-type') ?? '' };
  }
}
