import { courierDeliveryFlow } from './courier-delivery';
import { examRegistrationFlow } from './exam-registration';
import type { DecisionsContract, FlowContract } from './flow';
import { registrationEligibilityDecisions } from './registration-eligibility';

/** Every flow of `processes/` (one line per BPMN model); a model without its contract fails the contract test. */
export const flows = [
  examRegistrationFlow,
  courierDeliveryFlow,
] as const satisfies readonly FlowContract[];

/** Every DMN model's decisions. */
export const decisionModels = [
  registrationEligibilityDecisions,
] as const satisfies readonly DecisionsContract[];

type TopicOf<F> = F extends { topics: infer T } ? keyof T & string : never;
export type HandledTopic = TopicOf<(typeof flows)[number]>;

/**
 * Every external-task topic of the flows, each handled by a worker (U2): the model check refuses a
 * model naming another; `workers/src/handlers/topics.test.ts` keeps it equal to the workers' handlers.
 */
export const HANDLED_TOPICS: readonly HandledTopic[] = [...new Set(flows.flatMap((f) => Object.keys(f.topics) as HandledTopic[]))];

export { courierDeliveryFlow, examRegistrationFlow, registrationEligibilityDecisions };
