import { z } from 'zod';
import type { RegistrationService } from '../../../api/src/modules/registration/registration.service';
import type { TopicHandler } from '../task-client';

/** 记录审核结果: writes the reviewer's decision to the registration and its timeline. */
const variables = z.object({
  registrationNo: z.string(),
  reviewDecision: z.enum(['approve', 'reject']),
  reviewComment: z.string().nullable().optional(),
  reviewerUsername: z.string(),
  reviewerName: z.string(),
});

export function registrationReviewOutcomeHandler(registrations: RegistrationService): TopicHandler<typeof variables> {
  return {
    topic: 'registration-review-outcome',
    variables,
    async handle(task) {
      const v = task.variables;
      await registrations.recordReviewOutcome(v.registrationNo, {
        decision: v.reviewDecision,
        comment: v.reviewComment ?? null,
        reviewerUsername: v.reviewerUsername,
        reviewerName: v.reviewerName,
        // The external task id is stable across redeliveries of the same step.
        stepId: task.id,
      });
      return { kind: 'complete' };
    },
  };
}
