import type { Knex } from 'knex';

/** One-time nonces of encrypted sign-ins, so a captured ciphertext cannot be replayed. Back: drop the table. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_nonces', (t) => {
    t.specificType('nonce', 'char(32)').primary();
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_nonces');
}
