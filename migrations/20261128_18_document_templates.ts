import type { Knex } from 'knex';

/**
 * Document templates edited online (M03 告知承诺书, M02 报考指南, every template in `templates/`):
 * numbered versions per template code, each a draft, the published one (at most one per code,
 * enforced by a partial unique index) or a retired one kept as history. Without a published
 * version the built-in file is used. Back: drop the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('document_templates', (t) => {
    t.increments('id');
    t.string('code', 64).notNullable();
    t.integer('version').notNullable();
    t.text('body').notNullable();
    t.string('status', 16).notNullable().defaultTo('draft');
    t.string('change_note', 200).notNullable();
    t.integer('created_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('published_by').references('users.id');
    t.timestamp('published_at', { useTz: true });
    t.unique(['code', 'version']);
    t.check(`status in ('draft', 'published', 'retired')`, [], 'document_templates_status_check');
    t.check('version > 0', [], 'document_templates_version_check');
  });
  // Renders look up the published version of a code on every call: this index answers that.
  await knex.raw(`create unique index document_templates_one_published on document_templates (code) where status = 'published'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('document_templates');
}
