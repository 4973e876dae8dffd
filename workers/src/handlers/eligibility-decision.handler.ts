import { z } from 'zod';
import type { RegistrationService } from '../../../api/src/modules/registration/registration.service';
import type { TopicHandler } from '../task-client';

/** 报考条件判定: the engine's DMN decisions on the stored form; sets `eligible` and `manualReview`. */
const variables = z.object({ registrationNo: z.string() });

export function eligibilityDecisionHandler(registrations: RegistrationService): TopicHandler<typeof variables> {
  return {
    topic: 'eligibility-decision',
    variables,
    async handle(task) {
      const result = await registrations.decideEligibility(task.variables.registrationNo);
      return { kind: 'complete', variables: { eligible: result.eligible, manualReview: result.manualReview } };
    },
  };
}
