import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrations, type Migration } from '../../../migrations/index';
import { createDb, migrateLatest, type Db } from './knex';
import { MIGRATIONS_TABLE, renameRecordedMigrations, renamedMigrations } from './migration-renames';

/** A database of its own: the run's database is already migrated under the current names. */
const DATABASE = 'bpm_app_migration_renames_test';
const env = inject('testEnv');

const adminUrl = (): string => {
  const url = new URL(env.databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
};

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The list as databases ran it before the rename: the same migrations, in the same order, under their old names. */
const oldName = new Map(renamedMigrations.map(([recorded, current]) => [current, recorded]));
const oldList: Array<[string, Migration]> = migrations.map(([name, migration]) => [oldName.get(name) ?? name, migration]);
const sourceOf = (list: Array<[string, Migration]>) => ({
  getMigrations: async () => list,
  getMigrationName: ([name]: [string, Migration]) => name,
  getMigration: async ([, migration]: [string, Migration]) => migration,
});

const recordedNames = async (db: Db): Promise<string[]> => (await db(MIGRATIONS_TABLE).orderBy('id').select('name')).map((r: { name: string }) => r.name);

describe('databases migrated under the old migration names', () => {
  let db: Db;

  beforeAll(async () => {
    await admin(`drop database if exists ${DATABASE} with (force)`);
    await admin(`create database ${DATABASE}`);
    const url = new URL(env.databaseUrl);
    url.pathname = `/${DATABASE}`;
    db = createDb(url.toString(), 2);
  });

  afterAll(async () => {
    await db?.destroy();
    await admin(`drop database if exists ${DATABASE} with (force)`);
  });

  async function freshSchema(): Promise<void> {
    await db.raw('drop schema public cascade');
    await db.raw('create schema public');
  }

  it('a fully migrated database runs nothing again; its recorded names become the current ones, in the same order', async () => {
    await freshSchema();
    await db.migrate.latest({ migrationSource: sourceOf(oldList) });
    const before = await db(MIGRATIONS_TABLE).orderBy('id').select('id', 'name', 'migration_time');
    expect(before.map((r: { name: string }) => r.name)).toEqual(oldList.map(([name]) => name));

    expect(await migrateLatest(db)).toEqual([]);

    const after = await db(MIGRATIONS_TABLE).orderBy('id').select('id', 'name', 'migration_time');
    expect(after.map((r: { name: string }) => r.name)).toEqual(migrations.map(([name]) => name));
    expect(after.map((r: { id: number }) => r.id)).toEqual(before.map((r: { id: number }) => r.id));
    expect(after.map((r: { migration_time: Date }) => r.migration_time)).toEqual(before.map((r: { migration_time: Date }) => r.migration_time));
    // a second start finds nothing to rename and nothing to run
    expect(await renameRecordedMigrations(db)).toBe(0);
    expect(await migrateLatest(db)).toEqual([]);
  });

  it('a database stopped part-way under the old names runs only the migrations it had not run', async () => {
    await freshSchema();
    const done = oldList.findIndex(([name]) => name === '20261128_22_payments') + 1;
    await db.migrate.latest({ migrationSource: sourceOf(oldList.slice(0, done)) });
    expect((await recordedNames(db)).at(-1)).toBe('20261128_22_payments');

    expect(await migrateLatest(db)).toEqual(migrations.slice(done).map(([name]) => name));
    expect(await recordedNames(db)).toEqual(migrations.map(([name]) => name));
  });

  it('a new database runs every migration under the current names', async () => {
    await freshSchema();
    expect(await renameRecordedMigrations(db)).toBe(0);
    expect(await migrateLatest(db)).toEqual(migrations.map(([name]) => name));
  });
});
