import { z } from 'zod';
import { educationLevels, levelCodes } from '../registration';
import { defineDecisions } from './flow';

/**
 * 报考资格判定 (processes/registration-eligibility.dmn): evaluated by the engine for the console,
 * the API and the `eligibility-decision` step alike.
 */
export const registrationEligibilityDecisions = defineDecisions({
  decisions: {
    /** 报考条件: education and years of safety work. */
    eligibility: {
      key: 'registration-eligibility',
      inputs: z.object({ education: z.enum(educationLevels), majorRelated: z.boolean(), workYears: z.number() }),
      outputs: z.object({ eligible: z.boolean(), ruleId: z.string(), requiredYears: z.number().int().nullable() }),
    },
    /** 是否转人工资格审核. */
    reviewRouting: {
      key: 'registration-review-routing',
      inputs: z.object({ eligible: z.boolean(), levelCode: z.enum(levelCodes), identityType: z.enum(['mainland', 'hk-macao-taiwan']), education: z.enum(educationLevels) }),
      outputs: z.object({ manualReview: z.boolean(), reviewReason: z.string() }),
    },
  },
});
