import type { Sm2Service } from '../../security/sm2';
import { platformErrorClasses } from '../platform-errors';
import { PlatformHttp, fetchPlatformPublicKey, isWireRecord as isRecord, wireText as text, type WireRecord } from '../platform-http';
import { parseCompactTime, type HeaderSource } from '../wire-formats';
import {
  COURIER_EVENT_ID,
  COURIER_ORDER_NO,
  COURIER_WAYBILL_NO,
  courierWire,
  readSignatureHeaders,
  requestSignature,
  signHeaders,
  stringToSign,
  timestampFresh,
} from './courier-wire';

export interface CourierPlatformOptions {
  /** e.g. `http://127.0.0.1:3106` (the sandbox) or the express module's base URL. */
  baseUrl: string;
  /** Our app id at the platform. */
  appId: string;
  /** Requests are signed with it (HMAC-SM3). */
  appSecret: string;
  /** The platform's SM2 public key, `04` + 128 hex digits: answers and callbacks are checked with it. */
  publicKey: string;
  sm2: Pick<Sm2Service, 'verify'>;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

export type WaybillStatus = 'created' | 'collected' | 'in-transit' | 'delivering' | 'signed' | 'cancelled';
export type TrackingEventCode = 'collected' | 'in-transit' | 'delivering' | 'signed';

/** The order tracking events come in; a waybill's status is the latest it reached. */
export const trackingEventOrder: readonly TrackingEventCode[] = ['collected', 'in-transit', 'delivering', 'signed'];

/** A sender or recipient in Shanghai. */
export interface CourierParty {
  name: string;
  phone: string;
  /** One of the 16 districts. */
  district: string;
  /** Street, building and room. */
  address: string;
}

export interface TrackingEvent {
  /** Unique per waybill: the same for every delivery of one event. */
  eventId: string;
  code: TrackingEventCode;
  description: string;
  location: string;
  at: Date;
}

export interface Waybill {
  waybillNo: string;
  /** Ours, the idempotency key. */
  orderNo: string;
  status: WaybillStatus;
  createdAt: Date;
  cancelledAt: Date | null;
  events: TrackingEvent[];
}

export interface CreateWaybill {
  orderNo: string;
  sender: CourierParty;
  recipient: CourierParty;
  itemDescription: string;
  /** Where the platform POSTs the signed tracking callbacks. */
  notifyUrl: string;
}

/** A verified tracking callback. Matching it with our own delivery (order and waybill number) is the caller's. */
export interface CourierNotification {
  notifyId: string;
  waybillNo: string;
  orderNo: string;
  event: TrackingEvent;
}

const errors = platformErrorClasses({ platform: 'CourierPlatformError', unavailable: 'CourierUnavailableError', refused: 'CourierRefusedError', response: 'CourierResponseError' });

/** The platform answered with an error, timed out, or could not be reached (`code`, `status`: see `platform-errors.ts`). */
export const CourierPlatformError = errors.PlatformError;
export type CourierPlatformError = InstanceType<typeof CourierPlatformError>;

/** Down, unreachable, too slow or a 5xx: the outcome is unknown, try again later (every call is idempotent). */
export const CourierUnavailableError = errors.UnavailableError;
export type CourierUnavailableError = InstanceType<typeof CourierUnavailableError>;

/** The platform refused the request (4xx), e.g. `ORDER_CONFLICT`, `WAYBILL_COLLECTED`; `field` names the parameter at fault. */
export const CourierRefusedError = errors.RefusedError;
export type CourierRefusedError = InstanceType<typeof CourierRefusedError>;

/** An answer that does not carry the platform's valid signature or has not the documented shape. */
export const CourierResponseError = errors.ResponseError;
export type CourierResponseError = InstanceType<typeof CourierResponseError>;

const PLATFORM_NAME = '快递服务平台';

export type CourierCallbackErrorReason = 'malformed' | 'bad-signature' | 'wrong-app' | 'stale';

/** A callback that must not be believed (answer it with anything but the success body). */
export class CourierCallbackError extends Error {
  override readonly name = 'CourierCallbackError';
  constructor(
    readonly reason: CourierCallbackErrorReason,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_BY_WIRE = new Map<string, WaybillStatus>([
  [courierWire.waybillStatus.created, 'created'],
  [courierWire.waybillStatus.collected, 'collected'],
  [courierWire.waybillStatus.inTransit, 'in-transit'],
  [courierWire.waybillStatus.delivering, 'delivering'],
  [courierWire.waybillStatus.signed, 'signed'],
  [courierWire.waybillStatus.cancelled, 'cancelled'],
]);
const EVENT_BY_WIRE = new Map<string, TrackingEventCode>([
  [courierWire.eventCodes.collected, 'collected'],
  [courierWire.eventCodes.inTransit, 'in-transit'],
  [courierWire.eventCodes.delivering, 'delivering'],
  [courierWire.eventCodes.signed, 'signed'],
]);

const timeOf = (record: WireRecord, key: string): Date | null | undefined => (record[key] === null || record[key] === undefined ? null : (parseCompactTime(record[key]) ?? undefined));

/** A tracking event in wire form, or null when it is not one. */
function toEvent(value: unknown): TrackingEvent | null {
  if (!isRecord(value)) return null;
  const t = courierWire.track;
  const eventId = text(value, t.eventId);
  const code = EVENT_BY_WIRE.get(String(value[t.code]));
  const description = text(value, t.description);
  const location = typeof value[t.location] === 'string' ? (value[t.location] as string) : undefined;
  const at = parseCompactTime(value[t.time]);
  if (!eventId || !COURIER_EVENT_ID.test(eventId) || !code || !description || location === undefined || !at) return null;
  return { eventId, code, description, location, at };
}

/**
 * Adapter for the 一网通办 express module: HMAC-SM3-signed JSON requests, SM2-signed answers and
 * tracking callbacks. Every call is idempotent (waybills by our order number), so a call that failed
 * on the network is retried once. Field names live in `courier-wire.ts`.
 */
export class CourierPlatform {
  private readonly http: PlatformHttp;

  constructor(private readonly options: CourierPlatformOptions) {
    this.http = new PlatformHttp({ ...options, platformName: PLATFORM_NAME, errors, errorFields: courierWire.error });
  }

  get appId(): string {
    return this.options.appId;
  }

  /** Reads the platform's public key (the sandbox's `/api/v1/keys`), for configurations without COURIER_PUBLIC_KEY. */
  static fetchPublicKey(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<string> {
    return fetchPlatformPublicKey(`${baseUrl.replace(/\/+$/, '')}${courierWire.paths.keys}`, courierWire.keys.publicKey, PLATFORM_NAME, errors, fetchImpl);
  }

  /** Creates the waybill, or returns the one the platform already has under this order number. */
  async createWaybill(input: CreateWaybill): Promise<Waybill> {
    const w = courierWire.waybill;
    const party = (p: CourierParty) => {
      const f = courierWire.party;
      return { [f.name]: p.name, [f.phone]: p.phone, [f.province]: courierWire.province, [f.city]: courierWire.city, [f.district]: p.district, [f.address]: p.address };
    };
    return this.toWaybill(
      await this.call('POST', courierWire.paths.waybills, {
        [w.appId]: this.options.appId,
        [w.orderNo]: input.orderNo,
        [w.sender]: party(input.sender),
        [w.recipient]: party(input.recipient),
        [w.itemDescription]: input.itemDescription,
        [w.notifyUrl]: input.notifyUrl,
      }),
      { orderNo: input.orderNo },
    );
  }

  /** The waybill with every tracking event so far. */
  async queryWaybill(waybillNo: string): Promise<Waybill> {
    return this.toWaybill(await this.call('GET', this.waybillPath(waybillNo)), { waybillNo });
  }

  /** Cancels a waybill not yet collected; refused with `WAYBILL_COLLECTED` afterwards. Cancelling twice is fine. */
  async cancelWaybill(waybillNo: string): Promise<Waybill> {
    return this.toWaybill(await this.call('POST', `${this.waybillPath(waybillNo)}${courierWire.paths.cancelSuffix}`), { waybillNo });
  }

  /**
   * Checks a tracking callback as it arrived (the raw body, before any JSON parsing, and the
   * headers): the platform's signature, our app id, a fresh timestamp and the body's shape. Pure:
   * deduplicating (waybill + event id) and matching it with our delivery are the caller's.
   */
  verifyCallback(rawBody: Buffer | string, headers: HeaderSource): CourierNotification {
    const signed = readSignatureHeaders(headers);
    if (!signed) throw new CourierCallbackError('malformed', '快递通知缺少签名信息');
    if (signed.appId !== this.options.appId) throw new CourierCallbackError('wrong-app', '快递通知不是发给本系统的');
    const signedText = stringToSign('notify', signed.appId, signed.timestamp, signed.nonce, '', rawBody);
    if (!this.options.sm2.verify(this.options.publicKey, signedText, signed.signature)) throw new CourierCallbackError('bad-signature', '快递通知签名校验失败');
    if (!timestampFresh(signed.timestamp, this.now())) throw new CourierCallbackError('stale', '快递通知的时间戳已过期');
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
    } catch {
      throw new CourierCallbackError('malformed', '快递通知不是有效的JSON');
    }
    const record = isRecord(parsed) ? parsed : {};
    const n = courierWire.notify;
    if (record[n.appId] !== this.options.appId) throw new CourierCallbackError('wrong-app', '快递通知不是发给本系统的');
    const notifyId = text(record, n.notifyId);
    const waybillNo = text(record, n.waybillNo);
    const orderNo = text(record, n.orderNo);
    const event = toEvent(record[n.track]);
    if (!notifyId || !waybillNo || !COURIER_WAYBILL_NO.test(waybillNo) || !orderNo || !COURIER_ORDER_NO.test(orderNo) || !event) {
      throw new CourierCallbackError('malformed', '快递通知内容不完整');
    }
    return { notifyId, waybillNo, orderNo, event };
  }

  private now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  private waybillPath(waybillNo: string): string {
    return `${courierWire.paths.waybills}/${encodeURIComponent(waybillNo)}`;
  }

  private toWaybill(raw: string, expected: { orderNo?: string; waybillNo?: string }): Waybill {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new CourierResponseError('快递服务平台返回的数据不是有效的JSON', 'BAD_RESPONSE', 200);
    }
    if (!isRecord(value)) throw new CourierResponseError('快递服务平台返回的数据格式不正确', 'BAD_RESPONSE', 200);
    const w = courierWire.waybill;
    const tracks = value[w.tracks];
    const events = Array.isArray(tracks) ? tracks.map(toEvent) : null;
    const waybill = {
      waybillNo: text(value, w.waybillNo),
      orderNo: text(value, w.orderNo),
      status: STATUS_BY_WIRE.get(String(value[w.status])),
      createdAt: timeOf(value, w.createTime),
      cancelledAt: timeOf(value, w.cancelTime),
    };
    const complete =
      waybill.waybillNo && COURIER_WAYBILL_NO.test(waybill.waybillNo) && waybill.orderNo && waybill.status && waybill.createdAt && waybill.cancelledAt !== undefined &&
      events && events.every((e) => e !== null) && value[w.appId] === this.options.appId;
    if (!complete) throw new CourierResponseError('快递服务平台返回的运单格式不正确', 'BAD_RESPONSE', 200);
    if ((expected.orderNo && waybill.orderNo !== expected.orderNo) || (expected.waybillNo && waybill.waybillNo !== expected.waybillNo)) {
      throw new CourierResponseError('快递服务平台返回的运单与请求不一致', 'BAD_RESPONSE', 200);
    }
    return { ...(waybill as Omit<Waybill, 'events'>), events: events as TrackingEvent[] };
  }

  /** One signed call, retried once when it never got an answer; the verified answer's text. */
  private call(method: 'GET' | 'POST', path: string, payload?: WireRecord): Promise<string> {
    return this.http.retryOnce(() => this.attempt(method, path, payload));
  }

  private async attempt(method: 'GET' | 'POST', path: string, payload?: WireRecord): Promise<string> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const headers = signHeaders((t) => requestSignature(this.options.appSecret, t), 'request', this.options.appId, `${method} ${path}`, body, this.now());
    const nonce = headers[courierWire.headers.nonce]!;
    const { res, bytes } = await this.http.send(
      method,
      path,
      { ...headers, accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }) },
      payload === undefined ? undefined : body,
    );
    const raw = bytes.toString('utf8');
    const signed = readSignatureHeaders(res.headers);
    const genuine =
      signed !== null &&
      signed.appId === this.options.appId &&
      this.options.sm2.verify(this.options.publicKey, stringToSign('response', signed.appId, signed.timestamp, signed.nonce, nonce, bytes), signed.signature) &&
      timestampFresh(signed.timestamp, this.now());
    if (!genuine) throw new CourierResponseError('快递服务平台的应答签名校验失败', 'BAD_SIGNATURE', res.status);
    return raw;
  }
}

