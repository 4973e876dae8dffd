import type { Knex } from 'knex';

/**
 * Phone binding for candidates (M08): the bound phone on `users` (SM4 ciphertext written by the
 * application, `sm4:…`), its keyed SM3 blind index and when it was bound; one row per code sent in
 * `phone_bind_codes`, holding the phone to bind (SM4), its blind index (for the per-phone resend
 * interval) and only a keyed SM3 hash of the code. Back: drops the table and the three columns.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('bound_phone', 160).nullable();
    t.specificType('bound_phone_idx', 'char(64)').nullable().index();
    t.timestamp('phone_bound_at', { useTz: true }).nullable();
  });
  await knex.schema.createTable('phone_bind_codes', (t) => {
    t.uuid('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('phone', 160).notNullable();
    t.specificType('phone_idx', 'char(64)').notNullable();
    t.specificType('code_hash', 'char(64)').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
    t.timestamp('consumed_at', { useTz: true }).nullable();
    /** Why a code can no longer be answered: verified, superseded (a newer code was sent). */
    t.string('closed_reason', 16).nullable();
    t.index(['user_id', 'created_at']);
    t.index(['phone_idx', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('phone_bind_codes');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('phone_bound_at');
    t.dropColumn('bound_phone_idx');
    t.dropColumn('bound_phone');
  });
}
