import { z } from 'zod';
import { caseView, operationsIncidentList, type CaseView, type OperationsIncidentList } from '../../../../api/src/contracts/cases';
import { getJson, postJson } from '../../api/http';

/** The case of a business key (报名号): diagrams with the path taken, timeline, documents (U8, U9). */
export function getCase(businessKey: string): Promise<CaseView> {
  return getJson(`/api/cases/${encodeURIComponent(businessKey)}`, caseView);
}

/** Open engine incidents with their cause, and the Cockpit address (U10, operators). */
export function listIncidents(): Promise<OperationsIncidentList> {
  return getJson('/api/operations/incidents', operationsIncidentList);
}

/** 重试: the failed external task or job gets one retry. */
export function retryIncident(id: string): Promise<{ id: string; retries: number }> {
  return postJson(`/api/operations/incidents/${encodeURIComponent(id)}/retry`, undefined, z.object({ id: z.string(), retries: z.number() }));
}
