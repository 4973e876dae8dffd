import type { Knex } from 'knex';

/** Each worker process reports that it is alive, so the health endpoint can tell. Back: drop the table. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('worker_heartbeats', (t) => {
    t.string('worker_id', 128).primary();
    t.specificType('topics', 'text[]').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('last_seen', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('worker_heartbeats');
}
