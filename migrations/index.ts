import type { Knex } from 'knex';
import * as m20261128_01 from './20261128_01_access_control';
import * as m20261128_02 from './20261128_02_sessions';
import * as m20261128_03 from './20261128_03_exams';
import * as m20261128_04 from './20261128_04_registrations';
import * as m20261128_05 from './20261128_05_worker_heartbeats';
import * as m20261128_06 from './20261128_06_audit_log';
import * as m20261128_07 from './20261128_07_rate_limits';
import * as m20261128_08 from './20261128_08_exam_reviewers';
import * as m20261128_09 from './20261128_09_protect_registrations_and_access_control';
import * as m20261128_10 from './20261128_10_login_nonces';
import * as m20261128_11 from './20261128_11_sms_second_factor';
import * as m20261128_12 from './20261128_12_candidate_photos';
import * as m20261128_13 from './20261128_13_ywtb_identity';
import * as m20261128_14 from './20261128_14_phone_binding';
import * as m20261128_15 from './20261128_15_guide_confirmations';
import * as m20261128_16 from './20261128_16_registration_form';
import * as m20261128_17 from './20261128_17_exam_setup';
import * as m20261128_18 from './20261128_18_document_templates';
import * as m20261128_19 from './20261128_19_registration_corrections';
import * as m20261128_20 from './20261128_20_payments';
import * as m20261128_21 from './20261128_21_notifications';
import * as m20261128_22 from './20261128_22_courier_delivery';
import * as m20261128_23 from './20261128_23_payment_reconciliation';
import * as m20261128_24 from './20261128_24_process_deployments';
import * as m20261128_25 from './20261128_25_inbox';
import * as m20261128_26 from './20261128_26_task_forms';
import * as m20261128_27 from './20261128_27_review_assignment';
import * as m20261128_28 from './20261128_28_inbox_indexes';
import * as m20261128_29 from './20261128_29_task_attachments';
import * as m20261128_30 from './20261128_30_task_urge_message';
import * as m20261128_31 from './20261128_31_courier_exception_form';
import * as m20261207_02 from './20261207_02_case_type_names';
import * as m20261207_03 from './20261207_03_payment_case_keys';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations are listed here rather than discovered on disk, so that the same list runs under
 * tsx, vitest and a compiled build alike. They run in the order of their names (`yyyymmdd_nn_what`,
 * checked by `api/src/db/migrations.test.ts`): name a new one after the last and append it at the
 * end; never reorder. A migration renamed after it ran goes into `api/src/db/migration-renames.ts`.
 */
export const migrations: ReadonlyArray<[string, Migration]> = [
  ['20261128_01_access_control', m20261128_01],
  ['20261128_02_sessions', m20261128_02],
  ['20261128_03_exams', m20261128_03],
  ['20261128_04_registrations', m20261128_04],
  ['20261128_05_worker_heartbeats', m20261128_05],
  ['20261128_06_audit_log', m20261128_06],
  ['20261128_07_rate_limits', m20261128_07],
  ['20261128_08_exam_reviewers', m20261128_08],
  ['20261128_09_protect_registrations_and_access_control', m20261128_09],
  ['20261128_10_login_nonces', m20261128_10],
  ['20261128_11_sms_second_factor', m20261128_11],
  ['20261128_12_candidate_photos', m20261128_12],
  ['20261128_13_ywtb_identity', m20261128_13],
  ['20261128_14_phone_binding', m20261128_14],
  ['20261128_15_guide_confirmations', m20261128_15],
  ['20261128_16_registration_form', m20261128_16],
  ['20261128_17_exam_setup', m20261128_17],
  ['20261128_18_document_templates', m20261128_18],
  ['20261128_19_registration_corrections', m20261128_19],
  ['20261128_20_payments', m20261128_20],
  ['20261128_21_notifications', m20261128_21],
  ['20261128_22_courier_delivery', m20261128_22],
  ['20261128_23_payment_reconciliation', m20261128_23],
  ['20261128_24_process_deployments', m20261128_24],
  ['20261128_25_inbox', m20261128_25],
  ['20261128_26_task_forms', m20261128_26],
  ['20261128_27_review_assignment', m20261128_27],
  ['20261128_28_inbox_indexes', m20261128_28],
  ['20261128_29_task_attachments', m20261128_29],
  ['20261128_30_task_urge_message', m20261128_30],
  ['20261128_31_courier_exception_form', m20261128_31],
  ['20261207_02_case_type_names', m20261207_02],
  ['20261207_03_payment_case_keys', m20261207_03],
];

export const migrationSource: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: async () => [...migrations],
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
