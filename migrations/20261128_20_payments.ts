import type { Knex } from 'knex';

/**
 * Payment of the exam fee (M06, M16, M25): orders at the public payment platform, the callbacks
 * received (deduplicated by notification id), refunds with their approval, fiscal e-receipts.
 * Registrations gain `paid` and `cancelled` (not paid by the deadline: counts as withdrawn).
 * Back: drops the tables and restores the status list (rows in the new statuses must go first).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table registrations drop constraint if exists registrations_status_check');
  await knex.raw(
    `alter table registrations add constraint registrations_status_check
     check (status in ('draft', 'submitted', 'under-review', 'returned', 'approved', 'rejected', 'paid', 'cancelled'))`,
  );
  await knex.schema.createTable('payment_orders', (t) => {
    t.increments('id');
    t.integer('registration_id').notNullable().references('registrations.id');
    // Ours (商户订单号): the idempotency key at the platform.
    t.string('merchant_order_no', 32).notNullable().unique();
    t.integer('amount_fen').notNullable();
    t.string('subject', 128).notNullable();
    // creating: stored, platform not yet confirmed; waiting: payable; paid; closed; refunded.
    t.enu('status', ['creating', 'waiting', 'paid', 'closed', 'refunded']).notNullable();
    t.string('trade_no', 64).unique();
    t.string('pay_url', 500);
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('paid_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['registration_id']);
    t.index(['status', 'paid_at']);
  });
  await knex.raw('alter table payment_orders add constraint payment_orders_amount_positive check (amount_fen > 0)');
  // At most one payable order per registration (a second payment of the same fee is refunded).
  await knex.raw(`create unique index payment_orders_one_live on payment_orders (registration_id) where status in ('creating', 'waiting')`);
  await knex.schema.createTable('payment_notifications', (t) => {
    t.string('notify_id', 64).primary();
    t.string('merchant_order_no', 32).notNullable();
    t.string('trade_no', 64).notNullable();
    t.integer('amount_fen').notNullable();
    t.timestamp('paid_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('payment_refunds', (t) => {
    t.increments('id');
    t.integer('payment_order_id').notNullable().references('payment_orders.id');
    t.string('merchant_refund_no', 32).notNullable().unique();
    t.integer('amount_fen').notNullable();
    t.string('reason', 200).notNullable();
    // late-payment refunds are automatic; administrative ones wait for approval.
    t.enu('kind', ['late-payment', 'administrative']).notNullable();
    t.enu('status', ['requested', 'approved', 'rejected', 'refunded', 'failed']).notNullable();
    t.string('requested_by', 64).notNullable();
    t.string('decided_by', 64);
    t.string('decision_comment', 200);
    t.string('refund_no', 64);
    t.timestamp('refunded_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`create unique index payment_refunds_one_open on payment_refunds (payment_order_id) where status in ('requested', 'approved', 'refunded')`);
  await knex.schema.createTable('e_receipts', (t) => {
    t.increments('id');
    t.integer('payment_order_id').notNullable().unique().references('payment_orders.id');
    t.string('receipt_code', 32).notNullable();
    t.string('receipt_no', 32).notNullable().unique();
    t.string('check_code', 32).notNullable();
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.string('verify_url', 500).notNullable();
    t.text('signature').notNullable();
    t.specificType('pdf', 'bytea').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('e_receipts');
  await knex.schema.dropTable('payment_refunds');
  await knex.schema.dropTable('payment_notifications');
  await knex.schema.dropTable('payment_orders');
  await knex.raw('alter table registrations drop constraint if exists registrations_status_check');
  await knex.raw(
    `alter table registrations add constraint registrations_status_check
     check (status in ('draft', 'submitted', 'under-review', 'returned', 'approved', 'rejected'))`,
  );
}
