import { platformErrorClasses } from '../platform-errors';
import { PlatformHttp, isWireRecord, wireText as str, type WireRecord } from '../platform-http';
import { parseCompactTime } from '../wire-formats';
import { readSignedHeaders, signatureMatches, signedHeaders, stringToSign, suishenbanErrorCodes, suishenbanWire, timestampFresh } from './suishenban-wire';

export interface SuishenbanPushOptions {
  /** e.g. `http://127.0.0.1:3105` (the sandbox) or the platform's base URL. */
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

/** One message to one person. */
export interface SuishenbanMessage {
  /** Ours, the idempotency key: the same id pushes once, however often it is sent. */
  messageId: string;
  /** The person's 一网通办 subject (`users.ywtb_sub`). */
  userId: string;
  templateCode: string;
  params: Record<string, string>;
  /** What the phone shows. */
  title: string;
  content: string;
  /** Where tapping the message leads (the case in the portal). */
  link: string;
}

export interface SuishenbanReceipt {
  messageId: string;
  /** The platform's message id. */
  pushId: string;
  acceptedAt: Date;
}

const errors = platformErrorClasses({ platform: 'SuishenbanError', unavailable: 'SuishenbanUnavailableError', refused: 'SuishenbanRefusedError', response: 'SuishenbanResponseError' });

/** The platform answered with an error, timed out, or could not be reached (`code`, `status`: see `platform-errors.ts`). */
export const SuishenbanError = errors.PlatformError;
export type SuishenbanError = InstanceType<typeof SuishenbanError>;

/** Down, unreachable, too slow or a 5xx: try again later with the same message id. */
export const SuishenbanUnavailableError = errors.UnavailableError;
export type SuishenbanUnavailableError = InstanceType<typeof SuishenbanUnavailableError>;

/** The platform refused the push (4xx); `field` names the parameter at fault. */
export const SuishenbanRefusedError = errors.RefusedError;
export type SuishenbanRefusedError = InstanceType<typeof SuishenbanRefusedError>;

/** The person has no 随申办 account or has not authorised our messages: reach them another way. */
export class SuishenbanUserUnknownError extends SuishenbanRefusedError {
  override name = 'SuishenbanUserUnknownError';
}

/** An answer without the platform's valid signature, or not of the documented shape. */
export const SuishenbanResponseError = errors.ResponseError;
export type SuishenbanResponseError = InstanceType<typeof SuishenbanResponseError>;

/**
 * Adapter for 随申办 message push: HMAC-SM3-signed JSON over HTTPS; every answer must carry the
 * platform's signature over the request's nonce. A push is idempotent per message id, so one that
 * never got an answer is retried once, and a caller may retry a timed-out push safely. Field names
 * live in `suishenban-wire.ts`.
 */
export class SuishenbanPush {
  private readonly http: PlatformHttp;

  constructor(private readonly options: SuishenbanPushOptions) {
    this.http = new PlatformHttp({
      ...options,
      platformName: '随申办',
      errors,
      errorFields: suishenbanWire.error,
      refusal: (message, code, status, field) => (code === suishenbanErrorCodes.userNotFound ? new SuishenbanUserUnknownError(message, code, status, field) : undefined),
    });
  }

  async push(message: SuishenbanMessage): Promise<SuishenbanReceipt> {
    const p = suishenbanWire.push;
    const body = JSON.stringify({
      [p.appId]: this.options.appId,
      [p.msgId]: message.messageId,
      [p.userId]: message.userId,
      [p.templateCode]: message.templateCode,
      [p.params]: message.params,
      [p.title]: message.title,
      [p.content]: message.content,
      [p.link]: message.link,
    });
    // Not after a timeout: the push may have gone through (the caller may retry with the same id).
    const record = await this.http.retryOnce(() => this.attempt(body), false);
    const a = suishenbanWire.answer;
    const acceptedAt = parseCompactTime(record[a.pushTime]);
    const pushId = str(record, a.pushId);
    if (record[a.status] !== suishenbanWire.pushStatus.accepted || !pushId || !acceptedAt) throw new SuishenbanResponseError('随申办返回的推送结果格式不正确', 'BAD_RESPONSE', 200);
    if (record[a.msgId] !== message.messageId || record[a.userId] !== message.userId) throw new SuishenbanResponseError('随申办返回的推送结果与请求不一致', 'BAD_RESPONSE', 200);
    return { messageId: message.messageId, pushId, acceptedAt };
  }

  private now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  /** One signed attempt; the verified answer. */
  private async attempt(body: string): Promise<WireRecord> {
    const path = suishenbanWire.paths.messages;
    const headers = signedHeaders('request', this.options.appId, this.options.appSecret, `POST ${path}`, body, this.now());
    const nonce = headers[suishenbanWire.headers.nonce]!;
    const { res, bytes } = await this.http.send('POST', path, { ...headers, 'content-type': 'application/json; charset=utf-8', accept: 'application/json' }, body);
    let record: WireRecord | null = null;
    try {
      const value: unknown = JSON.parse(bytes.toString('utf8'));
      if (isWireRecord(value)) record = value;
    } catch {
      // not JSON: refused below, once the signature has been checked
    }
    const signed = readSignedHeaders(res.headers);
    const genuine =
      signed !== null &&
      signed.appId === this.options.appId &&
      signatureMatches(this.options.appSecret, stringToSign('response', signed.appId, signed.timestamp, signed.nonce, nonce, bytes), signed.signature) &&
      timestampFresh(signed.timestamp, this.now());
    if (!genuine) throw new SuishenbanResponseError('随申办的应答签名校验失败', 'BAD_SIGNATURE', res.status);
    if (!record) throw new SuishenbanResponseError('随申办返回的数据不是有效的JSON对象', 'BAD_RESPONSE', res.status);
    return record;
  }
}
