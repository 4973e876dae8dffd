import crypto from 'node:crypto';

/** Order n of the SM2 base point (GB/T 32918.5). */
export const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

export interface Sm2KeyPair {
  /** 64 hex digits. */
  privateKey: string;
  /** Uncompressed point `04` + x + y, 130 hex digits: the form `sm-crypto` and the browser use. */
  publicKey: string;
}

const PRIVATE_KEY = /^[0-9a-f]{64}$/;
const PUBLIC_KEY = /^04[0-9a-f]{128}$/;

/** A scalar in [1, n-2] from the operating system's CSPRNG (SM2 needs 1 + d invertible mod n). */
export function randomSm2Scalar(): bigint {
  for (;;) {
    const k = BigInt(`0x${crypto.randomBytes(32).toString('hex')}`);
    if (k >= 1n && k <= SM2_N - 2n) return k;
  }
}

export const scalarHex = (k: bigint): string => k.toString(16).padStart(64, '0');

/**
 * k·G with OpenSSL's SM2 curve, as an uncompressed point. Native and constant-time, unlike the
 * pure-JS arithmetic of `sm-crypto`, whose random numbers in Node come from Math.random.
 */
export function sm2PublicKeyFromPrivate(privateKeyHex: string): string {
  if (!PRIVATE_KEY.test(privateKeyHex)) throw new TypeError('SM2 private key must be 64 hex digits');
  const ecdh = crypto.createECDH('SM2');
  ecdh.setPrivateKey(Buffer.from(privateKeyHex, 'hex'));
  return ecdh.getPublicKey('hex', 'uncompressed');
}

export function generateSm2KeyPair(): Sm2KeyPair {
  const privateKey = scalarHex(randomSm2Scalar());
  return { privateKey, publicKey: sm2PublicKeyFromPrivate(privateKey) };
}

/** Checks the shape of a stored pair and that the public key belongs to the private one. */
export function isValidSm2KeyPair(pair: { privateKey?: unknown; publicKey?: unknown }): pair is Sm2KeyPair {
  if (typeof pair.privateKey !== 'string' || typeof pair.publicKey !== 'string') return false;
  if (!PRIVATE_KEY.test(pair.privateKey) || !PUBLIC_KEY.test(pair.publicKey)) return false;
  const d = BigInt(`0x${pair.privateKey}`);
  if (d < 1n || d > SM2_N - 2n) return false;
  return sm2PublicKeyFromPrivate(pair.privateKey) === pair.publicKey;
}

/** An uncompressed SM2 point that lies on the curve (OpenSSL refuses to decode one that does not). */
export function isSm2PublicKeyHex(value: string): boolean {
  if (!PUBLIC_KEY.test(value)) return false;
  try {
    crypto.ECDH.convertKey(value, 'SM2', 'hex', 'hex', 'uncompressed');
    return true;
  } catch {
    return false;
  }
}
