import type { Knex } from 'knex';

/**
 * Guarded bulk approve and fair automatic assignment (U7): the review settings (sample rate held back
 * from bulk approval, an optional fixed sampling seed), per-exam automatic assignment, each task's
 * sampling draw (kept, so a held-back task cannot be re-drawn by retrying), and the conflicts
 * reviewers declare (回避). Candidate ID numbers are stored only as their blind index.
 * Back: drop the four tables.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('review_settings', (t) => {
    t.smallint('id').primary();
    t.decimal('bulk_sample_rate', 4, 3).notNullable().defaultTo(0.2);
    // Null: draws are random. Set (tests, audits that must be reproducible): draws follow SM3(seed:task).
    t.string('sample_seed', 64);
    t.string('updated_by', 64);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('alter table review_settings add constraint review_settings_single_row check (id = 1)');
  await knex.raw('alter table review_settings add constraint review_settings_rate check (bulk_sample_rate >= 0 and bulk_sample_rate <= 1)');
  await knex('review_settings').insert({ id: 1, bulk_sample_rate: 0.2 });

  await knex.schema.createTable('exam_review_settings', (t) => {
    t.integer('exam_id').primary().references('exams.id').onDelete('CASCADE');
    t.boolean('auto_assign').notNullable().defaultTo(false);
    t.string('updated_by', 64);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('review_sample_draws', (t) => {
    t.string('task_id', 64).primary();
    t.boolean('held_back').notNullable();
    t.decimal('rate', 4, 3).notNullable();
    t.timestamp('drawn_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('reviewer_conflicts', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.enu('kind', ['same-employer', 'relative', 'other']).notNullable();
    t.string('employer', 100);
    t.string('id_number_idx', 128);
    t.string('note', 200);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
  await knex.raw('alter table reviewer_conflicts add constraint reviewer_conflicts_subject check (employer is not null or id_number_idx is not null)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('reviewer_conflicts');
  await knex.schema.dropTable('review_sample_draws');
  await knex.schema.dropTable('exam_review_settings');
  await knex.schema.dropTable('review_settings');
}
