import type { Db } from '../../../api/src/db/knex';
import type { EngineClient } from '../../../api/src/engine/engine-client';
import { DataScope } from '../../../api/src/auth/data-scope';
import type { SecurityServices } from '../../../api/src/security/security-services';
import { ExamRepository } from '../../../api/src/modules/exams/exam.repository';
import { RegistrationRepository } from '../../../api/src/modules/registration/registration.repository';
import { RegistrationService } from '../../../api/src/modules/registration/registration.service';
import type { TopicHandler } from '../task-client';
import { eligibilityPrecheckHandler } from './eligibility-precheck.handler';
import { registrationReviewOutcomeHandler } from './registration-review-outcome.handler';

/** Every topic handler, wired to the domain services it calls. */
export function buildHandlers(db: Db, engine: EngineClient, security: SecurityServices): TopicHandler[] {
  const registrations = new RegistrationService(db, new RegistrationRepository(db, security), new ExamRepository(db), engine, new DataScope(db));
  return [eligibilityPrecheckHandler(registrations), registrationReviewOutcomeHandler(registrations)];
}
