import type { Knex } from 'knex';

/**
 * Task forms designed in the console with form-js (U3). Each save of a form is a new row (version);
 * a user task names a form by `form:<form_key>` and shows its newest version. The schema is form-js
 * JSON as the editor exports it.
 * Back: drop the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('task_forms', (t) => {
    t.bigIncrements('id');
    t.string('form_key', 100).notNullable();
    t.integer('version').notNullable();
    t.string('name', 200).notNullable();
    t.jsonb('schema').notNullable();
    t.string('created_by', 100).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['form_key', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('task_forms');
}
