import type { Db } from '../../db/knex';
import type { SecurityServices } from '../../security/security-services';
import { RegistrationRepository } from './registration.repository';

export type { RegistrationCorrection, RegistrationDetailRow, RegistrationRow } from './registration.repository';

/**
 * What other modules may read and change of a registration, in their own transactions: payments
 * credit and refund it, registration admin corrects it, notifications address its candidate. This
 * module decides the list; the rest of RegistrationRepository (numbers, drafts, signatures, cases)
 * stays its own, and the row's seal and encrypted fields are opened only by it.
 */
export type RegistrationRecords = Pick<
  RegistrationRepository,
  'findByNo' | 'findForUpdate' | 'transition' | 'correct' | 'addEvent' | 'events' | 'educations' | 'workPeriods' | 'openRow' | 'openRows'
>;

/** The registrations of this database, for a module that builds its own (the payment service the workers run). */
export const registrationRecords = (db: Db, security: SecurityServices): RegistrationRecords => new RegistrationRepository(db, security);
