import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { FieldCipher } from './field-cipher';
import { CryptoIntegrityError } from './security.errors';
import { tempKeyring } from './test-support';

const { keyring, cleanup } = tempKeyring();
afterAll(cleanup);
const cipher = new FieldCipher(keyring);
const ID = '31010119900101123X';

function failure(run: () => unknown): CryptoIntegrityError {
  try {
    run();
  } catch (error) {
    if (error instanceof CryptoIntegrityError) return error;
    throw error;
  }
  throw new Error('expected a CryptoIntegrityError');
}

/** Flips one bit of the n-th byte of a base64 part of the token. */
function flip(token: string, part: 2 | 3, byte = 0): string {
  const parts = token.split(':');
  const bytes = Buffer.from(parts[part] ?? '', 'base64');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  parts[part] = bytes.toString('base64');
  return parts.join(':');
}

describe('FieldCipher', () => {
  it('S2 encrypts with SM4 into sm4:v<ver>:<iv>:<ciphertext> and decrypts it back', () => {
    const token = cipher.encrypt(ID);
    expect(token).toMatch(/^sm4:v1:[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/=]+$/);
    expect(token).not.toContain(ID);
    expect(cipher.decrypt(token)).toBe(ID);
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
    expect(cipher.decrypt(cipher.encrypt('张三·上海市浦东新区'))).toBe('张三·上海市浦东新区');
    expect(FieldCipher.isToken(token)).toBe(true);
    expect(FieldCipher.isToken(ID)).toBe(false);
  });

  it('S2 is SM4-CBC with PKCS#7 under the data key (readable with OpenSSL given the key)', () => {
    const [, , iv, body] = cipher.encrypt(ID).split(':');
    const bytes = Buffer.from(body ?? '', 'base64');
    const decipher = crypto.createDecipheriv('sm4-cbc', keyring.dataKey(1), Buffer.from(iv ?? '', 'base64'));
    const plain = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
    expect(plain.toString('utf8')).toBe(ID);
  });

  it('S2 gives different ciphertexts for equal plaintexts (random IV per value)', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => cipher.encrypt(ID)));
    expect(tokens.size).toBe(50);
  });

  it('S2 decrypts values of both versions after a rotation and tells which need re-encryption', () => {
    const local = tempKeyring();
    try {
      const c = new FieldCipher(local.keyring);
      const before = c.encrypt(ID);
      local.keyring.rotateDataKey();
      const after = c.encrypt(ID);
      expect(before.startsWith('sm4:v1:')).toBe(true);
      expect(after.startsWith('sm4:v2:')).toBe(true);
      expect(c.decrypt(before)).toBe(ID);
      expect(c.decrypt(after)).toBe(ID);
      expect(c.needsRotation(before)).toBe(true);
      expect(c.needsRotation(after)).toBe(false);
      const rotated = c.rotate(before);
      expect(rotated.startsWith('sm4:v2:')).toBe(true);
      expect(c.decrypt(rotated)).toBe(ID);
    } finally {
      local.cleanup();
    }
  });

  it('S2 refuses an altered ciphertext, IV, tag or version cleanly, without leaking the plaintext', () => {
    const token = cipher.encrypt(ID);
    const altered = [flip(token, 3, 0), flip(token, 3, 20), flip(token, 3, 40), flip(token, 2, 0), flip(token, 2, 15), token.replace('sm4:v1:', 'sm4:v2:')];
    for (const bad of altered) {
      const error = failure(() => cipher.decrypt(bad));
      expect(['tag-mismatch', 'unknown-key']).toContain(error.reason);
      expect(error.message).not.toContain(ID);
      expect(error.message).not.toContain(bad);
    }
    expect(failure(() => cipher.decrypt(flip(token, 2, 0))).reason).toBe('tag-mismatch');
  });

  it('S2 refuses malformed tokens with a typed error', () => {
    const token = cipher.encrypt(ID);
    const [prefix, version, iv, body] = token.split(':');
    const malformed = [
      '',
      ID,
      'sm4:v1::',
      `${prefix}:${version}:${iv}`,
      `${prefix}:v0:${iv}:${body}`,
      `${prefix}:${version}:${iv}:${(body ?? '').slice(0, 20)}`,
      `${prefix}:${version}:${iv}:${Buffer.alloc(16).toString('base64')}`,
      `${prefix}:${version}:${iv}:${body}:extra`,
      `${prefix}:${version}:${iv}:${body} `,
    ];
    for (const bad of malformed) expect(failure(() => cipher.decrypt(bad)).reason).toBe('malformed');
  });
});
