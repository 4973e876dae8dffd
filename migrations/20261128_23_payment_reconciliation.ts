import type { Knex } from 'knex';

/**
 * Reconciliation with the payment platform's daily statement (对账, M25): one run per Beijing bill
 * date (re-running replaces the run's open items; resolved items stay), and every mismatch found as
 * an item a person resolves with a note. Back: drops the two tables.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reconciliation_runs', (t) => {
    t.increments('id');
    t.date('bill_date').notNullable().unique();
    // platform: fetched from the platform (signature verified); upload: a statement file a person uploaded.
    t.enu('source', ['platform', 'upload']).notNullable();
    t.text('statement').notNullable();
    t.integer('platform_pay_count').notNullable();
    t.bigInteger('platform_pay_fen').notNullable();
    t.integer('platform_refund_count').notNullable();
    t.bigInteger('platform_refund_fen').notNullable();
    t.integer('local_pay_count').notNullable();
    t.bigInteger('local_pay_fen').notNullable();
    t.integer('local_refund_count').notNullable();
    t.bigInteger('local_refund_fen').notNullable();
    t.string('ran_by', 64).notNullable();
    t.timestamp('ran_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('reconciliation_items', (t) => {
    t.increments('id');
    t.integer('run_id').notNullable().references('reconciliation_runs.id').onDelete('CASCADE');
    // `kind:merchant order no:merchant refund no`: the same mismatch found again is the same item.
    t.string('item_key', 120).notNullable();
    t.enu('kind', ['missing-local', 'missing-remote', 'amount-mismatch', 'refund-missing-local', 'refund-missing-remote', 'refund-amount-mismatch']).notNullable();
    t.string('merchant_order_no', 32).notNullable();
    t.string('merchant_refund_no', 32);
    t.string('trade_no', 64);
    t.integer('payment_order_id').references('payment_orders.id');
    t.integer('platform_amount_fen');
    t.integer('local_amount_fen');
    t.string('local_status', 16);
    t.timestamp('platform_time', { useTz: true });
    t.enu('status', ['open', 'resolved']).notNullable().defaultTo('open');
    // credited: the payment was found at the platform and credited here; noted: a person explained it.
    t.enu('resolution', ['credited', 'noted']);
    t.string('resolution_note', 500);
    t.string('resolved_by', 64);
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['run_id', 'item_key']);
    t.index(['status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('reconciliation_items');
  await knex.schema.dropTable('reconciliation_runs');
}
