import type { Db } from '../db/knex';
import { loginSecret } from '../contracts/auth';
import { DomainError } from '../http/errors';
import type { Sm2Service } from '../security/sm2';
import { LoginNonceRepository } from './login-nonce.repository';

const TRANSPORT_KEY = 'transport';
/** How far the browser's clock may be from ours, and how long a nonce is remembered. */
const WINDOW_MS = 5 * 60_000;
const unreadable = () => new DomainError(400, 'LOGIN_CIPHER', '登录信息无法解密或已过期，请刷新页面后重试', [{ field: 'password', message: '请重新输入密码' }]);

/** Opens SM2-encrypted sign-in secrets; each ciphertext works once, within a few minutes. */
export class LoginCipher {
  private readonly nonces: LoginNonceRepository;

  constructor(
    db: Db,
    private readonly sm2: Sm2Service,
  ) {
    this.nonces = new LoginNonceRepository(db);
  }

  async open(passwordCipher: string, now = Date.now()): Promise<string> {
    let plain: string;
    try {
      plain = this.sm2.decryptFromBrowser(TRANSPORT_KEY, passwordCipher);
    } catch {
      throw unreadable();
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(plain);
    } catch {
      throw unreadable();
    }
    const secret = loginSecret.safeParse(parsed);
    if (!secret.success || Math.abs(now - secret.data.timestamp) > WINDOW_MS) throw unreadable();
    if (!(await this.nonces.remember(secret.data.nonce, new Date(now + 2 * WINDOW_MS)))) throw unreadable(); // replayed
    if (Math.random() < 0.01) await this.nonces.pruneExpired(new Date(now));
    return secret.data.password;
  }
}
