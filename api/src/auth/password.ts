import crypto from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2 = promisify(crypto.pbkdf2);
const ITERATIONS = 100_000;
const KEY_LENGTH = 32;

/** Salted, iterated hash with SM3 (PBKDF2-HMAC-SM3), as GB/T 39786 expects for stored passwords. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await pbkdf2(password, salt, ITERATIONS, KEY_LENGTH, 'sm3');
  return `pbkdf2-sm3$${ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split('$');
  if (scheme !== 'pbkdf2-sm3' || !iterations || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await pbkdf2(password, Buffer.from(salt, 'base64'), Number(iterations), expected.length, 'sm3');
  return crypto.timingSafeEqual(actual, expected);
}
