import type { Db } from './db/knex';
import { migrateLatest } from './db/knex';
import { seedAccessControl, seedDemoAccounts } from './auth/seed';
import { protectExistingRows } from './security/protect-existing';
import type { SecurityServices } from './security/security-services';
import { seedDemoExam } from './modules/exams/demo-exam';

/** Brings the application database up to date: migrations, default roles, and demo data if asked. */
export async function prepareDatabase(db: Db, security: SecurityServices, opts: { demoData: boolean }): Promise<void> {
  await migrateLatest(db);
  await protectExistingRows(db, security);
  await seedAccessControl(db, security);
  if (opts.demoData) {
    await seedDemoAccounts(db, security);
    await seedDemoExam(db);
  }
}

/** `postgres://user:pass@host:port/db` as the JDBC URL and credentials the engine needs. */
export function jdbcFromUrl(url: string): { jdbcUrl: string; user: string; password: string } {
  const u = new URL(url);
  const port = u.port || '5432';
  return {
    jdbcUrl: `jdbc:postgresql://${u.hostname}:${port}${u.pathname}${u.search}`,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}
