import type { Knex } from 'knex';

/**
 * Optional SMS second factor for staff sign-in: the phone (SM4 ciphertext, written by the
 * application) and the switch on `users`; one row per code sent in `login_challenges`, holding only
 * a keyed SM3 hash of the code. Back: drops the table and the two columns.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('mfa_phone', 160).nullable();
    t.boolean('mfa_enabled').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('login_challenges', (t) => {
    t.uuid('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.specificType('code_hash', 'char(64)').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
    t.timestamp('consumed_at', { useTz: true }).nullable();
    /** Why a challenge can no longer be answered: verified, superseded (a newer code was sent), send-failed. */
    t.string('closed_reason', 16).nullable();
    t.index(['user_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_challenges');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('mfa_enabled');
    t.dropColumn('mfa_phone');
  });
}
