import type { Knex } from 'knex';

/**
 * Courier delivery of paper documents through the 一网通办 express module (G6). `deliveries`: one
 * row per document a person asked to have sent (the case it belongs to by type and business key,
 * which document, to whom); the recipient's phone and street address are SM4 ciphertext written by
 * the application (`sm4:…`). At most one delivery per document is active: a failed one frees the
 * place. `delivery_events`: the tracking events the platform called back with, once each (unique
 * per waybill and event id, so a repeated callback writes nothing). Back: drop both tables.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deliveries', (t) => {
    t.uuid('id').primary();
    t.string('case_type', 32).notNullable();
    t.string('business_key', 64).notNullable();
    t.string('document_kind', 32).notNullable();
    /** Who asked for it: only they see it. */
    t.integer('user_id').notNullable().references('users.id');
    t.string('recipient_name', 30).notNullable();
    t.string('recipient_phone', 160).notNullable();
    t.string('district', 8).notNullable();
    t.text('address').notNullable();
    t.string('item_description', 64).notNullable();
    t.string('status', 20).notNullable().defaultTo('requested');
    t.string('waybill_no', 32).nullable().unique();
    t.string('failure_reason', 200).nullable();
    t.string('process_instance_id', 64).nullable();
    /** When the delivery process was told the item was signed for (the message is sent once). */
    t.timestamp('delivered_notified_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'created_at']);
    t.index(['case_type', 'business_key']);
  });
  await knex.raw(
    `alter table deliveries add constraint deliveries_status_check
     check (status in ('requested', 'ordered', 'picked-up', 'in-transit', 'out-for-delivery', 'delivered', 'failed'))`,
  );
  await knex.raw(`create unique index deliveries_one_active_per_document on deliveries (case_type, business_key, document_kind) where status <> 'failed'`);
  await knex.schema.createTable('delivery_events', (t) => {
    t.bigIncrements('id');
    t.uuid('delivery_id').notNullable().references('deliveries.id').onDelete('CASCADE');
    t.string('waybill_no', 32).notNullable();
    t.string('event_id', 64).notNullable();
    t.string('status', 20).notNullable();
    t.string('description', 200).notNullable();
    t.string('location', 100).notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['waybill_no', 'event_id']);
    t.index(['delivery_id', 'occurred_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('delivery_events');
  await knex.schema.dropTable('deliveries');
}
