import crypto from 'node:crypto';
import { UnknownKeyError, type Keyring } from './keyring';
import { CryptoIntegrityError } from './security.errors';

/**
 * Encryption of sensitive columns (ID numbers, phone numbers) at rest.
 *
 * Token: `sm4:v<version>:<iv base64>:<base64(ciphertext || tag)>`
 * - SM4-CBC with PKCS#7 padding and a random 16-byte IV per value, so equal plaintexts differ;
 * - tag: the first 16 bytes of HMAC-SM3 over `sm4:v<version>:` || IV || ciphertext, with a key
 *   derived from the data key (encrypt-then-MAC). CBC alone would let an altered IV or ciphertext
 *   decrypt to different text without any error, and would answer padding-oracle probes; with the
 *   tag every alteration fails before decryption, as a `CryptoIntegrityError`.
 * The version picks the data key, so values written before a rotation stay readable until the
 * `reencrypt` command moves them. An 18-character ID number becomes a 96-character token, an 11-digit phone number 76.
 */

const TOKEN = /^sm4:v([1-9]\d{0,5}):([A-Za-z0-9+/]{22}==):([A-Za-z0-9+/]+={0,2})$/;
const BLOCK = 16;
const TAG_BYTES = 16;
const TAG_KEY_LABEL = 'bpm/field-cipher/tag/v1';

interface ParsedToken {
  version: number;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export class FieldCipher {
  readonly #tagKeys = new Map<number, Buffer>();

  constructor(private readonly keyring: Keyring) {}

  /** Whether a stored value is one of our tokens (as opposed to plaintext awaiting encryption). */
  static isToken(value: string): boolean {
    return TOKEN.test(value);
  }

  encrypt(plain: string): string {
    if (typeof plain !== 'string') throw new TypeError('FieldCipher.encrypt takes a string');
    const version = this.keyring.activeDataKeyVersion;
    const iv = crypto.randomBytes(BLOCK);
    const cipher = crypto.createCipheriv('sm4-cbc', this.keyring.dataKey(version), iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = this.#tag(version, iv, ciphertext);
    return `sm4:v${version}:${iv.toString('base64')}:${Buffer.concat([ciphertext, tag]).toString('base64')}`;
  }

  decrypt(token: string): string {
    const parsed = parse(token);
    const tagKey = this.#tagKeyOrFail(parsed.version);
    if (!crypto.timingSafeEqual(hmacTag(tagKey, parsed.version, parsed.iv, parsed.ciphertext), parsed.tag)) {
      throw new CryptoIntegrityError('tag-mismatch', `encrypted value (key v${parsed.version}) has been altered`);
    }
    try {
      const decipher = crypto.createDecipheriv('sm4-cbc', this.keyring.dataKey(parsed.version), parsed.iv);
      return Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new CryptoIntegrityError('decrypt-failed', `encrypted value (key v${parsed.version}) cannot be decrypted`);
    }
  }

  /** True when the token was written under a data key other than the active one. */
  needsRotation(token: string): boolean {
    return parse(token).version !== this.keyring.activeDataKeyVersion;
  }

  /** Decrypts and encrypts again under the active key; a token already on it is returned as it is. */
  rotate(token: string): string {
    return this.needsRotation(token) ? this.encrypt(this.decrypt(token)) : token;
  }

  #tag(version: number, iv: Buffer, ciphertext: Buffer): Buffer {
    return hmacTag(this.#tagKeyOrFail(version), version, iv, ciphertext);
  }

  #tagKeyOrFail(version: number): Buffer {
    let key = this.#tagKeys.get(version);
    if (!key) {
      let dataKey: Buffer;
      try {
        dataKey = this.keyring.dataKey(version);
      } catch (error) {
        if (error instanceof UnknownKeyError) throw new CryptoIntegrityError('unknown-key', `no data key v${version} to decrypt with`);
        throw error;
      }
      key = crypto.createHmac('sm3', dataKey).update(TAG_KEY_LABEL).digest();
      this.#tagKeys.set(version, key);
    }
    return key;
  }
}

function hmacTag(key: Buffer, version: number, iv: Buffer, ciphertext: Buffer): Buffer {
  return crypto.createHmac('sm3', key).update(`sm4:v${version}:`).update(iv).update(ciphertext).digest().subarray(0, TAG_BYTES);
}

function parse(token: string): ParsedToken {
  const match = typeof token === 'string' ? TOKEN.exec(token) : null;
  const body = match?.[3] ? Buffer.from(match[3], 'base64') : undefined;
  // Re-encoding must give the same text: one token, one spelling.
  if (!match?.[2] || !body || body.toString('base64') !== match[3] || body.length < BLOCK + TAG_BYTES || (body.length - TAG_BYTES) % BLOCK !== 0) {
    throw new CryptoIntegrityError('malformed', 'not an sm4 field token');
  }
  return {
    version: Number(match[1]),
    iv: Buffer.from(match[2], 'base64'),
    ciphertext: body.subarray(0, body.length - TAG_BYTES),
    tag: body.subarray(body.length - TAG_BYTES),
  };
}
