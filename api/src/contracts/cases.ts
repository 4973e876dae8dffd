import { z } from 'zod';

/** One step of a case instance as the engine's history recorded it. */
export const caseActivity = z.object({
  activityId: z.string(),
  name: z.string().nullable(),
  type: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** Display name of who handled a user task; candidates see staff only as 审核人员. */
  actor: z.string().nullable(),
  canceled: z.boolean(),
});
export type CaseActivity = z.infer<typeof caseActivity>;

/** One process instance of a case; after a withdrawal a new one starts under the same business key. */
export const caseInstance = z.object({
  /** Engine instance id; null for candidates (internal). */
  instanceId: z.string().nullable(),
  processKey: z.string(),
  processName: z.string().nullable(),
  version: z.number().int(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  state: z.string(),
  /** BPMN XML of the instance's definition version, for the read-only diagram. */
  diagramXml: z.string(),
  activities: z.array(caseActivity),
  /** Element ids passed (ended, not canceled). */
  passedElements: z.array(z.string()),
  /** Element ids where the instance waits now. */
  currentElements: z.array(z.string()),
  /** Element ids with an open incident (staff only; empty for candidates). */
  incidentElements: z.array(z.string()),
  incidents: z.array(z.object({ activityId: z.string().nullable(), message: z.string().nullable(), at: z.string() })),
});
export type CaseInstance = z.infer<typeof caseInstance>;

export const caseTimelineEntry = z.object({
  at: z.string(),
  title: z.string(),
  detail: z.string().nullable(),
  actor: z.string().nullable(),
  /** engine: a step of the process; business: an event our services recorded (opinions). */
  source: z.enum(['engine', 'business']),
  state: z.enum(['done', 'current', 'failed']),
});
export type CaseTimelineEntry = z.infer<typeof caseTimelineEntry>;

export const caseDocument = z.object({
  /** task-attachment: a file attached to one of the case's tasks (staff only). */
  kind: z.enum(['registration-form', 'e-receipt', 'commitment', 'task-attachment']),
  title: z.string(),
  /** Download path under the API; null for a document shown as a digest only. */
  url: z.string().nullable(),
  /** SM3 digest of the signed commitment. */
  digest: z.string().nullable(),
  at: z.string().nullable(),
});
export type CaseDocument = z.infer<typeof caseDocument>;

export const caseView = z.object({
  businessKey: z.string(),
  title: z.string(),
  statusLabel: z.string(),
  /** false when the viewer is the candidate (reduced view). */
  staffView: z.boolean(),
  instances: z.array(caseInstance),
  timeline: z.array(caseTimelineEntry),
  documents: z.array(caseDocument),
});
export type CaseView = z.infer<typeof caseView>;

/** An engine incident as operators see it (U10). */
export const operationsIncident = z.object({
  id: z.string(),
  type: z.string(),
  processKey: z.string().nullable(),
  businessKey: z.string().nullable(),
  activityId: z.string().nullable(),
  activityName: z.string().nullable(),
  message: z.string().nullable(),
  at: z.string(),
  retries: z.number().int().nullable(),
  retryable: z.boolean(),
});
export type OperationsIncident = z.infer<typeof operationsIncident>;

export const operationsIncidentList = z.object({
  incidents: z.array(operationsIncident),
  /** The engine's Cockpit; reachable only from the operators' network, never from browsers in production. */
  cockpitUrl: z.string(),
});
export type OperationsIncidentList = z.infer<typeof operationsIncidentList>;

export const incidentTypeLabels: Record<string, string> = {
  failedExternalTask: '外部任务失败',
  failedJob: '作业执行失败',
};
