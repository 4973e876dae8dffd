import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type { Keyring } from './keyring';
import { CryptoIntegrityError, TokenError } from './security.errors';
import { sm2VerifyRaw } from './sm2-curve';
import { isSm2PublicKeyHex, randomSm2Scalar, scalarHex, SM2_N } from './sm2-keys';

/**
 * SM2 (GB/T 32918) with `sm-crypto`: e-seal signatures, signed tokens, and the transport
 * encryption browsers use for passwords and sensitive fields.
 *
 * Signatures are SM2 over SM3 with the default signer ID `1234567812345678` (GM/T 0009), returned
 * as **DER hex** (`SEQUENCE { INTEGER r, INTEGER s }`, the form `sm-crypto` writes with `der: true`
 * and OpenSSL reads). OpenSSL 3.0 must be told the ID, its own default being empty:
 *   openssl pkeyutl -verify -pubin -inkey seal.pem -rawin -digest sm3 \
 *     -pkeyopt distid:1234567812345678 -in document.pdf -sigfile document.sig
 *
 * Two things are done outside `sm-crypto`, because in Node its random numbers come from jsbn's
 * SecureRandom, which is seeded from Math.random when there is no `window.crypto`: a predictable
 * signature nonce reveals the private key. Signature nonces come from the OS CSPRNG (handed to
 * `doSignature` as its `pointPool`, with k·G computed by OpenSSL), and jsbn is loaded with a
 * CSPRNG seed for the ephemeral keys of `doEncrypt`. The digest e = SM3(Z || M) is computed with
 * Node's native SM3, so signing a large PDF does not run SM3 in JavaScript. Verification does
 * not use `sm-crypto` at all: s·G + t·P is computed with native BigInt in `sm2-curve.ts` (about
 * 1 ms instead of 30 ms), as every payment callback and platform answer is verified.
 */

export const SM2_DEFAULT_USER_ID = '1234567812345678';

type SmCrypto = (typeof import('sm-crypto'))['default'];
type BigIntegerConstructor = new (value: string, radix: number) => unknown;
const SEEDED = Symbol.for('bpm.security.jsbn-csprng-seeded');

function loadSmCrypto(): { sm2: SmCrypto['sm2']; BigInteger: BigIntegerConstructor } {
  const require = createRequire(import.meta.url);
  const requireFromSmCrypto = createRequire(require.resolve('sm-crypto'));
  const jsbnPath = requireFromSmCrypto.resolve('jsbn');
  const global = globalThis as unknown as { window?: unknown; [SEEDED]?: boolean };
  if (require.cache[jsbnPath] && !global[SEEDED]) {
    throw new Error('jsbn was loaded before api/src/security/sm2 could seed it from the CSPRNG; load this module first');
  }
  // jsbn seeds its pool from window.crypto.getRandomValues when that exists, and only at load.
  const hadWindow = 'window' in global;
  if (!hadWindow) global.window = { crypto: crypto.webcrypto };
  try {
    const jsbn = requireFromSmCrypto('jsbn') as { BigInteger: BigIntegerConstructor };
    const smCrypto = require('sm-crypto') as SmCrypto;
    global[SEEDED] = true;
    return { sm2: smCrypto.sm2, BigInteger: jsbn.BigInteger };
  } finally {
    if (!hadWindow) delete global.window;
  }
}

const { sm2, BigInteger } = loadSmCrypto();

// a, b, xG, yG of the SM2 curve, as hashed into Z.
const CURVE_PARAMS = Buffer.from(
  'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc' +
    '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93' +
    '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7' +
    'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0',
  'hex',
);

/** DER of SubjectPublicKeyInfo { id-ecPublicKey, SM2 curve 1.2.156.10197.1.301 } up to the point. */
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

function assertPublicKey(publicKeyHex: string): void {
  if (!isSm2PublicKeyHex(publicKeyHex)) throw new TypeError('not an uncompressed SM2 public key on the curve (04 + 128 hex digits)');
}

