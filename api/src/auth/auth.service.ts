import type { CurrentUser, LoginRequest, RoleCode } from '../contracts/auth';
import { DomainError } from '../http/errors';
import { roleBureau } from './role-catalogue';
import { verifyPassword } from './password';
import type { UserRepository } from './user.repository';

const messages = {
  badCredentials: '用户名或密码错误',
  locked: '登录失败次数过多，账号已临时锁定，请15分钟后再试',
  disabled: '账号已停用，请联系系统管理员',
};
const LOCK_AFTER_FAILURES = 5;
const LOCK_MINUTES = 15;

export class AuthService {
  constructor(
    private readonly users: UserRepository,
    /** Told when role or permission rows of a user fail their seal (they then grant nothing). */
    private readonly onTamperedAccessControl: (username: string, rows: number) => void = () => {},
  ) {}

  /** Password sign-in; repeated failures lock the account for a while (等保: 登录失败处理). */
  async login(input: LoginRequest): Promise<CurrentUser> {
    const user = await this.users.findByUsername(input.username);
    if (!user || !user.password_hash) throw new DomainError(401, 'BAD_CREDENTIALS', messages.badCredentials);
    if (user.locked_until && user.locked_until > new Date()) throw new DomainError(423, 'ACCOUNT_LOCKED', messages.locked);
    if (!user.enabled) throw new DomainError(403, 'ACCOUNT_DISABLED', messages.disabled);
    if (!(await verifyPassword(input.password, user.password_hash))) {
      await this.users.recordFailedLogin(user.id, LOCK_AFTER_FAILURES, LOCK_MINUTES);
      throw new DomainError(401, 'BAD_CREDENTIALS', messages.badCredentials);
    }
    await this.users.recordSuccessfulLogin(user.id);
    return (await this.currentUser(user.id))!;
  }

  /** The user as the API and console see it; null when the account is gone or disabled. */
  async currentUser(userId: number): Promise<CurrentUser | null> {
    // Both are read on every API call: in parallel, one round trip instead of two.
    const [user, { roles, permissions, tampered }] = await Promise.all([this.users.findById(userId), this.users.rolesAndPermissions(userId)]);
    if (!user || !user.enabled) return null;
    if (tampered > 0) this.onTamperedAccessControl(user.username, tampered);
    const bureau = roles.map((r: RoleCode) => roleBureau[r]).find((b) => b !== undefined) ?? null;
    return { id: user.id, username: user.username, displayName: user.display_name, roles, permissions, bureau };
  }
}
