import { describe, expect, it } from 'vitest';
import { checkOneTimeCode, hashesEqual, newOneTimeCode, oneTimeCodeHash, oneTimeCodeRules, resendWaitSeconds } from './one-time-code';

describe('M08 one-time SMS codes (shared by the second factor and phone binding)', () => {
  it('M08 rules: 6 digits, 5 minutes, 5 tries, 60 s between codes', () => {
    expect(oneTimeCodeRules).toEqual({ codeTtlSeconds: 300, maxAttempts: 5, resendSeconds: 60 });
    for (let i = 0; i < 200; i++) expect(newOneTimeCode()).toMatch(/^\d{6}$/);
  });

  it('M08 the hash covers code and challenge id; comparison needs equal hashes', () => {
    const index = (value: string) => Buffer.from(value).toString('hex');
    expect(oneTimeCodeHash(index, '123456', 'abc')).toBe(index('123456abc'));
    expect(hashesEqual('abcd', 'abcd')).toBe(true);
    expect(hashesEqual('abcd', 'abce')).toBe(false);
    expect(hashesEqual('abcd', 'abcdef')).toBe(false);
  });

  it('M08 resend wait: none without a previous code or after 60 s, else the seconds left (at least 1)', () => {
    expect(resendWaitSeconds(undefined)).toBe(0);
    expect(resendWaitSeconds(60)).toBe(0);
    expect(resendWaitSeconds(0)).toBe(60);
    expect(resendWaitSeconds(59.5)).toBe(1);
    expect(resendWaitSeconds(10.2)).toBe(50);
  });

  it('M08 tries: wrong counts down, the fifth wrong locks, locked beats expired beats right', () => {
    expect(checkOneTimeCode({ attempts: 0, expired: false }, true)).toEqual({ outcome: 'ok' });
    expect(checkOneTimeCode({ attempts: 0, expired: false }, false)).toEqual({ outcome: 'wrong', attempts: 1, left: 4 });
    expect(checkOneTimeCode({ attempts: 3, expired: false }, false)).toEqual({ outcome: 'wrong', attempts: 4, left: 1 });
    expect(checkOneTimeCode({ attempts: 4, expired: false }, false)).toEqual({ outcome: 'locked', attempts: 5 });
    expect(checkOneTimeCode({ attempts: 5, expired: false }, true)).toEqual({ outcome: 'locked' });
    expect(checkOneTimeCode({ attempts: 5, expired: true }, true)).toEqual({ outcome: 'locked' });
    expect(checkOneTimeCode({ attempts: 1, expired: true }, true)).toEqual({ outcome: 'expired' });
    expect(checkOneTimeCode({ attempts: 1, expired: true }, false)).toEqual({ outcome: 'expired' });
  });
});
