import type { Knex } from 'knex';

/**
 * Candidate accounts created by 一网通办 sign-in: the platform's subject (unique), and the identity
 * it vouched for, personal fields as SM4 ciphertext written by the application (`sm4:…`), with a
 * keyed SM3 blind index of the ID number for exact-match lookup. Back: drops the four columns.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('ywtb_sub', 128).nullable().unique();
    t.string('id_number', 160).nullable();
    t.specificType('id_number_idx', 'char(64)').nullable().index();
    t.string('phone', 160).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('phone');
    t.dropColumn('id_number_idx');
    t.dropColumn('id_number');
    t.dropColumn('ywtb_sub');
  });
}
