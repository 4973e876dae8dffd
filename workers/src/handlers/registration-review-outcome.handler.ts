import type { z } from 'zod';
import type { RegistrationService } from '../../../api/src/modules/registration/registration.service';
import { examRegistrationFlow } from '../../../api/src/contracts/flows/exam-registration';
import type { TopicHandler } from '../task-client';

/** 记录审核结果: writes the reviewer's decision to the registration and its timeline. */
const topic = examRegistrationFlow.topics['registration-review-outcome'];

export function registrationReviewOutcomeHandler(registrations: RegistrationService): TopicHandler<typeof topic.input, z.infer<typeof topic.output>> {
  return {
    topic: 'registration-review-outcome',
    variables: topic.input,
    async handle(task) {
      const v = task.variables;
      await registrations.recordReviewOutcome(v.registrationNo, {
        decision: v.reviewDecision,
        comment: v.reviewComment ?? null,
        returnItems: v.returnItems,
        reviewerUsername: v.reviewerUsername,
        reviewerName: v.reviewerName,
        // The external task id is stable across redeliveries of the same step.
        stepId: task.id,
      });
      return { kind: 'complete' };
    },
  };
}
