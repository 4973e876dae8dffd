import type { Knex } from 'knex';

/**
 * The full registration form (M15): education records, work history, the subjects and fee, the
 * eligibility decision, return-for-correction items, the signed commitment (M03) and the configurable
 * list of majors related to safety engineering. Statuses gain `draft` (confirmation withdrawn, editable)
 * and `returned` (sent back to the candidate for correction).
 * Back: drops the new tables and columns and restores the old status list (rows in the new statuses must go first).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table registrations drop constraint if exists registrations_status_check');
  await knex.raw(
    `alter table registrations add constraint registrations_status_check
     check (status in ('draft', 'submitted', 'under-review', 'returned', 'approved', 'rejected'))`,
  );
  await knex.schema.alterTable('registrations', (t) => {
    t.enu('identity_type', ['mainland', 'hk-macao-taiwan']).notNullable().defaultTo('mainland');
    t.enu('gender', ['M', 'F']);
    // Derived from the ID number and kept in clear for statistics by age band (M24).
    t.date('birth_date');
    t.string('district', 32);
    t.string('subject_codes', 200);
    t.integer('fee_total_fen');
    t.integer('safety_work_months');
    t.string('eligibility_rule', 64);
    t.boolean('manual_review');
    t.jsonb('return_items');
    t.uuid('photo_id').references('candidate_photos.id');
    t.string('certificate_no', 64);
    t.timestamp('signed_at', { useTz: true });
    t.index(['exam_id', 'status']);
  });
  await knex.schema.createTable('registration_educations', (t) => {
    t.increments('id');
    t.integer('registration_id').notNullable().references('registrations.id').onDelete('CASCADE');
    t.smallint('seq').notNullable();
    t.enu('level', ['secondary', 'college', 'bachelor', 'master', 'doctor']).notNullable();
    t.string('school', 100).notNullable();
    t.string('major', 100).notNullable();
    t.boolean('major_related').notNullable();
    t.boolean('full_time').notNullable();
    t.date('start_date').notNullable();
    t.date('graduation_date').notNullable();
    t.string('certificate_no', 64).notNullable();
    t.unique(['registration_id', 'seq']);
  });
  await knex.schema.createTable('registration_work_periods', (t) => {
    t.increments('id');
    t.integer('registration_id').notNullable().references('registrations.id').onDelete('CASCADE');
    t.smallint('seq').notNullable();
    t.string('employer', 100).notNullable();
    t.string('post', 64).notNullable();
    t.date('start_date').notNullable();
    t.date('end_date');
    t.boolean('safety_work').notNullable();
    t.unique(['registration_id', 'seq']);
  });
  await knex.schema.createTable('registration_attachments', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id');
    t.string('kind', 32).notNullable();
    t.string('file_name', 120).notNullable();
    t.string('mime_type', 64).notNullable();
    t.specificType('content', 'bytea').notNullable();
    t.specificType('sha256', 'char(64)').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
  await knex.schema.alterTable('registrations', (t) => {
    t.integer('certificate_attachment_id').references('registration_attachments.id');
  });
  // Each signing of the commitment: the canonical content, its SM3 digest and the platform's SM2 signature.
  await knex.schema.createTable('registration_signatures', (t) => {
    t.increments('id');
    t.integer('registration_id').notNullable().references('registrations.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id');
    t.jsonb('content').notNullable();
    t.specificType('digest', 'char(64)').notNullable();
    t.text('signature').notNullable();
    t.string('key_id', 64).notNullable();
    t.integer('template_version');
    t.timestamp('signed_at', { useTz: true }).notNullable();
    t.timestamp('withdrawn_at', { useTz: true });
    t.index(['registration_id', 'signed_at']);
  });
  // DOMAIN.md: the list of majors related to safety engineering is configurable.
  await knex.schema.createTable('related_majors', (t) => {
    t.string('name', 100).primary();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex('related_majors').insert(
    [
      '安全工程', '安全技术及工程', '安全科学与工程', '安全生产技术', '安全技术管理', '应急技术与管理', '职业卫生工程',
      '消防工程', '化学工程与工艺', '化工安全技术', '采矿工程', '矿物加工工程', '冶金工程', '土木工程', '建筑工程技术',
      '交通运输', '交通工程', '机械设计制造及其自动化', '电气工程及其自动化', '环境工程', '核工程与核技术', '石油工程',
    ].map((name) => ({ name })),
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('related_majors');
  await knex.schema.dropTable('registration_signatures');
  await knex.schema.alterTable('registrations', (t) => {
    t.dropColumn('certificate_attachment_id');
  });
  await knex.schema.dropTable('registration_attachments');
  await knex.schema.dropTable('registration_work_periods');
  await knex.schema.dropTable('registration_educations');
  await knex.schema.alterTable('registrations', (t) => {
    t.dropIndex(['exam_id', 'status']);
    for (const c of ['identity_type', 'gender', 'birth_date', 'district', 'subject_codes', 'fee_total_fen', 'safety_work_months', 'eligibility_rule', 'manual_review', 'return_items', 'photo_id', 'certificate_no', 'signed_at']) t.dropColumn(c);
  });
  await knex.raw('alter table registrations drop constraint if exists registrations_status_check');
  await knex.raw(`alter table registrations add constraint registrations_status_check check (status in ('submitted', 'under-review', 'approved', 'rejected'))`);
}
