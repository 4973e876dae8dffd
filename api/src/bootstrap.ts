import type { Db } from './db/knex';
import { migrateLatest } from './db/knex';
import { seedAccessControl, seedDemoAccounts } from './auth/seed';
import { ExamRepository } from './modules/exams/exam.repository';
import { seedDemoExam } from './modules/exams/demo-exam';

/** Brings the application database up to date: migrations, default roles, and demo data if asked. */
export async function prepareDatabase(db: Db, opts: { demoData: boolean }): Promise<void> {
  await migrateLatest(db);
  await seedAccessControl(db);
  if (opts.demoData) {
    await seedDemoAccounts(db);
    await seedDemoExam(db, new ExamRepository(db));
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
