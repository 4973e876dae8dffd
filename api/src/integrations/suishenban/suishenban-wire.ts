import crypto from 'node:crypto';
import { headerValue, sm3Hex, type HeaderSource } from '../wire-formats';

/**
 * The 随申办 (Shanghai's government-service app) message push wire format, in one place: paths,
 * header, body and answer field names and how messages are signed. The adapter and the sandbox
 * both read it, so the real specification (not public) replaces this file and nothing else.
 *
 * - `POST /open/api/v1/messages` pushes one message to one person: { app_id, msg_id, user_id,
 *   template_code, params, title, content, link } → { msg_id, push_id, user_id, status, push_time }.
 *   `user_id` is the person's 一网通办 subject (the same unified identity); a person who has not
 *   installed 随申办 or not authorised messages from our app is refused with `USER_NOT_FOUND`.
 *   `msg_id` (ours) is the idempotency key: the same id with the same content answers the first
 *   push again and pushes nothing; with other content it is refused with `MSG_CONFLICT`.
 *
 * Requests carry app id, timestamp (epoch ms), nonce (32 hex) and a hex HMAC-SM3 with the app
 * secret over `stringToSign`; answers are signed the same way by the platform with the `response`
 * kind and the request's nonce as target, so an answer cannot be forged or replayed for another
 * request. Times are `yyyyMMddHHmmss` Beijing. Errors are `{ code, message, field }`, message in Chinese.
 */
export const suishenbanWire = {
  paths: {
    messages: '/open/api/v1/messages',
  },
  headers: {
    appId: 'x-app-id',
    timestamp: 'x-timestamp',
    nonce: 'x-nonce',
    signature: 'x-signature',
  },
  push: {
    appId: 'app_id',
    msgId: 'msg_id',
    userId: 'user_id',
    templateCode: 'template_code',
    params: 'params',
    title: 'title',
    content: 'content',
    link: 'link',
  },
  answer: {
    msgId: 'msg_id',
    pushId: 'push_id',
    userId: 'user_id',
    status: 'status',
    pushTime: 'push_time',
  },
  pushStatus: { accepted: 'ACCEPTED' },
  error: { code: 'code', message: 'message', field: 'field' },
  /** How far a message's timestamp may be from the receiver's clock. */
  timestampWindowMs: 5 * 60_000,
  limits: { titleMax: 64, contentMax: 500, linkMax: 512, paramsMax: 20, paramValueMax: 200 },
} as const;

export const suishenbanErrorCodes = {
  appUnknown: 'APP_UNKNOWN',
  signatureInvalid: 'SIGNATURE_INVALID',
  timestampExpired: 'TIMESTAMP_EXPIRED',
  nonceReused: 'NONCE_REUSED',
  invalidParam: 'INVALID_PARAM',
  /** The person has no 随申办 account or has not authorised messages from this app. */
  userNotFound: 'USER_NOT_FOUND',
  msgConflict: 'MSG_CONFLICT',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  notFound: 'NOT_FOUND',
} as const;

/** Our message id (a UUID, the idempotency key), the platform's user id and template codes. */
export const SUISHENBAN_MSG_ID = /^[A-Za-z0-9_-]{8,64}$/;
export const SUISHENBAN_USER_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const SUISHENBAN_TEMPLATE_CODE = /^[A-Za-z0-9_-]{1,64}$/;
export const SUISHENBAN_PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

export type SuishenbanMessageKind = 'request' | 'response';

/** `kind \n appId \n timestamp \n nonce \n target \n SM3(body)`; target: `METHOD path` of a request, the request's nonce for an answer. */
export function stringToSign(kind: SuishenbanMessageKind, appId: string, timestamp: string, nonce: string, target: string, rawBody: string | Buffer): string {
  return [kind, appId, timestamp, nonce, target, sm3Hex(rawBody)].join('\n');
}

export function sign(appSecret: string, text: string): string {
  return crypto.createHmac('sm3', appSecret).update(text, 'utf8').digest('hex');
}

/** Constant-time comparison of a hex signature with the expected one. */
export function signatureMatches(appSecret: string, text: string, given: string): boolean {
  const expected = Buffer.from(sign(appSecret, text), 'hex');
  const actual = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

/** The four signature headers of a message. */
export function signedHeaders(kind: SuishenbanMessageKind, appId: string, appSecret: string, target: string, rawBody: string | Buffer, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = crypto.randomBytes(16).toString('hex');
  const h = suishenbanWire.headers;
  return {
    [h.appId]: appId,
    [h.timestamp]: timestamp,
    [h.nonce]: nonce,
    [h.signature]: sign(appSecret, stringToSign(kind, appId, timestamp, nonce, target, rawBody)),
  };
}

export interface SignatureHeaders {
  appId: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

/** The signature headers, well-formed, or null. */
export function readSignedHeaders(headers: HeaderSource): SignatureHeaders | null {
  const h = suishenbanWire.headers;
  const appId = headerValue(headers, h.appId);
  const timestamp = headerValue(headers, h.timestamp);
  const nonce = headerValue(headers, h.nonce);
  const signature = headerValue(headers, h.signature);
  if (!appId || !APP_ID.test(appId) || !timestamp || !/^\d{10,16}$/.test(timestamp)) return null;
  if (!nonce || !/^[0-9a-f]{32}$/.test(nonce) || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return null;
  return { appId, timestamp, nonce, signature };
}

export function timestampFresh(timestamp: string, now: number): boolean {
  return Math.abs(now - Number(timestamp)) <= suishenbanWire.timestampWindowMs;
}
