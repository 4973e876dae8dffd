import type { Knex } from 'knex';

/**
 * One name for the registration case: `exam-registration`, the key of its process (as
 * `deliveries.case_type` has it). Notification templates and the messages sent from them said
 * `registration`.
 * Back: rename them to `registration` again.
 */
const TABLES = ['message_templates', 'messages'] as const;

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex(table).where({ case_type: 'registration' }).update({ case_type: 'exam-registration' });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex(table).where({ case_type: 'exam-registration' }).update({ case_type: 'registration' });
}
