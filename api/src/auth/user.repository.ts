import type { Db } from '../db/knex';
import type { PermissionCode, RoleCode } from '../contracts/auth';

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
}

export class UserRepository {
  constructor(private readonly db: Db) {}

  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db<UserRow>('users').where({ username }).first();
  }

  findById(id: number): Promise<UserRow | undefined> {
    return this.db<UserRow>('users').where({ id }).first();
  }

  /** Roles and the union of their permissions, in one query. */
  async rolesAndPermissions(userId: number): Promise<{ roles: RoleCode[]; permissions: PermissionCode[] }> {
    const rows: Array<{ role_code: RoleCode; permission_code: PermissionCode | null }> = await this.db('user_roles as ur')
      .leftJoin('role_permissions as rp', 'rp.role_code', 'ur.role_code')
      .where('ur.user_id', userId)
      .select('ur.role_code', 'rp.permission_code');
    const roles = [...new Set(rows.map((r) => r.role_code))].sort();
    const permissions = [...new Set(rows.flatMap((r) => (r.permission_code ? [r.permission_code] : [])))].sort();
    return { roles, permissions };
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
          .insert(roles.map((role_code) => ({ user_id: id, role_code })))
          .onConflict(['user_id', 'role_code'])
          .ignore();
      }
      return id;
    });
  }
}
