import type { Knex } from 'knex';

/**
 * Exam set-up (M17-M22): the whole schedule of an exam (payment deadline, ticket printing window,
 * sessions), its subjects with question types and fees, its levels (考全科/考增项/考单科) bound to majors
 * and subjects, and when it was published. Composite foreign keys keep every binding inside one exam:
 * a subject's or level's major must be one of the exam's majors, a session's subject one of its subjects.
 * Existing exams get a provisional schedule after their registration window (payment +7 days, tickets
 * +14 to +30 days) so the new columns can be required; an admin corrects it in the console.
 * Back: drops the new tables and columns.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('exams', (t) => {
    t.timestamp('payment_deadline', { useTz: true });
    t.timestamp('ticket_print_start', { useTz: true });
    t.timestamp('ticket_print_end', { useTz: true });
    t.timestamp('published_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`update exams set payment_deadline = registration_end + interval '7 days',
    ticket_print_start = registration_end + interval '14 days', ticket_print_end = registration_end + interval '30 days',
    published_at = case when status = 'published' then created_at end`);
  await knex.schema.alterTable('exams', (t) => {
    t.dropNullable('payment_deadline');
    t.dropNullable('ticket_print_start');
    t.dropNullable('ticket_print_end');
  });
  await knex.raw('alter table exams add constraint exams_payment_after_registration check (payment_deadline >= registration_end)');
  await knex.raw('alter table exams add constraint exams_ticket_after_payment check (ticket_print_start > payment_deadline)');
  await knex.raw('alter table exams add constraint exams_ticket_window_order check (ticket_print_start < ticket_print_end)');

  await knex.schema.alterTable('majors', (t) => {
    t.unique(['name']);
  });

  await knex.schema.createTable('exam_subjects', (t) => {
    t.increments('id');
    t.integer('exam_id').notNullable().references('exams.id').onDelete('CASCADE');
    t.string('code', 32).notNullable();
    t.string('name', 64).notNullable();
    t.string('short_name', 32).notNullable();
    // null: 公共科目 (sat by every major); otherwise the major the subject belongs to.
    t.string('major_code', 32);
    t.integer('fee_fen').notNullable().defaultTo(7000);
    t.jsonb('question_types').notNullable().defaultTo('[]');
    t.unique(['exam_id', 'code']);
    t.unique(['exam_id', 'id']);
    t.foreign(['exam_id', 'major_code']).references(['exam_id', 'major_code']).inTable('exam_majors');
  });
  await knex.raw('alter table exam_subjects add constraint exam_subjects_fee_check check (fee_fen >= 0)');

  await knex.schema.createTable('exam_sessions', (t) => {
    t.increments('id');
    t.integer('exam_id').notNullable().references('exams.id').onDelete('CASCADE');
    t.integer('subject_id').notNullable().unique();
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.foreign(['exam_id', 'subject_id']).references(['exam_id', 'id']).inTable('exam_subjects');
    t.index(['exam_id', 'starts_at']);
  });
  await knex.raw('alter table exam_sessions add constraint exam_sessions_order check (starts_at < ends_at)');

  await knex.schema.createTable('exam_levels', (t) => {
    t.increments('id');
    t.integer('exam_id').notNullable().references('exams.id').onDelete('CASCADE');
    t.string('level_code', 16).notNullable();
    t.string('name', 32).notNullable();
    t.boolean('requires_certificate').notNullable().defaultTo(false);
    t.unique(['exam_id', 'level_code']);
    t.unique(['exam_id', 'id']);
  });
  await knex.raw("alter table exam_levels add constraint exam_levels_code_check check (level_code in ('full', 'additional', 'single'))");

  await knex.schema.createTable('exam_level_majors', (t) => {
    t.integer('exam_id').notNullable();
    t.integer('level_id').notNullable();
    t.string('major_code', 32).notNullable();
    t.primary(['level_id', 'major_code']);
    t.foreign(['exam_id', 'level_id']).references(['exam_id', 'id']).inTable('exam_levels').onDelete('CASCADE');
    t.foreign(['exam_id', 'major_code']).references(['exam_id', 'major_code']).inTable('exam_majors');
  });
  await knex.schema.createTable('exam_level_subjects', (t) => {
    t.integer('exam_id').notNullable();
    t.integer('level_id').notNullable();
    t.integer('subject_id').notNullable();
    t.primary(['level_id', 'subject_id']);
    t.foreign(['exam_id', 'level_id']).references(['exam_id', 'id']).inTable('exam_levels').onDelete('CASCADE');
    t.foreign(['exam_id', 'subject_id']).references(['exam_id', 'id']).inTable('exam_subjects');
    t.index(['subject_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('exam_level_subjects');
  await knex.schema.dropTable('exam_level_majors');
  await knex.schema.dropTable('exam_levels');
  await knex.schema.dropTable('exam_sessions');
  await knex.schema.dropTable('exam_subjects');
  await knex.schema.alterTable('majors', (t) => {
    t.dropUnique(['name']);
  });
  await knex.raw('alter table exams drop constraint exams_ticket_window_order');
  await knex.raw('alter table exams drop constraint exams_ticket_after_payment');
  await knex.raw('alter table exams drop constraint exams_payment_after_registration');
  await knex.schema.alterTable('exams', (t) => {
    t.dropColumn('updated_at');
    t.dropColumn('published_at');
    t.dropColumn('ticket_print_end');
    t.dropColumn('ticket_print_start');
    t.dropColumn('payment_deadline');
  });
}
