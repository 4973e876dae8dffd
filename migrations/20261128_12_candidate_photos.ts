import type { Knex } from 'knex';

/**
 * Candidates' ID photos (M09): the upload as checked (re-encoded, metadata stripped) and the
 * processed 295x413 JPEG, with the findings shown to the candidate. The newest accepted row of a
 * user is the current photo. Personal images at rest: bytea in this database, which the deployment
 * encrypts at rest; they are not SM4-encrypted by the application (yet). Back: drop the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('candidate_photos', (t) => {
    t.uuid('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.binary('original').notNullable();
    t.string('original_type', 32).notNullable();
    t.binary('processed').notNullable();
    t.jsonb('findings').notNullable().defaultTo('[]');
    t.boolean('accepted').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('candidate_photos');
}
