import type { Db } from '../db/knex';
import type { RoleCode } from '../contracts/auth';
import { catalogueGrants, roleCatalogue, roleBureau } from './role-catalogue';
import { hashPassword } from './password';
import { UserRepository } from './user.repository';
import type { SecurityServices } from '../security/security-services';
import { rolePermissionSeal } from '../security/security-specs';

/**
 * Writes the default roles and their permissions where they are missing, and grants permissions added
 * to the catalogue since (`catalogueGrants`, once each); existing assignments are left as administered.
 */
export async function seedAccessControl(db: Db, security: SecurityServices): Promise<void> {
  await db.transaction(async (trx) => {
    for (const [code, role] of Object.entries(roleCatalogue)) {
      const inserted = await trx('roles').insert({ code, name: role.name }).onConflict('code').ignore().returning('code');
      if (inserted.length) {
        await trx('role_permissions').insert(
          role.permissions.map((permission_code) => ({
            role_code: code,
            permission_code,
            row_mac: security.seal.seal('role_permissions', rolePermissionSeal.fields({ role_code: code, permission_code })),
          })),
        );
      }
    }
    for (const grant of catalogueGrants) {
      const first = await trx('security_upgrades').insert({ name: grant.name, done_at: trx.fn.now() }).onConflict('name').ignore().returning('name');
      if (!first.length) continue;
      await trx('role_permissions')
        .insert(
          grant.permissions.map((permission_code) => ({
            role_code: grant.role,
            permission_code,
            row_mac: security.seal.seal('role_permissions', rolePermissionSeal.fields({ role_code: grant.role, permission_code })),
          })),
        )
        .onConflict(['role_code', 'permission_code'])
        .ignore();
    }
  });
}

export const DEMO_PASSWORD = 'Demo@2026';

/** Demo accounts for a local installation (DEMO_DATA=true); production creates real accounts instead. */
export const demoAccounts: Array<{ username: string; displayName: string; kind: 'staff' | 'candidate'; role: RoleCode }> = [
  { username: 'candidate1', displayName: '张三', kind: 'candidate', role: 'candidate' },
  { username: 'candidate2', displayName: '李四', kind: 'candidate', role: 'candidate' },
  { username: 'reviewer1', displayName: '王审核', kind: 'staff', role: 'exam-reviewer' },
  { username: 'reviewer2', displayName: '赵审核', kind: 'staff', role: 'exam-reviewer' },
  { username: 'examadmin', displayName: '钱考务', kind: 'staff', role: 'exam-admin' },
  { username: 'approver-yjj', displayName: '孙审批（应急局）', kind: 'staff', role: 'approver-yjj' },
  { username: 'approver-zjw', displayName: '周审批（住建委）', kind: 'staff', role: 'approver-zjw' },
  { username: 'approver-jtw', displayName: '吴审批（交通委）', kind: 'staff', role: 'approver-jtw' },
  { username: 'designer', displayName: '郑设计', kind: 'staff', role: 'process-designer' },
  { username: 'sysadmin', displayName: '冯管理', kind: 'staff', role: 'system-admin' },
];

export async function seedDemoAccounts(db: Db, security: SecurityServices): Promise<void> {
  const users = new UserRepository(db, security);
  const existing = new Set((await db('users').whereIn('username', demoAccounts.map((a) => a.username)).pluck('username')) as string[]);
  for (const account of demoAccounts.filter((a) => !existing.has(a.username))) {
    await users.upsertUser(
      { username: account.username, displayName: account.displayName, kind: account.kind, passwordHash: await hashPassword(DEMO_PASSWORD), bureau: roleBureau[account.role] ?? null },
      [account.role],
    );
  }
}
