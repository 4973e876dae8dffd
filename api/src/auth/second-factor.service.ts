import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/knex';
import type { MfaChallenge, MfaSettings, MfaSettingsRequest } from '../contracts/auth';
import { DomainError } from '../http/errors';
import type { SmsGateway } from '../integrations/sms/sms-gateway';
import type { SecurityServices } from '../security/security-services';
import { maskPhone } from '../security/masking';
import { deliverStoredCode } from './one-time-code-delivery';
import { OneTimeCodeRepository } from './one-time-code.repository';
import { UserRepository } from './user.repository';
import { checkOneTimeCode, hashesEqual, newOneTimeCode, oneTimeCodeHash, oneTimeCodeRules, resendWaitSeconds } from './one-time-code';

/** The rules of the SMS second factor (issue 3). */
export const secondFactorRules = { ...oneTimeCodeRules, templateCode: 'LOGIN_CODE' } as const;

const refusal = (status: number, code: string, message: string, field: 'code' | 'challengeId') => new DomainError(status, code, message, [{ field, message }]);

const errors = {
  unknown: () => refusal(400, 'MFA_CHALLENGE_INVALID', '登录验证已失效，请重新登录', 'challengeId'),
  used: () => refusal(400, 'MFA_CODE_USED', '验证码已使用，请重新登录', 'code'),
  superseded: () => refusal(400, 'MFA_CODE_SUPERSEDED', '验证码已失效，请输入最新收到的验证码', 'code'),
  expired: () => refusal(400, 'MFA_CODE_EXPIRED', '验证码已过期，请重新登录获取新的验证码', 'code'),
  wrong: (left: number) => refusal(400, 'MFA_CODE_WRONG', `验证码错误，还可尝试${left}次`, 'code'),
  dead: () => refusal(423, 'MFA_CHALLENGE_LOCKED', '验证码错误次数过多，本次登录已失效，请重新登录', 'code'),
  tooFrequent: (seconds: number) => refusal(429, 'MFA_CODE_TOO_FREQUENT', `验证码发送过于频繁，请${seconds}秒后再试`, 'code'),
  smsUnavailable: () => new DomainError(503, 'SMS_UNAVAILABLE', '短信服务暂不可用，请稍后再试或联系系统管理员'),
  sendFailed: () => new DomainError(503, 'SMS_SEND_FAILED', '短信验证码发送失败，请稍后重新登录'),
};

/**
 * SMS second factor: after the password, a 6-digit code to the user's phone. The code exists in
 * clear only in the SMS; the database holds HMAC-SM3(index key, code + challenge id).
 */
export class SecondFactorService {
  private readonly users: UserRepository;
  private readonly challenges: OneTimeCodeRepository;

  constructor(
    private readonly db: Db,
    private readonly security: SecurityServices,
    private readonly sms: SmsGateway | undefined,
    private readonly log?: Logger,
  ) {
    this.users = new UserRepository(db, security);
    this.challenges = new OneTimeCodeRepository(db, 'login_challenges');
  }

  private codeHash(code: string, challengeId: string): string {
    return oneTimeCodeHash((value) => this.security.index('sms-code', value), code, challengeId);
  }

  /**
   * For a user whose password was just checked: null when the second factor is off; otherwise a new
   * challenge whose code has been sent. Earlier open challenges of the user stop working.
   */
  async challengeFor(userId: number): Promise<MfaChallenge | null> {
    const user = await this.users.mfaSettings(userId);
    if (!user?.mfa_enabled) return null;
    if (!this.sms || !user.mfa_phone) throw errors.smsUnavailable();
    const phone = this.security.cipher.decrypt(user.mfa_phone);
    const id = crypto.randomUUID();
    const code = newOneTimeCode();
    const rules = secondFactorRules;
    await this.db.transaction(async (trx) => {
      // One challenge at a time per user, also across API replicas.
      await this.users.lockForUpdate(trx, userId);
      const wait = resendWaitSeconds(await this.challenges.secondsSinceLast(trx, { user_id: userId }), rules.resendSeconds);
      if (wait > 0) throw errors.tooFrequent(wait);
      await this.challenges.closeOpen(trx, userId, 'superseded');
      await this.challenges.insert(trx, { id, user_id: userId, code_hash: this.codeHash(code, id) }, rules.codeTtlSeconds);
    });
    await deliverStoredCode({ codes: this.challenges, sms: this.sms, id, phone, templateCode: rules.templateCode, code, log: this.log, logContext: { userId, purpose: 'sign-in' }, failure: errors.sendFailed });
    return { mfaRequired: true, challengeId: id, phoneMasked: maskPhone(phone), expiresInSeconds: rules.codeTtlSeconds, resendAfterSeconds: rules.resendSeconds };
  }

  /** Checks a code; returns the user it signs in. Every wrong try counts, even when refused. */
  async verify(challengeId: string, code: string): Promise<number> {
    const outcome = await this.db.transaction(async (trx): Promise<{ userId: number } | { error: DomainError }> => {
      const row = await this.challenges.lockedById(trx, challengeId);
      if (!row) return { error: errors.unknown() };
      if (row.consumed_at) return { error: row.closed_reason === 'verified' ? errors.used() : row.closed_reason === 'superseded' ? errors.superseded() : errors.unknown() };
      const check = checkOneTimeCode(row, hashesEqual(this.codeHash(code, challengeId), row.code_hash), secondFactorRules.maxAttempts);
      if (check.outcome !== 'ok' && 'attempts' in check && check.attempts !== undefined) {
        await this.challenges.setAttempts(trx, challengeId, check.attempts);
      }
      if (check.outcome === 'locked') return { error: errors.dead() };
      if (check.outcome === 'expired') return { error: errors.expired() };
      if (check.outcome === 'wrong') return { error: errors.wrong(check.left) };
      await this.challenges.close(trx, challengeId, 'verified');
      return { userId: row.user_id };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.userId;
  }

  async settings(userId: number): Promise<MfaSettings> {
    const user = await this.users.mfaSettings(userId);
    return { enabled: user?.mfa_enabled ?? false, phoneMasked: user?.mfa_phone ? maskPhone(this.security.cipher.decrypt(user.mfa_phone)) : null };
  }

  /** Turns the second factor on with a phone (stored SM4-encrypted) or off (phone forgotten, open codes closed). */
  async configure(userId: number, request: MfaSettingsRequest): Promise<MfaSettings> {
    if (request.enabled && request.phone) {
      await this.users.enableMfa(userId, this.security.cipher.encrypt(request.phone));
    } else {
      await this.db.transaction(async (trx) => {
        await this.users.disableMfa(trx, userId);
        await this.challenges.closeOpen(trx, userId, 'disabled');
      });
    }
    return this.settings(userId);
  }
}
