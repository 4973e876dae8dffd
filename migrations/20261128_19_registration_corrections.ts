import type { Knex } from 'knex';

/**
 * Corrections of registrations by exam admins (M23): who changed which field from what to what, and
 * why. Personal values (the phone) are stored masked, never in clear. The table is append-only (a
 * trigger refuses UPDATE and DELETE), so the history cannot be rewritten; a registration that has
 * corrections can therefore not be deleted either (the foreign key restricts).
 * Back: drop the trigger, its function and the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('registration_corrections', (t) => {
    t.bigIncrements('id');
    t.integer('registration_id').notNullable().references('registrations.id').onDelete('RESTRICT');
    t.string('field', 32).notNullable();
    t.string('before_value', 200);
    t.string('after_value', 200);
    t.string('reason', 500).notNullable();
    t.string('corrected_by', 64).notNullable();
    t.string('corrected_by_name', 64).notNullable();
    t.timestamp('corrected_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['registration_id', 'corrected_at']);
  });
  await knex.raw(
    `alter table registration_corrections add constraint registration_corrections_field_check
     check (field in ('full_name', 'employer', 'district', 'phone', 'level_code', 'major_code'))`,
  );
  await knex.raw(`
    create function registration_corrections_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'registration_corrections is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
    end
    $$`);
  await knex.raw(
    'create trigger registration_corrections_no_update_delete before update or delete on registration_corrections for each row execute function registration_corrections_append_only()',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists registration_corrections_no_update_delete on registration_corrections');
  await knex.schema.dropTableIfExists('registration_corrections');
  await knex.raw('drop function if exists registration_corrections_append_only()');
}
