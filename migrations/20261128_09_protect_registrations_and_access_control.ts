import type { Knex } from 'knex';

/**
 * Room for SM4 ciphertext and blind indexes in registrations, and for SM3-HMAC seals on
 * registrations, user_roles and role_permissions. Rows that exist now are encrypted and sealed once
 * by the application right after this migration (the `security_upgrades` marker), because only the
 * application holds the keys. Back: drops the seal and index columns and the marker table; values
 * that were encrypted stay ciphertext (decrypt them with the keyring first if you must go back).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('registrations', (t) => {
    t.dropUnique(['exam_id', 'id_number']);
  });
  await knex.schema.alterTable('registrations', (t) => {
    t.string('id_number', 160).notNullable().alter();
    t.string('phone', 160).notNullable().alter();
    t.specificType('id_number_idx', 'char(64)');
    t.string('row_mac', 100);
    t.unique(['exam_id', 'id_number_idx']);
    t.index(['id_number_idx']);
  });
  for (const table of ['user_roles', 'role_permissions']) {
    await knex.schema.alterTable(table, (t) => {
      t.string('row_mac', 100);
    });
  }
  await knex.schema.createTable('security_upgrades', (t) => {
    t.string('name', 64).primary();
    t.timestamp('done_at', { useTz: true });
  });
  await knex('security_upgrades').insert({ name: 'protect-existing-rows', done_at: null });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('security_upgrades');
  for (const table of ['user_roles', 'role_permissions']) {
    await knex.schema.alterTable(table, (t) => {
      t.dropColumn('row_mac');
    });
  }
  await knex.schema.alterTable('registrations', (t) => {
    t.dropUnique(['exam_id', 'id_number_idx']);
    t.dropIndex(['id_number_idx']);
    t.dropColumn('id_number_idx');
    t.dropColumn('row_mac');
  });
  await knex.schema.alterTable('registrations', (t) => {
    t.unique(['exam_id', 'id_number']);
  });
}