const bytesOf = (data: Buffer | string): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** e = SM3(Z || M), Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA): what SM2 signs. */
export function sm2Digest(publicKeyHex: string, data: Buffer | string, userId = SM2_DEFAULT_USER_ID): Buffer {
  const id = Buffer.from(userId, 'utf8');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(id.length * 8);
  const z = crypto.createHash('sm3').update(entl).update(id).update(CURVE_PARAMS).update(Buffer.from(publicKeyHex.slice(2), 'hex')).digest();
  return crypto.createHash('sm3').update(z).update(bytesOf(data)).digest();
}

/**
 * Strict DER `SEQUENCE { INTEGER r, INTEGER s }` with 1 ≤ r, s < n; null for anything else
 * (long forms, negative or non-minimal integers, trailing bytes), so one signature has one spelling.
 */
export function parseDerSignature(der: Buffer): { r: bigint; s: bigint } | null {
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const values: bigint[] = [];
  let offset = 2;
  for (let i = 0; i < 2; i += 1) {
    const length = der[offset + 1];
    if (der[offset] !== 0x02 || length === undefined || length < 1 || length > 33) return null;
    const value = der.subarray(offset + 2, offset + 2 + length);
    const first = value[0];
    const second = value[1];
    if (value.length !== length || first === undefined || first & 0x80) return null;
    if (first === 0 && (second === undefined || !(second & 0x80)) && length > 1) return null;
    values.push(BigInt(`0x${value.toString('hex')}`));
    offset += 2 + length;
  }
  const [r, s] = values;
  if (offset !== der.length || r === undefined || s === undefined) return null;
  if (r < 1n || r >= SM2_N || s < 1n || s >= SM2_N) return null;
  return { r, s };
}

export function publicKeyToPem(publicKeyHex: string): string {
  assertPublicKey(publicKeyHex);
  const base64 = Buffer.concat([SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]).toString('base64');
  return `-----BEGIN PUBLIC KEY-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PUBLIC KEY-----\n`;
}

/** The hex public key from a PEM SubjectPublicKeyInfo (as OpenSSL or a partner system writes it). */
export function publicKeyFromPem(pem: string): string {
  const body = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem)?.[1];
  const der = body ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : Buffer.alloc(0);
  if (der.length !== SPKI_PREFIX.length + 65 || !der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)) {
    throw new TypeError('not an SM2 public key in PEM SubjectPublicKeyInfo form');
  }
  const publicKeyHex = der.subarray(SPKI_PREFIX.length).toString('hex');
  assertPublicKey(publicKeyHex);
  return publicKeyHex;
}

/** Claims of a signed token. `exp` is required; times are seconds since the epoch. */
export interface TokenPayload {
  iss: string;
  aud: string | string[];
  exp: number;
  nbf?: number;
  iat?: number;
  sub?: string;
  [claim: string]: unknown;
}

export interface TokenExpectations {
  issuer: string;
  audience: string;
  now?: Date;
  /** Default 60 s. */
  clockSkewSeconds?: number;
}

const TOKEN_HEADER = { alg: 'SM2SM3', typ: 'JWT' } as const;
const MAX_TOKEN_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** SM2 encryption as the console does it (needs only the public key): C1C3C2 hex without the `04` prefix. */
export function encryptLikeBrowser(publicKeyHex: string, plain: string): string {
  assertPublicKey(publicKeyHex);
  if (plain.length === 0) throw new TypeError('SM2 transport encryption of an empty text is not supported');
  return sm2.doEncrypt(plain, publicKeyHex, 1);
}

export class Sm2Service {
  /** Only the SM2 pairs are used: a sandbox can hand in a pair of its own instead of a keyring. */
  constructor(private readonly keyring: Pick<Keyring, 'sm2KeyPair'>) {}

