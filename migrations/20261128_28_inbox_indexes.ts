import type { Knex } from 'knex';

/**
 * Inbox pages (U5) look registrations up by their engine process instance (one query per page of
 * tasks); without an index that query scans every registration (measured by tests/bench/inbox.bench.ts).
 * Back: drop the index.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('registrations', (t) => {
    t.index(['process_instance_id'], 'registrations_process_instance_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('registrations', (t) => {
    t.dropIndex(['process_instance_id'], 'registrations_process_instance_id_index');
  });
}
