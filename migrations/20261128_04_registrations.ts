import type { Knex } from 'knex';

/** Registrations, their timeline events and the number counters. Back: drop the tables. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('number_counters', (t) => {
    t.string('name', 32).notNullable();
    t.string('scope', 32).notNullable();
    t.bigInteger('value').notNullable();
    t.primary(['name', 'scope']);
  });
  await knex.schema.createTable('registrations', (t) => {
    t.increments('id');
    t.string('registration_no', 32).notNullable().unique();
    t.integer('exam_id').notNullable().references('exams.id');
    t.integer('user_id').notNullable().references('users.id');
    t.string('level_code', 16).notNullable();
    t.string('major_code', 32).notNullable().references('majors.code');
    t.string('full_name', 30).notNullable();
    t.string('id_number', 18).notNullable();
    t.string('phone', 11).notNullable();
    t.string('employer', 100).notNullable();
    t.string('education', 16).notNullable();
    t.boolean('education_major_related').notNullable();
    t.decimal('safety_work_years', 4, 1).notNullable();
    t.enu('status', ['submitted', 'under-review', 'approved', 'rejected']).notNullable();
    t.boolean('precheck_passed');
    t.string('precheck_message', 200);
    t.string('review_comment', 500);
    t.string('reviewed_by', 64);
    t.timestamp('reviewed_at', { useTz: true });
    t.string('process_instance_id', 64);
    t.timestamp('submitted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One registration per person and exam, whichever account they use.
    t.unique(['exam_id', 'user_id']);
    t.unique(['exam_id', 'id_number']);
    t.index(['user_id']);
  });
  await knex.schema.createTable('registration_events', (t) => {
    t.bigIncrements('id');
    t.integer('registration_id').notNullable().references('registrations.id').onDelete('CASCADE');
    t.string('kind', 32).notNullable();
    t.string('title', 64).notNullable();
    t.string('detail', 500);
    t.string('actor', 64);
    // Makes a redelivered worker task or a repeated request write the event once.
    t.string('idempotency_key', 128).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['registration_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('registration_events');
  await knex.schema.dropTable('registrations');
  await knex.schema.dropTable('number_counters');
}
