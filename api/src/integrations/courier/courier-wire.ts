import crypto from 'node:crypto';
import { headerValue, sm3Hex, type HeaderSource } from '../wire-formats';

/**
 * The 一网通办 express module (快递模块) wire format, in one place: paths, header names, body,
 * waybill, tracking and callback field names, and how messages are signed. The adapter and the
 * sandbox both read it, so the real specification (not public) replaces this file and nothing else.
 * The shape is signed JSON over HTTPS with asynchronous, signed tracking callbacks:
 *
 * 1. client → `POST /api/v1/waybills` { app_id, order_no, sender, recipient, item_desc, notify_url }
 *    → the waybill with `waybill_no`. The client's order number is the idempotency key: the same
 *    number again returns the same waybill, or `ORDER_CONFLICT` when sender, recipient or item differ.
 * 2. The courier collects and carries the item; each tracking event (揽收 → 运输中 → 派送中 → 已签收)
 *    is POSTed, signed, to `notify_url`, retried with back-off until the client answers HTTP 200
 *    with the success body (`courierCallbackAck`). Every delivery of one event carries the same
 *    `event_id` (unique per waybill): the client's deduplication key.
 * 3. `GET /api/v1/waybills/{waybill_no}` queries the waybill with its tracking events;
 *    `POST …/cancel` cancels it before pickup (`WAYBILL_COLLECTED` afterwards).
 * 4. `GET /api/v1/keys` publishes the platform's SM2 public key.
 *
 * Every message carries four headers: app id, timestamp (epoch ms), nonce (32 hex digits) and a
 * signature over `stringToSign`. Requests are signed with HMAC-SM3 and the app secret (hex); answers
 * and callbacks with the platform's SM2 key (SM2-SM3, DER hex). The `kind` line separates the three,
 * so a signed answer can never pass as a callback; an answer's `target` is the nonce of the request
 * it answers, so an old answer cannot be replayed as a new one. Times are `yyyyMMddHHmmss` Beijing.
 * Errors are `{ code, message, field }` with a Chinese message.
 */
export const courierWire = {
  paths: {
    waybills: '/api/v1/waybills',
    /** Suffix of `{waybills}/{waybill_no}` that cancels the waybill. */
    cancelSuffix: '/cancel',
    keys: '/api/v1/keys',
  },
  headers: {
    appId: 'x-app-id',
    timestamp: 'x-timestamp',
    nonce: 'x-nonce',
    signature: 'x-signature',
  },
  /** The create request and the waybill answer. */
  waybill: {
    appId: 'app_id',
    orderNo: 'order_no',
    waybillNo: 'waybill_no',
    sender: 'sender',
    recipient: 'recipient',
    itemDescription: 'item_desc',
    notifyUrl: 'notify_url',
    status: 'waybill_status',
    createTime: 'create_time',
    cancelTime: 'cancel_time',
    tracks: 'tracks',
  },
  /** A sender or recipient. */
  party: {
    name: 'name',
    phone: 'mobile',
    province: 'province',
    city: 'city',
    district: 'district',
    address: 'address',
  },
  /** One tracking event (in `tracks` and in a callback's `track`). */
  track: {
    eventId: 'event_id',
    code: 'event_code',
    description: 'event_desc',
    location: 'location',
    time: 'event_time',
  },
  /** The body of a tracking callback (POST to notify_url). */
  notify: {
    notifyId: 'notify_id',
    appId: 'app_id',
    waybillNo: 'waybill_no',
    orderNo: 'order_no',
    track: 'track',
  },
  waybillStatus: { created: 'CREATED', collected: 'COLLECTED', inTransit: 'IN_TRANSIT', delivering: 'DELIVERING', signed: 'SIGNED', cancelled: 'CANCELLED' },
  /** Tracking event codes, in the order a waybill passes them. */
  eventCodes: { collected: 'COLLECTED', inTransit: 'IN_TRANSIT', delivering: 'DELIVERING', signed: 'SIGNED' },
  /** Only Shanghai addresses are served through this module. */
  province: '上海市',
  city: '上海市',
  keys: { publicKey: 'public_key', alg: 'alg' },
  error: { code: 'code', message: 'message', field: 'field' },
  alg: 'SM2SM3',
  /** How far a message's timestamp may be from the receiver's clock. */
  timestampWindowMs: 5 * 60_000,
} as const;

