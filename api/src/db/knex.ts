import knexFactory, { type Knex } from 'knex';
import { migrationSource } from '../../../migrations/index';

export type Db = Knex;

export function createDb(connectionString: string, poolMax = 10): Db {
  return knexFactory({
    client: 'pg',
    connection: { connectionString, application_name: 'bpm-app' },
    pool: { min: 0, max: poolMax },
  });
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}