  /** SM2-SM3 signature of `data` (a string is signed as UTF-8) with the keyring pair `keyName`, DER hex. */
  sign(keyName: string, data: Buffer | string): string {
    const pair = this.keyring.sm2KeyPair(keyName);
    const k = randomSm2Scalar();
    const point = { k: new BigInteger(scalarHex(k), 16), x1: new BigInteger(kTimesG(k).slice(2, 66), 16) };
    return sm2.doSignature([...sm2Digest(pair.publicKey, data)], pair.privateKey, { der: true, hash: false, pointPool: [point] });
  }

  /** Verifies a DER-hex signature; false for a wrong or malformed signature, TypeError for a bad key. */
  verify(publicKeyHex: string, data: Buffer | string, signatureDerHex: string): boolean {
    assertPublicKey(publicKeyHex);
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(signatureDerHex)) return false;
    return verifyDigest(publicKeyHex, sm2Digest(publicKeyHex, data), Buffer.from(signatureDerHex, 'hex'));
  }

  publicKeyHex(keyName: string): string {
    return this.keyring.sm2KeyPair(keyName).publicKey;
  }

  /** SubjectPublicKeyInfo PEM with the SM2 curve OID, for OpenSSL and for partners who verify our seals. */
  publicKeyPem(keyName: string): string {
    return publicKeyToPem(this.publicKeyHex(keyName));
  }

  /**
   * Decrypts what a browser encrypted with `sm-crypto` `doEncrypt(text, publicKey, 1)`: C1C3C2 hex,
   * with or without the `04` prefix on C1. C1 must lie on the curve (an off-curve point would turn
   * this method into an oracle for invalid-curve attacks on the private key). Throws
   * `CryptoIntegrityError` for anything that does not decrypt; empty plaintexts are not supported.
   */
  decryptFromBrowser(keyName: string, cipherHex: string): string {
    const hex = typeof cipherHex === 'string' ? cipherHex.trim().toLowerCase() : '';
    const body = hex.length % 2 === 0 && /^[0-9a-f]+$/.test(hex) ? withoutPointPrefix(hex) : undefined;
    if (!body || body.length < 128 + 64 + 2) throw new CryptoIntegrityError('malformed', 'not an SM2 C1C3C2 ciphertext');
    const bytes = sm2.doDecrypt(body, this.keyring.sm2KeyPair(keyName).privateKey, 1, { output: 'array' });
    if (bytes.length === 0) throw new CryptoIntegrityError('tag-mismatch', 'SM2 ciphertext does not decrypt under this key');
    try {
      return utf8.decode(Uint8Array.from(bytes));
    } catch {
      throw new CryptoIntegrityError('decrypt-failed', 'SM2 plaintext is not UTF-8');
    }
  }

  /** What a browser does: C1C3C2 hex without the `04` prefix (sm-crypto's form). */
  encryptForBrowser(publicKeyHex: string, plain: string): string {
    return encryptLikeBrowser(publicKeyHex, plain);
  }

  /**
   * `base64url(header).base64url(payload).base64url(DER signature)`, header `{"alg":"SM2SM3","typ":"JWT"}`,
   * the signature over the ASCII of the first two parts (as in JWS). For the 一网通办 sandbox.
   */
  signToken(keyName: string, payload: TokenPayload): string {
    const signingInput = `${base64url(JSON.stringify(TOKEN_HEADER))}.${base64url(JSON.stringify(payload))}`;
    return `${signingInput}.${Buffer.from(this.sign(keyName, signingInput), 'hex').toString('base64url')}`;
  }

  /** Checks signature, `iss`, `aud`, `exp`, `nbf` and `iat` (with clock skew); throws `TokenError` naming the failed check. */
  verifySignedToken(token: string, publicKeyHex: string, expect: TokenExpectations): TokenPayload {
    assertPublicKey(publicKeyHex);
    const parts = typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
    const [headerPart, payloadPart, signaturePart] = parts;
    if (parts.length !== 3 || !headerPart || !payloadPart || !signaturePart) throw new TokenError('malformed', 'token must have three base64url parts');
    const header = decodeJsonPart(headerPart, 'header');
    if (header.alg !== TOKEN_HEADER.alg || (header.typ !== undefined && header.typ !== TOKEN_HEADER.typ) || header.crit !== undefined) {
      throw new TokenError('unsupported-alg', 'token header must be {"alg":"SM2SM3","typ":"JWT"}');
    }
    const signature = decodeBase64url(signaturePart, 'signature');
    if (!parseDerSignature(signature)) throw new TokenError('malformed', 'token signature is not a DER SM2 signature');
    if (!verifyDigest(publicKeyHex, sm2Digest(publicKeyHex, `${headerPart}.${payloadPart}`), signature)) {
      throw new TokenError('bad-signature', 'token signature does not verify');
    }
    return checkClaims(decodeJsonPart(payloadPart, 'payload'), expect);
  }
}

