import type { Knex } from 'knex';

/** Exams and their majors; the five majors offered in Shanghai are reference data. Back: drop the tables. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('majors', (t) => {
    t.string('code', 32).primary();
    t.string('name', 64).notNullable();
    t.integer('sort_order').notNullable();
  });
  await knex('majors').insert([
    { code: 'chemical', name: '化工安全', sort_order: 1 },
    { code: 'metallurgy', name: '金属冶炼安全', sort_order: 2 },
    { code: 'construction', name: '建筑施工安全', sort_order: 3 },
    { code: 'road-transport', name: '道路运输安全', sort_order: 4 },
    { code: 'other', name: '其他安全(不包括消防安全)', sort_order: 5 },
  ]);
  await knex.schema.createTable('exams', (t) => {
    t.increments('id');
    t.string('code', 16).notNullable().unique();
    t.string('name', 128).notNullable();
    t.string('short_name', 64).notNullable();
    t.integer('year').notNullable();
    t.timestamp('registration_start', { useTz: true }).notNullable();
    t.timestamp('registration_end', { useTz: true }).notNullable();
    t.enu('status', ['draft', 'published']).notNullable().defaultTo('draft');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('alter table exams add constraint exams_window_order check (registration_start < registration_end)');
  await knex.schema.createTable('exam_majors', (t) => {
    t.integer('exam_id').notNullable().references('exams.id').onDelete('CASCADE');
    t.string('major_code', 32).notNullable().references('majors.code');
    t.primary(['exam_id', 'major_code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('exam_majors');
  await knex.schema.dropTable('exams');
  await knex.schema.dropTable('majors');
}
