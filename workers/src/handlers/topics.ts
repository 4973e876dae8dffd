/**
 * Every external-task topic the workers handle (U2 contract check). A plain list, so the API can
 * refuse a model naming an unhandled topic without importing the worker runtime; `topics.test.ts`
 * keeps it equal to the topics of `buildHandlers` with every integration wired.
 */
export const HANDLED_TOPICS = [
  'eligibility-decision',
  'registration-review-outcome',
  'payment-order',
  'payment-query',
  'payment-expire',
  'e-receipt',
  'notify',
  'courier-order',
] as const;

export type HandledTopic = (typeof HANDLED_TOPICS)[number];

export function isHandledTopic(topic: string): topic is HandledTopic {
  return (HANDLED_TOPICS as readonly string[]).includes(topic);
}
