import type { Knex } from 'knex';

/**
 * Role inboxes and task actions (U5, U6). `inbox_filters`: saved inbox queries per user.
 * `task_cc`: 抄送 of a task to a colleague. `task_urges`: 催办 of an open task. `task_cosigners`:
 * 加签 — extra sign-offs a task needs before it can be completed. `task_handled`: who completed
 * which task through the API (我经办的案件 and 撤回). Back: drop the five tables.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('inbox_filters', (t) => {
    t.bigIncrements('id');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('name', 50).notNullable();
    t.jsonb('query').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'name']);
  });
  await knex.schema.createTable('task_cc', (t) => {
    t.bigIncrements('id');
    t.string('task_id', 64).notNullable();
    t.string('process_instance_id', 64).notNullable();
    t.string('recipient', 100).notNullable();
    t.string('sent_by', 100).notNullable();
    t.string('note', 200).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['task_id', 'recipient']);
    t.index(['recipient', 'created_at']);
  });
  await knex.schema.createTable('task_urges', (t) => {
    t.bigIncrements('id');
    t.string('task_id', 64).notNullable().index();
    t.string('process_instance_id', 64).notNullable();
    t.string('urged_by', 100).notNullable();
    /** Who was told: the assignee, or the candidate group of an unclaimed task. */
    t.string('notified', 200).notNullable();
    t.string('note', 200).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('task_cosigners', (t) => {
    t.bigIncrements('id');
    t.string('task_id', 64).notNullable();
    t.string('process_instance_id', 64).notNullable();
    t.string('username', 100).notNullable();
    t.string('added_by', 100).notNullable();
    t.string('comment', 500).nullable();
    t.timestamp('approved_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['task_id', 'username']);
  });
  await knex.schema.createTable('task_handled', (t) => {
    t.bigIncrements('id');
    t.string('task_id', 64).notNullable().unique();
    t.string('process_instance_id', 64).notNullable();
    t.string('task_definition_key', 100).notNullable();
    t.string('username', 100).notNullable();
    t.string('outcome', 50).notNullable();
    t.timestamp('handled_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('withdrawn_at', { useTz: true }).nullable();
    t.index(['username', 'handled_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['task_handled', 'task_cosigners', 'task_urges', 'task_cc', 'inbox_filters']) await knex.schema.dropTableIfExists(table);
}
