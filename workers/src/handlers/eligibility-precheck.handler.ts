import { z } from 'zod';
import type { RegistrationService } from '../../../api/src/modules/registration/registration.service';
import type { TopicHandler } from '../task-client';

/** 资格预检: checks the education / work-years rule and hands the case to the reviewers. */
const variables = z.object({ registrationNo: z.string() });

export function eligibilityPrecheckHandler(registrations: RegistrationService): TopicHandler<typeof variables> {
  return {
    topic: 'eligibility-precheck',
    variables,
    async handle(task) {
      const result = await registrations.recordPrecheck(task.variables.registrationNo);
      return { kind: 'complete', variables: { precheckPassed: result.passed } };
    },
  };
}
