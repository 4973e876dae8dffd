import knexFactory, { type Knex } from 'knex';
import { migrationSource } from '../../../migrations/index';
import { renameRecordedMigrations } from './migration-renames';

export type Db = Knex;

export function createDb(connectionString: string, poolMax = 10): Db {
  return knexFactory({
    client: 'pg',
    connection: { connectionString, application_name: 'bpm-app' },
    pool: { min: 0, max: poolMax },
  });
}

/** Runs the migrations a database has not run yet (after updating names recorded before a rename); returns their names. */
export async function migrateLatest(db: Db): Promise<string[]> {
  await renameRecordedMigrations(db);
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}
