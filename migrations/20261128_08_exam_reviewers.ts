import type { Knex } from 'knex';

/** Which reviewers work on which exam: their data scope (资格审核 only for assigned exams). Back: drop the table. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('exam_reviewers', (t) => {
    t.integer('exam_id').notNullable().references('exams.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('assigned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['exam_id', 'user_id']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('exam_reviewers');
}
