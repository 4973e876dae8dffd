import type { Knex } from 'knex';

/**
 * Candidates' confirmations of an exam's 报考指南 (M10): who confirmed which version (content hash)
 * of which exam's guide, and when. Applying requires one. Back: drop the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('guide_confirmations', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('exam_id').notNullable().references('exams.id').onDelete('CASCADE');
    t.string('guide_version', 64).notNullable();
    t.timestamp('confirmed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'exam_id', 'guide_version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('guide_confirmations');
}
