import type { Knex } from 'knex';

/**
 * The audit log (等保 security audit), written only through api/src/security/audit-log.ts as a keyed
 * hash chain. A trigger makes the table append-only: UPDATE, DELETE and TRUNCATE raise an exception.
 * A superuser or the table's owner can still disable or drop the trigger (ALTER TABLE ... DISABLE
 * TRIGGER), which is why every entry also carries the keyed chain that `verify-audit` checks.
 * Back: drop the triggers, the function and the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    // From a sequence, taken while holding the append lock, so ids grow in chain order.
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable();
    // A username, 'system' or 'anonymous'.
    t.string('actor', 64).notNullable();
    // Dotted verb: auth.login, registration.create, task.complete.
    t.string('action', 64).notNullable();
    t.string('object_type', 64);
    t.string('object_id', 128);
    t.string('ip', 45);
    t.enu('result', ['success', 'failure', 'denied']).notNullable();
    // Never personal data in clear: the writer masks ID and phone numbers.
    t.jsonb('detail').notNullable().defaultTo(knex.raw("'{}'::jsonb"));
    // Version of the MAC key the chain hash was computed with.
    t.smallint('mac_version').notNullable();
    t.specificType('prev_hash', 'char(64)').notNullable();
    t.specificType('hash', 'char(64)').notNullable().unique();
    t.index(['at']);
    t.index(['actor', 'id']);
    t.index(['action', 'id']);
    t.index(['object_type', 'object_id']);
  });
  await knex.raw("alter table audit_log add constraint audit_log_hash_format check (hash ~ '^[0-9a-f]{64}$' and prev_hash ~ '^[0-9a-f]{64}$')");
  await knex.raw(`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
    end
    $$`);
  await knex.raw('create trigger audit_log_no_update_delete before update or delete on audit_log for each row execute function audit_log_append_only()');
  await knex.raw('create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists audit_log_no_truncate on audit_log');
  await knex.raw('drop trigger if exists audit_log_no_update_delete on audit_log');
  await knex.schema.dropTableIfExists('audit_log');
  await knex.raw('drop function if exists audit_log_append_only()');
}
