import { createHash } from 'node:crypto';
import type { Sm2Service } from '../../security/sm2';

/** The key the platform signs candidates' confirmations with (public key at /api/security/seal-keys). */
export const COMMITMENT_SIGNER = 'seal-platform';

/** JSON with keys sorted at every level: the same content always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface CommitmentSignature {
  content: Record<string, unknown>;
  digest: string;
  signature: string;
  keyId: string;
}

/**
 * Signs "this candidate confirmed this form and the commitment letter at this time" (M03, M15): an SM2
 * signature (SM3 digest) over the canonical content. The content holds the keyed index of the ID and
 * phone numbers rather than the numbers, so the stored evidence does not repeat personal data in clear.
 */
export function signCommitment(sm2: Sm2Service, content: Record<string, unknown>): CommitmentSignature {
  const text = canonicalJson(content);
  return {
    content,
    digest: createHash('sm3').update(text).digest('hex'),
    signature: sm2.sign(COMMITMENT_SIGNER, text),
    keyId: COMMITMENT_SIGNER,
  };
}

export function verifyCommitment(sm2: Sm2Service, content: unknown, signature: string): boolean {
  return sm2.verify(sm2.publicKeyHex(COMMITMENT_SIGNER), canonicalJson(content), signature);
}
