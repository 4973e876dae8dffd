import { z } from 'zod';
import type { RegistrationService } from '../../../api/src/modules/registration/registration.service';
import type { TopicHandler } from '../task-client';
import { returnItem } from '../../../api/src/contracts/registration';

/** 记录审核结果: writes the reviewer's decision to the registration and its timeline. */
const variables = z.object({
  registrationNo: z.string(),
  reviewDecision: z.enum(['approve', 'reject', 'return']),
  reviewComment: z.string().nullable().optional(),
  /** JSON of the items marked for correction (退回). */
  returnItems: z.string().nullable().optional(),
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
        returnItems: v.returnItems ? z.array(returnItem).parse(JSON.parse(v.returnItems)) : [],
        reviewerUsername: v.reviewerUsername,
        reviewerName: v.reviewerName,
        // The external task id is stable across redeliveries of the same step.
        stepId: task.id,
      });
      return { kind: 'complete' };
    },
  };
}
