import crypto from 'node:crypto';

/**
 * The SMS platform's wire format, in one place: paths, header names, body and answer field names,
 * and how a request is signed. The adapter and the sandbox both read it, so a real platform's
 * specification replaces this file and nothing else.
 *
 * Signature: hex HMAC-SM3(appSecret, `${appId}\n${timestamp}\n${nonce}\n${hex SM3 of the raw body}`),
 * timestamp in epoch milliseconds, nonce 32 hex digits, used once within the timestamp window.
 */
export const smsWire = {
  sendPath: '/v1/messages',
  /** Sandbox only: the messages it has "delivered", for tests and for a demo operator. */
  sandboxMessagesPath: '/v1/sandbox/messages',
  headers: {
    appId: 'x-app-id',
    timestamp: 'x-timestamp',
    nonce: 'x-nonce',
    signature: 'x-signature',
  },
  request: { phone: 'phone', templateCode: 'templateCode', params: 'params' },
  response: { messageId: 'messageId' },
  error: { code: 'code', message: 'message' },
  /** How far a request's timestamp may be from the platform's clock. */
  timestampWindowMs: 5 * 60_000,
} as const;

/** Error codes the platform answers with (`{ code, message }`, message in Chinese). */
export const smsErrorCodes = {
  appUnknown: 'APP_UNKNOWN',
  signatureInvalid: 'SIGNATURE_INVALID',
  timestampExpired: 'TIMESTAMP_EXPIRED',
  nonceReused: 'NONCE_REUSED',
  badRequest: 'BAD_REQUEST',
  phoneInvalid: 'PHONE_INVALID',
  templateUnknown: 'TEMPLATE_UNKNOWN',
  templateParamMissing: 'TEMPLATE_PARAM_MISSING',
  notFound: 'NOT_FOUND',
} as const;

export const SMS_PHONE = /^1[3-9]\d{9}$/;

export function sm3Hex(data: string | Buffer): string {
  return crypto.createHash('sm3').update(data).digest('hex');
}

export function stringToSign(appId: string, timestamp: string, nonce: string, rawBody: string | Buffer): string {
  return `${appId}\n${timestamp}\n${nonce}\n${sm3Hex(rawBody)}`;
}

export function signRequest(appSecret: string, appId: string, timestamp: string, nonce: string, rawBody: string | Buffer): string {
  return crypto.createHmac('sm3', appSecret).update(stringToSign(appId, timestamp, nonce, rawBody), 'utf8').digest('hex');
}

/** The four signature headers of a request with this body. */
export function signedHeaders(appId: string, appSecret: string, rawBody: string, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = crypto.randomBytes(16).toString('hex');
  return {
    [smsWire.headers.appId]: appId,
    [smsWire.headers.timestamp]: timestamp,
    [smsWire.headers.nonce]: nonce,
    [smsWire.headers.signature]: signRequest(appSecret, appId, timestamp, nonce, rawBody),
  };
}
