import crypto from 'node:crypto';
import type { Keyring } from './keyring';

/**
 * Blind index: a keyed SM3 hash of a sensitive value, stored beside its ciphertext so that an exact
 * match ("is this ID number already registered for this exam?") is an indexed equality lookup
 * without decrypting anything. Keyed with the keyring's `index-key`, so someone holding the database
 * cannot test candidate ID numbers against it (the space of ID numbers is small enough to enumerate).
 */

export type BlindIndexKind = 'id-number' | 'phone' | (string & {});

// The kind is a prefix before ':'; a kind without ':' keeps two kinds from ever hashing the same input.
const KIND = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * The form that is hashed: NFKC (full-width digits and Ｘ typed with a Chinese IME become ASCII),
 * no surrounding whitespace; ID numbers and phone numbers also lose inner spaces and hyphens, and
 * ID numbers are upper-cased (the check character x/X).
 */
export function normalizeForIndex(kind: BlindIndexKind, value: string): string {
  const text = value.normalize('NFKC').trim();
  if (kind === 'id-number') return text.replace(/[\s-]/g, '').toUpperCase();
  if (kind === 'phone') return text.replace(/[\s-]/g, '');
  return text;
}

/** HMAC-SM3(index-key, kind + ':' + normalized value), 64 lower-case hex digits. */
export function blindIndex(keyring: Keyring, kind: BlindIndexKind, value: string): string {
  if (!KIND.test(kind)) throw new TypeError(`blind index kind "${kind}" must match ${KIND}`);
  return crypto.createHmac('sm3', keyring.indexKey()).update(`${kind}:${normalizeForIndex(kind, value)}`, 'utf8').digest('hex');
}