function kTimesG(k: bigint): string {
  const ecdh = crypto.createECDH('SM2');
  ecdh.setPrivateKey(Buffer.from(scalarHex(k), 'hex'));
  return ecdh.getPublicKey('hex', 'uncompressed');
}

/**
 * (r, s) from DER checked against e = `digest` for an uncompressed public key the callers have
 * already checked; the point arithmetic is native BigInt (`sm2-curve`), some 30 times faster than
 * `sm-crypto`'s `doVerifySignature`, with the same results.
 */
function verifyDigest(publicKeyHex: string, digest: Buffer, der: Buffer): boolean {
  const signature = parseDerSignature(der);
  if (!signature || digest.length !== 32 || !/^04[0-9a-f]{128}$/.test(publicKeyHex)) return false;
  const publicKey = { x: BigInt(`0x${publicKeyHex.slice(2, 66)}`), y: BigInt(`0x${publicKeyHex.slice(66)}`) };
  return sm2VerifyRaw(publicKey, BigInt(`0x${digest.toString('hex')}`), signature.r, signature.s);
}

/** C1C3C2 hex without the `04` prefix, or undefined when C1 is not a point on the curve. */
function withoutPointPrefix(hex: string): string | undefined {
  const onCurve = (c1: string): boolean => isSm2PublicKeyHex(`04${c1}`);
  if (onCurve(hex.slice(0, 128))) return hex;
  if (hex.startsWith('04') && onCurve(hex.slice(2, 130))) return hex.slice(2);
  return undefined;
}

const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

function decodeBase64url(part: string, what: string): Buffer {
  const bytes = BASE64URL.test(part) ? Buffer.from(part, 'base64url') : undefined;
  if (!bytes || bytes.toString('base64url') !== part) throw new TokenError('malformed', `token ${what} is not canonical base64url`);
  return bytes;
}

function decodeJsonPart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(decodeBase64url(part, what)));
  } catch (error) {
    if (error instanceof TokenError) throw error;
    throw new TokenError('malformed', `token ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TokenError('malformed', `token ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function checkClaims(payload: Record<string, unknown>, expect: TokenExpectations): TokenPayload {
  const now = Math.floor((expect.now ?? new Date()).getTime() / 1000);
  const skew = expect.clockSkewSeconds ?? 60;
  const { iss, aud, exp, nbf, iat } = payload;
  for (const [name, value] of [['iss', iss], ['aud', aud], ['exp', exp]] as const) {
    if (value === undefined) throw new TokenError('missing-claim', `token has no ${name} claim`);
  }
  for (const [name, value] of [['exp', exp], ['nbf', nbf], ['iat', iat]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw new TokenError('malformed', `token ${name} is not a number`);
  }
  if (iss !== expect.issuer) throw new TokenError('wrong-issuer', 'token was issued by someone else');
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(expect.audience)) throw new TokenError('wrong-audience', 'token is meant for another audience');
  if (now >= (exp as number) + skew) throw new TokenError('expired', 'token has expired');
  if (typeof nbf === 'number' && now < nbf - skew) throw new TokenError('not-yet-valid', 'token is not valid yet (nbf)');
  if (typeof iat === 'number' && now < iat - skew) throw new TokenError('not-yet-valid', 'token was issued in the future (iat)');
  return payload as TokenPayload;
}
