import smCrypto from 'sm-crypto';
import { TRANSPORT_PREFIX, transportKey, type TransportKey } from '../../../api/src/contracts/security';
import { getJson } from './http';

let cached: Promise<TransportKey> | undefined;

/** The server's SM2 transport key (fetched once per page load). */
export function getTransportKey(): Promise<TransportKey> {
  cached ??= getJson('/api/security/transport-key', transportKey).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** SM2-encrypts plaintext for the server (C1C3C2 hex). */
export async function encryptForServer(plain: string): Promise<string> {
  const key = await getTransportKey();
  return smCrypto.sm2.doEncrypt(plain, key.publicKey, key.cipherMode);
}

/** Replaces the named fields of a request body with their transport-encrypted form (`sm2:` + hex). */
export async function encryptFields<T extends Record<string, unknown>>(body: T, fields: ReadonlyArray<keyof T & string>): Promise<T> {
  const out: Record<string, unknown> = { ...body };
  for (const field of fields) {
    const value = out[field];
    if (typeof value === 'string' && value !== '') out[field] = TRANSPORT_PREFIX + (await encryptForServer(value));
  }
  return out as T;
}
