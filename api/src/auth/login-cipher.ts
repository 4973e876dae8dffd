import type { Db } from '../db/knex';
import { loginSecret } from '../contracts/auth';
import { DomainError } from '../http/errors';
import type { Sm2Service } from '../security/sm2';

const TRANSPORT_KEY = 'transport';
/** How far the browser's clock may be from ours, and how long a nonce is remembered. */
const WINDOW_MS = 5 * 60_000;
const unreadable = () => new DomainError(400, 'LOGIN_CIPHER', '登录信息无法解密或已过期，请刷新页面后重试', [{ field: 'password', message: '请重新输入密码' }]);

/** Opens SM2-encrypted sign-in secrets; each ciphertext works once, within a few minutes. */
export class LoginCipher {
  constructor(
    private readonly db: Db,
    private readonly sm2: Sm2Service,
  ) {}

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
    const inserted = await this.db('login_nonces')
      .insert({ nonce: secret.data.nonce, expires_at: new Date(now + 2 * WINDOW_MS) })
      .onConflict('nonce')
      .ignore()
      .returning('nonce');
    if (inserted.length === 0) throw unreadable(); // replayed
    if (Math.random() < 0.01) await this.db('login_nonces').where('expires_at', '<', new Date(now)).delete();
    return secret.data.password;
  }
}
