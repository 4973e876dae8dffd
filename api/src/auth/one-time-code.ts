import crypto from 'node:crypto';

/** The rules every SMS one-time code follows (sign-in second factor, phone binding). */
export const oneTimeCodeRules = {
  codeTtlSeconds: 5 * 60,
  maxAttempts: 5,
  /** A new code at most this often (per user; phone binding also per phone). */
  resendSeconds: 60,
} as const;

/** A uniformly random 6-digit code. */
export function newOneTimeCode(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
}

/** What is stored instead of the code: a keyed hash of code + challenge id (`index` is the `sms-code` blind index). */
export function oneTimeCodeHash(index: (value: string) => string, code: string, challengeId: string): string {
  return index(code + challengeId);
}

/** Constant-time comparison of two hex hashes. */
export function hashesEqual(givenHex: string, storedHex: string): boolean {
  const given = Buffer.from(givenHex, 'hex');
  const stored = Buffer.from(storedHex, 'hex');
  return given.length === stored.length && crypto.timingSafeEqual(given, stored);
}

/** Seconds still to wait before another code may be sent, given the age of the last one (0: send now). */
export function resendWaitSeconds(lastAgeSeconds: number | undefined, resendSeconds: number = oneTimeCodeRules.resendSeconds): number {
  if (lastAgeSeconds === undefined || lastAgeSeconds >= resendSeconds) return 0;
  return Math.max(1, Math.ceil(resendSeconds - lastAgeSeconds));
}

/** `attempts`, when present, is the new count of wrong tries to store. */
export type CodeCheck = { outcome: 'ok' } | { outcome: 'expired' } | { outcome: 'locked'; attempts?: number } | { outcome: 'wrong'; attempts: number; left: number };

/**
 * Judges one try at an open (not consumed) code: locked after `maxAttempts` wrong tries (even the
 * right code), then expired, then right or wrong. A wrong try reports the new attempt count to store;
 * the try that uses up the last attempt is reported as `locked`, with the count still to store.
 */
export function checkOneTimeCode(
  state: { attempts: number; expired: boolean },
  matches: boolean,
  maxAttempts: number = oneTimeCodeRules.maxAttempts,
): CodeCheck {
  if (state.attempts >= maxAttempts) return { outcome: 'locked' };
  if (state.expired) return { outcome: 'expired' };
  if (matches) return { outcome: 'ok' };
  const attempts = state.attempts + 1;
  if (attempts >= maxAttempts) return { outcome: 'locked', attempts };
  return { outcome: 'wrong', attempts, left: maxAttempts - attempts };
}
