import { incidentTypeLabels, type OperationsIncident, type OperationsIncidentList } from '../../contracts/cases';
import { EngineError, type EngineClient, type EngineIncident } from '../../engine/engine-client';
import { conflict, notFound } from '../../http/errors';
import { bpmnElementNames } from './bpmn-element-names';

const messages = {
  notFound: '该异常不存在或已处理',
  notRetryable: '该类型的异常不能在此重试，请在 Cockpit 中处理',
};

/** Incident types whose failed unit (external task or job) the engine runs again once it has retries. */
const retryableTypes = new Set(['failedExternalTask', 'failedJob']);

/** Operations (U10): the engine's open incidents with their cause, and a retry. */
export class OperationsService {
  constructor(private readonly engine: EngineClient) {}

  /** The engine's Cockpit. Shown to operators only; in production the engine is unreachable from browsers. */
  cockpitUrl(): string {
    return `${this.engine.baseUrl.replace(/\/engine-rest\/?$/, '')}/operaton/app/cockpit/`;
  }

  async incidents(): Promise<OperationsIncidentList> {
    const incidents = await this.engine.incidents();
    const instanceIds = [...new Set(incidents.flatMap((i) => (i.processInstanceId ? [i.processInstanceId] : [])))];
    const definitionIds = [...new Set(incidents.flatMap((i) => (i.processDefinitionId ? [i.processDefinitionId] : [])))];
    const [instances, names, retries] = await Promise.all([
      this.engine.processInstancesByIds(instanceIds),
      Promise.all(definitionIds.map(async (id) => [id, bpmnElementNames(await this.engine.processDefinitionXml(id))] as const)).then((e) => new Map(e)),
      Promise.all(incidents.map((i) => this.retriesOf(i))),
    ]);
    const businessKeys = new Map(instances.map((p) => [p.id, p.businessKey]));
    const rows = incidents.map(
      (i, n): OperationsIncident => ({
        id: i.id,
        type: incidentTypeLabels[i.incidentType] ?? i.incidentType,
        // Definition ids are `key:version:uuid`.
        processKey: i.processDefinitionId?.split(':')[0] ?? null,
        businessKey: (i.processInstanceId && businessKeys.get(i.processInstanceId)) || null,
        activityId: i.activityId,
        activityName: (i.activityId && i.processDefinitionId && names.get(i.processDefinitionId)?.get(i.activityId)) || null,
        message: i.incidentMessage,
        at: i.incidentTimestamp,
        retries: retries[n] ?? null,
        retryable: retryableTypes.has(i.incidentType) && !!i.configuration,
      }),
    );
    return { incidents: rows.reverse(), cockpitUrl: this.cockpitUrl() };
  }

  /** Gives the failed external task or job one retry; the engine resolves the incident and tries again. */
  async retry(incidentId: string): Promise<{ id: string; retries: number }> {
    const [incident] = await this.engine.incidents({ incidentId }, 1);
    if (!incident) throw notFound(messages.notFound);
    if (!retryableTypes.has(incident.incidentType) || !incident.configuration) throw conflict('INCIDENT_NOT_RETRYABLE', messages.notRetryable);
    try {
      if (incident.incidentType === 'failedExternalTask') await this.engine.setExternalTaskRetries(incident.configuration, 1);
      else await this.engine.setJobRetries(incident.configuration, 1);
    } catch (err) {
      // Resolved by someone else between our read and the retry.
      if (err instanceof EngineError && err.status === 404) throw notFound(messages.notFound);
      throw err;
    }
    return { id: incident.id, retries: 1 };
  }

  private async retriesOf(i: EngineIncident): Promise<number | null> {
    if (!i.configuration) return null;
    try {
      if (i.incidentType === 'failedExternalTask') return (await this.engine.externalTask(i.configuration)).retries;
      if (i.incidentType === 'failedJob') return (await this.engine.job(i.configuration)).retries;
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) return null;
      throw err;
    }
    return null;
  }
}
