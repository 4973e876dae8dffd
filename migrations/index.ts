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

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations are listed here rather than discovered on disk, so that the same list runs under
 * tsx, vitest and a compiled build alike. Append new migrations at the end; never reorder.
 */
const migrations: Array<[string, Migration]> = [
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
];

export const migrationSource: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: async () => migrations,
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};
