import type { Db } from '../../../api/src/db/knex';
import type { EngineClient } from '../../../api/src/engine/engine-client';
import { ExamRepository } from '../../../api/src/modules/exams/exam.repository';
import { RegistrationRepository } from '../../../api/src/modules/registration/registration.repository';
import { RegistrationService } from '../../../api/src/modules/registration/registration.service';
import type { TopicHandler } from '../task-client';
import { eligibilityPrecheckHandler } from './eligibility-precheck.handler';
import { registrationReviewOutcomeHandler } from './registration-review-outcome.handler';

/** Every topic handler, wired to the domain services it calls. */
export function buildHandlers(db: Db, engine: EngineClient): TopicHandler[] {
  const registrations = new RegistrationService(db, new RegistrationRepository(db), new ExamRepository(db), engine);
  return [eligibilityPrecheckHandler(registrations), registrationReviewOutcomeHandler(registrations)];
}
