import type { Knex } from 'knex';

/**
 * Files attached to a task by the people working on it (U6 附件): the bytes as checked by the upload
 * rules (bytea in this database, like candidate photos and certificate scans, which the deployment
 * encrypts at rest), their SHA-256, the task and process instance they belong to, the case's business
 * key (so the case view lists them after the task is gone from the engine) and the uploader.
 * Back: drop the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('task_attachments', (t) => {
    t.uuid('id').primary();
    t.string('task_id', 64).notNullable();
    t.string('task_name', 255);
    t.string('process_instance_id', 64).notNullable();
    t.string('business_key', 255);
    t.string('file_name', 120).notNullable();
    t.string('mime_type', 64).notNullable();
    t.integer('size_bytes').notNullable();
    t.specificType('content', 'bytea').notNullable();
    t.specificType('sha256', 'char(64)').notNullable();
    t.integer('uploaded_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['task_id', 'created_at']);
    t.index(['business_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('task_attachments');
}