/** Error codes the platform answers with. */
export const courierErrorCodes = {
  appUnknown: 'APP_UNKNOWN',
  signatureInvalid: 'SIGNATURE_INVALID',
  timestampExpired: 'TIMESTAMP_EXPIRED',
  nonceReused: 'NONCE_REUSED',
  invalidParam: 'INVALID_PARAM',
  orderConflict: 'ORDER_CONFLICT',
  waybillNotFound: 'WAYBILL_NOT_FOUND',
  waybillCollected: 'WAYBILL_COLLECTED',
  waybillCancelled: 'WAYBILL_CANCELLED',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  notFound: 'NOT_FOUND',
} as const;

/** What the client answers a callback with (HTTP 200) so that the platform stops retrying. */
export const courierCallbackAck = {
  status: 200,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({ result: 'SUCCESS' }),
} as const;

/** Whether a callback answer (HTTP 200) is the documented success body. */
export function isCourierCallbackAck(responseText: string): boolean {
  try {
    const value: unknown = JSON.parse(responseText);
    return typeof value === 'object' && value !== null && (value as Record<string, unknown>).result === 'SUCCESS';
  } catch {
    return false;
  }
}

/** The client's order number (our delivery id: a UUID fits). */
export const COURIER_ORDER_NO = /^[A-Za-z0-9_-]{6,64}$/;
export const COURIER_APP_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** The platform's waybill number (运单号). */
export const COURIER_WAYBILL_NO = /^[A-Z0-9]{8,32}$/;
export const COURIER_EVENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A mainland mobile number or a fixed line (区号-号码). */
export const COURIER_PHONE = /^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export type CourierMessageKind = 'request' | 'response' | 'notify';

/**
 * `kind \n appId \n timestamp \n nonce \n target \n SM3(body)`, where target is `METHOD path?query`
 * for a request, the request's nonce for an answer, and empty for a callback.
 */
export function stringToSign(kind: CourierMessageKind, appId: string, timestamp: string, nonce: string, target: string, rawBody: string | Buffer): string {
  return [kind, appId, timestamp, nonce, target, sm3Hex(rawBody)].join('\n');
}

/** HMAC-SM3 (hex) of a request's `stringToSign` with the app secret. */
export function requestSignature(appSecret: string, text: string): string {
  return crypto.createHmac('sm3', appSecret).update(text, 'utf8').digest('hex');
}

/** A constant-time comparison of two request signatures (hex). */
export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export interface SignatureHeaders {
  appId: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

/** The four signature headers of a message; `sign` returns the signature (hex) of its text. */
export function signHeaders(sign: (text: string) => string, kind: CourierMessageKind, appId: string, target: string, rawBody: string | Buffer, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = crypto.randomBytes(16).toString('hex');
  const h = courierWire.headers;
  return {
    [h.appId]: appId,
    [h.timestamp]: timestamp,
    [h.nonce]: nonce,
    [h.signature]: sign(stringToSign(kind, appId, timestamp, nonce, target, rawBody)),
  };
}

/** The signature headers, well-formed, or null. */
export function readSignatureHeaders(headers: HeaderSource): SignatureHeaders | null {
  const h = courierWire.headers;
  const appId = headerValue(headers, h.appId);
  const timestamp = headerValue(headers, h.timestamp);
  const nonce = headerValue(headers, h.nonce);
  const signature = headerValue(headers, h.signature);
  if (!appId || !COURIER_APP_ID.test(appId)) return null;
  if (!timestamp || !/^\d{10,16}$/.test(timestamp)) return null;
  if (!nonce || !/^[0-9a-f]{32}$/.test(nonce)) return null;
  if (!signature || !/^(?:[0-9a-f]{2}){8,72}$/i.test(signature)) return null;
  return { appId, timestamp, nonce, signature };
}

export function timestampFresh(timestamp: string, now: number): boolean {
  return Math.abs(now - Number(timestamp)) <= courierWire.timestampWindowMs;
}
