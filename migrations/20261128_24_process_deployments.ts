import type { Knex } from 'knex';

/**
 * Process designer (U1). `process_deployments`: who deployed which version of a process from the
 * console, when, why, and which older version a rollback redeployed (the engine keeps no user).
 * `process_drafts`: one saved draft per designer per process key, overwritten on each save.
 * Back: drop both tables.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('process_deployments', (t) => {
    t.bigIncrements('id');
    t.string('process_key', 100).notNullable();
    t.integer('version').notNullable();
    t.string('process_definition_id', 200).notNullable().unique();
    t.string('deployment_id', 100).notNullable();
    t.string('deployed_by', 100).notNullable();
    t.string('comment', 500).notNullable();
    t.integer('rolled_back_from').nullable();
    t.timestamp('deployed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['process_key', 'version']);
  });
  await knex.schema.createTable('process_drafts', (t) => {
    t.bigIncrements('id');
    t.string('process_key', 100).notNullable();
    t.string('saved_by', 100).notNullable();
    t.text('xml').notNullable();
    t.timestamp('saved_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['process_key', 'saved_by']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('process_drafts');
  await knex.schema.dropTableIfExists('process_deployments');
}
