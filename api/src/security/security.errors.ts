import { formatRowKey, type RowKey } from './keyset';

// Errors of the security layer. Messages name what failed, never a plaintext, a key or a token.

export type CryptoIntegrityReason = 'malformed' | 'unknown-key' | 'tag-mismatch' | 'decrypt-failed';

/** A ciphertext (field token or SM2 ciphertext) is malformed, altered or encrypted under a key we lack. */
export class CryptoIntegrityError extends Error {
  override name = 'CryptoIntegrityError';
  constructor(
    readonly reason: CryptoIntegrityReason,
    message: string,
  ) {
    super(message);
  }
}

/** A row's MAC does not match its content. Carries where, never the values. */
export class TamperedRecordError extends Error {
  override name = 'TamperedRecordError';
  constructor(
    readonly table: string,
    readonly key: RowKey,
  ) {
    super(`record ${table}#${formatRowKey(key)} fails its integrity check`);
  }
}

export type TokenErrorReason =
  | 'malformed'
  | 'unsupported-alg'
  | 'bad-signature'
  | 'missing-claim'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'expired'
  | 'not-yet-valid';

/** A signed token was refused; `reason` says which check failed (the login route maps it to 401). */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    readonly reason: TokenErrorReason,
    message: string,
  ) {
    super(message);
  }
}
