import type { Knex } from 'knex';

/**
 * Payment orders belong to a case by (case type, business key), as deliveries do, so that any case
 * type can take a fee; the registration's orders get `exam-registration` and the registration number.
 * At most one payable order per case. Back: the registration id again (registration orders only).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_orders', (t) => {
    t.string('case_type', 40);
    t.string('business_key', 64);
  });
  await knex.raw(`update payment_orders o set case_type = 'exam-registration', business_key = r.registration_no from registrations r where r.id = o.registration_id`);
  await knex.raw('drop index if exists payment_orders_one_live');
  await knex.schema.alterTable('payment_orders', (t) => {
    t.dropIndex(['registration_id']);
    t.dropColumn('registration_id');
    t.string('case_type', 40).notNullable().alter();
    t.string('business_key', 64).notNullable().alter();
    t.index(['case_type', 'business_key']);
  });
  await knex.raw(`create unique index payment_orders_one_live on payment_orders (case_type, business_key) where status in ('creating', 'waiting')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists payment_orders_one_live');
  await knex.schema.alterTable('payment_orders', (t) => {
    t.integer('registration_id').references('registrations.id');
  });
  await knex.raw(`update payment_orders o set registration_id = r.id from registrations r where o.case_type = 'exam-registration' and r.registration_no = o.business_key`);
  await knex('payment_orders').whereNull('registration_id').delete();
  await knex.schema.alterTable('payment_orders', (t) => {
    t.dropIndex(['case_type', 'business_key']);
    t.dropColumn('case_type');
    t.dropColumn('business_key');
    t.integer('registration_id').notNullable().alter();
    t.index(['registration_id']);
  });
  await knex.raw(`create unique index payment_orders_one_live on payment_orders (registration_id) where status in ('creating', 'waiting')`);
}
