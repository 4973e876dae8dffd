import type { Knex } from 'knex';

/**
 * Request counters of the rate limiter (api/src/http/rate-limit.ts), shared by every API replica:
 * one row per limiter key and fixed window. Keys are keyed hashes, never IP addresses or phone
 * numbers in clear. Rows of past windows are pruned by the API itself.
 * Back: drop the table (counters are transient; nothing is lost but the current windows).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limits', (t) => {
    t.text('key').notNullable();
    t.timestamp('window_start', { useTz: true }).notNullable();
    t.integer('count').notNullable();
    t.primary(['key', 'window_start']);
    // Pruning deletes by age across all keys.
    t.index(['window_start']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
}
