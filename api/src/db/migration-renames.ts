import type { Knex } from 'knex';

/** Where knex records the migrations it has run. */
export const MIGRATIONS_TABLE = 'knex_migrations';

/**
 * Migrations renamed after databases had run them: [name knex recorded, name now]. Eight files were
 * renamed on 2026-12-07 so that their names follow the order `migrations/index.ts` runs them in.
 * Knex refuses a database whose `knex_migrations` holds a name the list no longer has ("migration
 * directory is corrupt"), so the recorded names are brought up to date before migrating. Entries
 * stay for as long as a database migrated under the old names may still be upgraded.
 */
export const renamedMigrations: ReadonlyArray<readonly [recorded: string, current: string]> = [
  ['20261128_18_registration_form', '20261128_16_registration_form'],
  ['20261128_16_exam_setup', '20261128_17_exam_setup'],
  ['20261128_17_document_templates', '20261128_18_document_templates'],
  ['20261128_22_payments', '20261128_20_payments'],
  ['20261128_20_notifications', '20261128_21_notifications'],
  ['20261128_21_courier_delivery', '20261128_22_courier_delivery'],
  ['20261128_27_task_forms', '20261128_26_task_forms'],
  ['20261128_26_review_assignment', '20261128_27_review_assignment'],
];

/**
 * Rewrites old recorded migration names to the current ones, in one transaction; returns how many
 * rows changed. Safe to run on every start and by several instances at once: a recorded name that is
 * already current matches no entry.
 */
export async function renameRecordedMigrations(db: Knex): Promise<number> {
  if (!(await db.schema.hasTable(MIGRATIONS_TABLE))) return 0;
  return db.transaction(async (trx) => {
    let renamed = 0;
    for (const [recorded, current] of renamedMigrations) renamed += await trx(MIGRATIONS_TABLE).where({ name: recorded }).update({ name: current });
    return renamed;
  });
}
