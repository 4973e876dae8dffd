import type { z } from 'zod';
import type { RegistrationService } from '../../../api/src/modules/registration/registration.service';
import { examRegistrationFlow } from '../../../api/src/contracts/flows/exam-registration';
import type { TopicHandler } from '../task-client';

/** 报考条件判定: the engine's DMN decisions on the stored form; sets `eligible` and `manualReview`. */
const topic = examRegistrationFlow.topics['eligibility-decision'];

export function eligibilityDecisionHandler(registrations: RegistrationService): TopicHandler<typeof topic.input, z.infer<typeof topic.output>> {
  return {
    topic: 'eligibility-decision',
    variables: topic.input,
    async handle(task) {
      const result = await registrations.decideEligibility(task.variables.registrationNo);
      return { kind: 'complete', variables: { eligible: result.eligible, manualReview: result.manualReview } };
    },
  };
}
