import { z } from 'zod';
import { deliveryDocumentKinds, deliveryStatuses } from './deliveries';

/**
 * What an inbox row and a case view show of a case, one kind per registered case type. Every kind
 * carries `businessKey` and a one-line `title`, so a view can show a case of any type; the other
 * fields are the kind's own.
 */
const common = {
  businessKey: z.string(),
  /** One line for people, e.g. 「张* · 2026年度初级注册安全工程师考试 · 化工安全」. */
  title: z.string(),
};

/** 考试报名 (exam-registration). */
export const registrationCaseSummary = z.object({
  kind: z.literal('exam-registration'),
  ...common,
  candidateNameMasked: z.string(),
  examName: z.string(),
  levelCode: z.string(),
  majorName: z.string(),
  precheckPassed: z.boolean().nullable(),
  precheckMessage: z.string().nullable(),
});
export type RegistrationCaseSummary = z.infer<typeof registrationCaseSummary>;

/** The cases whose documents can be sent by courier. */
export const documentOwnerSummary = z.discriminatedUnion('kind', [registrationCaseSummary]);

/** 快递寄递 (courier-delivery): a document of another case on its way; `owner` is that case. */
export const deliveryCaseSummary = z.object({
  kind: z.literal('courier-delivery'),
  ...common,
  documentKind: z.enum(deliveryDocumentKinds),
  documentLabel: z.string(),
  status: z.enum(deliveryStatuses),
  statusLabel: z.string(),
  waybillNo: z.string().nullable(),
  failureReason: z.string().nullable(),
  owner: documentOwnerSummary,
});
export type DeliveryCaseSummary = z.infer<typeof deliveryCaseSummary>;

/** The kinds, for the OpenAPI document and the console. A new case type adds one line to each. */
export const caseSummary = z.discriminatedUnion('kind', [registrationCaseSummary, deliveryCaseSummary]);

/**
 * The summary of each case kind, by kind. An interface so that a test's fixture case type can add its
 * kind (module augmentation) without a production kind for it.
 */
export interface CaseSummaryKinds {
  'exam-registration': RegistrationCaseSummary;
  'courier-delivery': DeliveryCaseSummary;
}
export type CaseKind = keyof CaseSummaryKinds;
export type CaseSummary = CaseSummaryKinds[CaseKind];
