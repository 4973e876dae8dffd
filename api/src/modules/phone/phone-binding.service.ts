import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/knex';
import type { PhoneBinding, PhoneCodeSent } from '../../contracts/phone';
import { DomainError } from '../../http/errors';
import type { SmsGateway } from '../../integrations/sms/sms-gateway';
import type { SecurityServices } from '../../security/security-services';
import { deliverStoredCode } from '../../auth/one-time-code-delivery';
import { checkOneTimeCode, hashesEqual, newOneTimeCode, oneTimeCodeHash, oneTimeCodeRules, resendWaitSeconds } from '../../auth/one-time-code';
import { maskPhone } from '../../security/masking';
import { UserRepository } from '../../auth/user.repository';
import { PhoneBindCodeRepository } from './phone-bind-code.repository';

/** The rules of phone binding (M08): those of every SMS code, with its own template. */
export const phoneBindingRules = { ...oneTimeCodeRules, templateCode: 'PHONE_BIND_CODE' } as const;

/** 429 that also tells the client when to come back (`Retry-After`). */
export class RetryLaterError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    code: string,
    message: string,
    field: string,
  ) {
    super(429, code, message, [{ field, message }]);
  }
}

const refusal = (status: number, code: string, message: string, field: 'code' | 'phone') => new DomainError(status, code, message, [{ field, message }]);

const errors = {
  none: () => refusal(400, 'PHONE_CODE_NONE', '请先获取验证码', 'code'),
  expired: () => refusal(400, 'PHONE_CODE_EXPIRED', '验证码已过期，请重新获取验证码', 'code'),
  wrong: (left: number) => refusal(400, 'PHONE_CODE_WRONG', `验证码错误（还可尝试${left}次）`, 'code'),
  locked: () => refusal(423, 'PHONE_CODE_LOCKED', '尝试次数过多，请重新获取验证码', 'code'),
  tooFrequent: (seconds: number) => new RetryLaterError(seconds, 'PHONE_CODE_TOO_FREQUENT', `验证码发送过于频繁，请${seconds}秒后再试`, 'phone'),
  smsUnavailable: () => new DomainError(503, 'SMS_UNAVAILABLE', '短信服务暂不可用，请稍后再试'),
  sendFailed: () => new DomainError(503, 'SMS_SEND_FAILED', '短信验证码发送失败，请稍后再试'),
};

/**
 * Binds a phone to a candidate's account once the code sent to it comes back. The code exists in
 * clear only in the SMS; the database holds HMAC-SM3(index key, code + code id), the phone as SM4
 * ciphertext and its blind index.
 */
export class PhoneBindingService {
  private readonly users: UserRepository;
  private readonly codes: PhoneBindCodeRepository;

  constructor(
    private readonly db: Db,
    private readonly security: SecurityServices,
    private readonly sms: SmsGateway | undefined,
    private readonly log?: Logger,
  ) {
    this.users = new UserRepository(db, security);
    this.codes = new PhoneBindCodeRepository(db);
  }

  private codeHash(code: string, id: string): string {
    return oneTimeCodeHash((value) => this.security.index('sms-code', value), code, id);
  }

  /**
   * Sends a code to `phone` for the user: at most one per 60 s per user and per phone; `guard` (the
   * SMS rate limits) runs after those checks, before anything is stored or sent. Earlier open codes
   * of the user stop working.
   */
  async sendCode(userId: number, phone: string, guard: () => Promise<void>): Promise<PhoneCodeSent> {
    if (!this.sms) throw errors.smsUnavailable();
    const rules = phoneBindingRules;
    const id = crypto.randomUUID();
    const code = newOneTimeCode();
    const phoneIdx = this.security.index('phone', phone);
    await this.db.transaction(async (trx) => {
      // One code at a time per user, also across API replicas.
      await this.users.lockForUpdate(trx, userId);
      const byUser = await this.codes.secondsSinceLast(trx, { user_id: userId });
      const byPhone = await this.codes.secondsSinceLast(trx, { phone_idx: phoneIdx });
      const wait = Math.max(resendWaitSeconds(byUser, rules.resendSeconds), resendWaitSeconds(byPhone, rules.resendSeconds));
      if (wait > 0) throw errors.tooFrequent(wait);
      await guard();
      await this.codes.closeOpen(trx, userId, 'superseded');
      await this.codes.insert(trx, { id, user_id: userId, phone: this.security.cipher.encrypt(phone), phone_idx: phoneIdx, code_hash: this.codeHash(code, id) }, rules.codeTtlSeconds);
    });
    await deliverStoredCode({ codes: this.codes, sms: this.sms, id, phone, templateCode: rules.templateCode, code, log: this.log, logContext: { userId, purpose: 'phone-binding' }, failure: errors.sendFailed });
    return { expiresInSeconds: rules.codeTtlSeconds, resendAfterSeconds: rules.resendSeconds };
  }

  /** Checks the code of the user's latest open code and binds its phone. Every wrong try counts. */
  async verify(userId: number, code: string): Promise<NonNullable<PhoneBinding>> {
    const outcome = await this.db.transaction(async (trx): Promise<{ ok: true } | { error: DomainError }> => {
      const row = await this.codes.latestOpenLocked(trx, userId);
      if (!row) return { error: errors.none() };
      const check = checkOneTimeCode(row, hashesEqual(this.codeHash(code, row.id), row.code_hash), phoneBindingRules.maxAttempts);
      if (check.outcome !== 'ok' && 'attempts' in check && check.attempts !== undefined) {
        await this.codes.setAttempts(trx, row.id, check.attempts);
      }
      if (check.outcome === 'locked') return { error: errors.locked() };
      if (check.outcome === 'expired') return { error: errors.expired() };
      if (check.outcome === 'wrong') return { error: errors.wrong(check.left) };
      await this.codes.close(trx, row.id, 'verified');
      await this.users.bindPhone(trx, userId, row.phone, row.phone_idx);
      return { ok: true };
    });
    if ('error' in outcome) throw outcome.error;
    const binding = await this.current(userId);
    if (!binding) throw new Error('phone binding vanished after verification');
    return binding;
  }

  async current(userId: number): Promise<PhoneBinding> {
    const user = await this.users.boundPhone(userId);
    if (!user?.bound_phone || !user.phone_bound_at) return null;
    return { phoneMasked: maskPhone(this.security.cipher.decrypt(user.bound_phone)), boundAt: user.phone_bound_at.toISOString() };
  }
}
