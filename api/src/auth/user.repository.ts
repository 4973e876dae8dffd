import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import type { PermissionCode, RoleCode } from '../contracts/auth';
import type { SecurityServices } from '../security/security-services';
import { rolePermissionSeal, userRoleSeal } from '../security/security-specs';

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  kind: 'staff' | 'candidate';
  password_hash: string | null;
  bureau: string | null;
  enabled: boolean;
  failed_logins: number;
  locked_until: Date | null;
  /** SM4 ciphertext of the phone that receives sign-in codes. */
  mfa_phone: string | null;
  mfa_enabled: boolean;
}

export interface BoundPhoneRow {
  bound_phone: string | null;
  bound_phone_idx: string | null;
  phone_bound_at: Date | null;
}

/** The identity 一网通办 vouched for (ID number and phone as SM4 ciphertext) and the phone bound by SMS. */
export interface UserIdentityRow {
  display_name: string;
  id_number: string | null;
  phone: string | null;
  bound_phone: string | null;
  ywtb_sub: string | null;
}

/** What a 一网通办 sign-in writes: the name, the ID number (SM4 ciphertext and blind index), the phone (SM4 ciphertext). */
export interface PlatformIdentity {
  display_name: string;
  id_number: string;
  id_number_idx: string;
  phone: string | null;
}

/** Users and their roles; role assignments are access-control data and carry SM3-HMAC seals. */
export class UserRepository {
  constructor(
    private readonly db: Db,
    private readonly security: SecurityServices,
  ) {}

  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db<UserRow>('users').where({ username }).first();
  }

  findById(id: number): Promise<UserRow | undefined> {
    return this.db<UserRow>('users').where({ id }).first();
  }

  /**
   * Roles and the union of their permissions, in one query. A role or permission row whose seal
   * fails grants nothing (fail closed); `tampered` counts them for the audit log.
   */
  async rolesAndPermissions(userId: number): Promise<{ roles: RoleCode[]; permissions: PermissionCode[]; tampered: number }> {
    const rows: Array<{ user_id: number; role_code: RoleCode; ur_mac: string | null; permission_code: PermissionCode | null; rp_mac: string | null }> = await this.db('user_roles as ur')
      .leftJoin('role_permissions as rp', 'rp.role_code', 'ur.role_code')
      .where('ur.user_id', userId)
      .select('ur.user_id', 'ur.role_code', 'ur.row_mac as ur_mac', 'rp.permission_code', 'rp.row_mac as rp_mac');
    const { seal } = this.security;
    const tampered = new Set<string>();
    const roles = new Set<RoleCode>();
    const permissions = new Set<PermissionCode>();
    for (const r of rows) {
      if (!seal.verify('user_roles', userRoleSeal.fields(r), r.ur_mac)) {
        tampered.add(`user_roles:${r.role_code}`);
        continue;
      }
      roles.add(r.role_code);
      if (r.permission_code === null) continue;
      if (seal.verify('role_permissions', rolePermissionSeal.fields(r), r.rp_mac)) permissions.add(r.permission_code);
      else tampered.add(`role_permissions:${r.role_code}:${r.permission_code}`);
    }
    return { roles: [...roles].sort(), permissions: [...permissions].sort(), tampered: tampered.size };
  }

  async recordFailedLogin(id: number, lockAfter: number, lockMinutes: number): Promise<void> {
    await this.db('users')
      .where({ id })
      .update({
        failed_logins: this.db.raw('failed_logins + 1'),
        locked_until: this.db.raw(
          `case when failed_logins + 1 >= ? then now() + make_interval(mins => ?) else locked_until end`,
          [lockAfter, lockMinutes],
        ),
      });
  }

  async recordSuccessfulLogin(id: number): Promise<void> {
    await this.db('users').where({ id }).update({ failed_logins: 0, locked_until: null });
  }

  async upsertUser(user: { username: string; displayName: string; kind: UserRow['kind']; passwordHash: string | null; bureau: string | null }, roles: RoleCode[]): Promise<number> {
    return this.db.transaction(async (trx) => {
      const [row] = await trx('users')
        .insert({ username: user.username, display_name: user.displayName, kind: user.kind, password_hash: user.passwordHash, bureau: user.bureau })
        .onConflict('username')
        .merge(['display_name', 'bureau'])
        .returning<Array<{ id: number }>>('id');
      const id = row!.id;
      if (roles.length) {
        await trx('user_roles')
          .insert(roles.map((role_code) => ({ user_id: id, role_code, row_mac: this.security.seal.seal('user_roles', userRoleSeal.fields({ user_id: id, role_code })) })))
          .onConflict(['user_id', 'role_code'])
          .ignore();
      }
      return id;
    });
  }

  /** Locks the user's row until the transaction ends: one SMS code at a time per user, also across API replicas. */
  async lockForUpdate(trx: Knex.Transaction, id: number): Promise<void> {
    await trx('users').where({ id }).forUpdate().first('id');
  }

  /** The SMS second factor: on or off, and the phone (SM4 ciphertext) that receives the codes. */
  mfaSettings(id: number): Promise<Pick<UserRow, 'mfa_enabled' | 'mfa_phone'> | undefined> {
    return this.db('users').where({ id }).first<Pick<UserRow, 'mfa_enabled' | 'mfa_phone'> | undefined>('mfa_enabled', 'mfa_phone');
  }

  async enableMfa(id: number, phoneCiphertext: string): Promise<void> {
    await this.db('users').where({ id }).update({ mfa_enabled: true, mfa_phone: phoneCiphertext });
  }

  async disableMfa(trx: Knex.Transaction, id: number): Promise<void> {
    await trx('users').where({ id }).update({ mfa_enabled: false, mfa_phone: null });
  }

  /** The phone a candidate verified by SMS (M08): SM4 ciphertext, blind index, when. */
  boundPhone(id: number): Promise<BoundPhoneRow | undefined> {
    return this.db('users').where({ id }).first<BoundPhoneRow | undefined>('bound_phone', 'bound_phone_idx', 'phone_bound_at');
  }

  async bindPhone(trx: Knex.Transaction, id: number, phoneCiphertext: string, phoneIndex: string): Promise<void> {
    await trx('users').where({ id }).update({ bound_phone: phoneCiphertext, bound_phone_idx: phoneIndex, phone_bound_at: trx.fn.now() });
  }

  /** What 一网通办 confirmed at sign-on and the bound phone (the registration form's prefill). */
  identity(id: number): Promise<UserIdentityRow | undefined> {
    return this.db('users').where({ id }).first<UserIdentityRow | undefined>('display_name', 'id_number', 'phone', 'bound_phone', 'ywtb_sub');
  }

  /** The account of a 一网通办 subject. */
  async idByPlatformSubject(sub: string): Promise<number | undefined> {
    return (await this.db('users').where({ ywtb_sub: sub }).first<{ id: number } | undefined>('id'))?.id;
  }

  /** Stores the identity of a 一网通办 sign-in; `sub` links the account to the platform's subject the first time. */
  async setPlatformIdentity(id: number, identity: PlatformIdentity, sub?: string): Promise<void> {
    await this.db('users').where({ id }).update(sub === undefined ? identity : { ...identity, ywtb_sub: sub });
  }
}
