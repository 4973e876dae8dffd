import type { CurrentUser } from '../../contracts/auth';
import type { CaseActivity, CaseDocument, CaseInstance, CaseTimelineEntry, CaseView } from '../../contracts/cases';
import type { EngineClient, EngineIncident, HistoricActivity, HistoricProcessInstance } from '../../engine/engine-client';
import { notFound } from '../../http/errors';
import type { CaseRepository } from './case.repository';
import type { CaseEvent, CaseTypeRegistry } from './case-type';
import type { TaskAttachmentService } from '../tasks/task-attachments.service';

/** Steps a reader of the timeline cares about; gateways, start events and containers are plumbing. */
const stepTypes = new Set(['userTask', 'serviceTask', 'receiveTask', 'sendTask', 'scriptTask', 'businessRuleTask', 'callActivity', 'manualTask', 'task']);
const isStep = (a: HistoricActivity): boolean => stepTypes.has(a.activityType) || (/EndEvent$/.test(a.activityType) && !!a.activityName) || a.activityType === 'boundaryMessage';
/** Scopes that stay open around the current step; the diagram marks the step, not its container. */
const containerTypes = new Set(['subProcess', 'processDefinition', 'multiInstanceBody']);

/** What candidates see instead of staff names (privacy). */
const STAFF_FOR_CANDIDATE = { reviewer: '审核人员', staff: '工作人员', self: '本人' } as const;

/**
 * The case view (U8, U9): each engine instance of a business key with its diagram and the path taken,
 * and one timeline merging engine steps with our business events (opinions), in plain Chinese.
 */
export class CaseService {
  constructor(
    private readonly engine: EngineClient,
    private readonly caseTypes: CaseTypeRegistry,
    private readonly cases: CaseRepository,
    /** Files reviewers attached to the case's tasks (U6), listed for staff only. */
    private readonly taskAttachments?: Pick<TaskAttachmentService, 'caseDocuments'>,
  ) {}

  async view(user: CurrentUser, businessKey: string): Promise<CaseView> {
    // The case type that owns the number checks the data scope (404 when the user may not see it).
    const [details, historic] = await Promise.all([this.caseTypes.details(user, businessKey), this.engine.historicProcessInstancesByBusinessKey(businessKey)]);
    if (!details) throw notFound('该案件不存在');
    const staffView = details.ownerUserId !== user.id;
    const loaded = await Promise.all(historic.map((p) => this.loadInstance(p)));
    const names = await this.cases.displayNames(loaded.flatMap((l) => l.activities.flatMap((a) => (a.assignee ? [a.assignee] : []))));
    const actorOf = (username: string | null): string | null => {
      if (!username) return null;
      if (!staffView) return username === user.username ? STAFF_FOR_CANDIDATE.self : STAFF_FOR_CANDIDATE.reviewer;
      return names.get(username) ?? username;
    };

    const instances: CaseInstance[] = loaded.map(({ instance, xml, activities, incidents }) => ({
      instanceId: staffView ? instance.id : null,
      processKey: instance.processDefinitionKey,
      processName: instance.processDefinitionName,
      version: instance.processDefinitionVersion,
      startedAt: instance.startTime,
      endedAt: instance.endTime,
      state: instance.state,
      diagramXml: xml,
      activities: latestRuns(activities).map(
        (a): CaseActivity => ({
          activityId: a.activityId,
          name: a.activityName,
          type: a.activityType,
          startedAt: a.startTime,
          endedAt: a.endTime,
          actor: a.activityType === 'userTask' ? actorOf(a.assignee) : null,
          canceled: a.canceled ?? false,
        }),
      ),
      passedElements: unique(activities.filter((a) => a.endTime && !a.canceled).map((a) => a.activityId)),
      currentElements: unique(activities.filter((a) => !a.endTime && !containerTypes.has(a.activityType)).map((a) => a.activityId)),
      incidentElements: staffView ? unique(incidents.flatMap((i) => (i.activityId ? [i.activityId] : []))) : [],
      incidents: staffView ? incidents.map((i) => ({ activityId: i.activityId, message: i.incidentMessage, at: i.incidentTimestamp })) : [],
    }));

    const timeline = [
      ...loaded.flatMap((l) => engineSteps(l.activities, l.incidents, actorOf, staffView)),
      ...details.events.map((e) => businessEntry(e, staffView, user.displayName)),
    ].sort((a, b) => a.at.localeCompare(b.at) || (a.source === b.source ? 0 : a.source === 'engine' ? -1 : 1));

    const documents: CaseDocument[] = [...details.documents];
    // Internal review documents: the candidate does not see them.
    if (staffView && this.taskAttachments) documents.push(...(await this.taskAttachments.caseDocuments(businessKey)));

    return {
      businessKey,
      title: details.title,
      statusLabel: details.statusLabel,
      staffView,
      instances,
      timeline,
      documents,
    };
  }

  private async loadInstance(instance: HistoricProcessInstance): Promise<{ instance: HistoricProcessInstance; xml: string; activities: HistoricActivity[]; incidents: EngineIncident[] }> {
    const [xml, activities, incidents] = await Promise.all([
      this.engine.processDefinitionXml(instance.processDefinitionId),
      this.engine.historicActivities(instance.id),
      instance.endTime ? Promise.resolve([]) : this.engine.incidents({ processInstanceId: instance.id }),
    ]);
    return { instance, xml, activities, incidents };
  }
}

/**
 * Every user-task run, but only the latest run of an automatic step that repeats (the payment query
 * runs on a timer until payment, thousands of times in a long case).
 */
function latestRuns(activities: HistoricActivity[]): HistoricActivity[] {
  const last = new Map<string, HistoricActivity>();
  for (const a of activities) if (a.activityType !== 'userTask') last.set(a.activityId, a);
  return activities.filter((a) => a.activityType === 'userTask' || last.get(a.activityId) === a);
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/**
 * Engine steps in plain Chinese. A service step that repeats (the payment query runs on a timer)
 * is shown once, at its latest run, with how often it ran.
 */
function engineSteps(
  activities: HistoricActivity[],
  incidents: EngineIncident[],
  actorOf: (username: string | null) => string | null,
  staffView: boolean,
): CaseTimelineEntry[] {
  const steps = activities.filter(isStep);
  const runs = new Map<string, number>();
  for (const a of steps) if (a.activityType !== 'userTask') runs.set(a.activityId, (runs.get(a.activityId) ?? 0) + 1);
  const seen = new Map<string, number>();
  const failed = new Set(incidents.flatMap((i) => (i.activityId ? [i.activityId] : [])));
  const entries: CaseTimelineEntry[] = [];
  for (const a of steps) {
    const total = runs.get(a.activityId) ?? 1;
    if (a.activityType !== 'userTask') {
      const n = (seen.get(a.activityId) ?? 0) + 1;
      seen.set(a.activityId, n);
      if (n < total) continue;
    }
    const name = a.activityName ?? (staffView ? a.activityId : '办理步骤');
    const open = !a.endTime;
    const human = a.activityType === 'userTask';
    let detail: string | null;
    if (open && failed.has(a.activityId)) detail = staffView ? '处理出错，等待运维人员处理' : '系统处理中，请稍候';
    else if (open) detail = human ? '办理中' : a.activityType === 'receiveTask' ? '等待中' : '系统处理中';
    else if (a.canceled) detail = '已取消';
    else detail = human ? '已办理' : /EndEvent$/.test(a.activityType) ? '流程结束' : '系统已完成';
    if (total > 1) detail = `${detail}（共${total}次）`;
    entries.push({
      at: open ? a.startTime : (a.endTime ?? a.startTime),
      title: name,
      detail,
      actor: human ? actorOf(a.assignee) : '系统',
      source: 'engine',
      state: open && failed.has(a.activityId) ? 'failed' : open ? 'current' : 'done',
    });
  }
  return entries;
}

function businessEntry(e: CaseEvent, staffView: boolean, viewerName: string): CaseTimelineEntry {
  let actor = e.actor;
  if (!staffView && actor && actor !== '系统' && actor !== viewerName) actor = e.kind.startsWith('review-') ? STAFF_FOR_CANDIDATE.reviewer : STAFF_FOR_CANDIDATE.staff;
  return {
    at: e.at.toISOString(),
    title: e.title,
    detail: e.detail,
    actor,
    source: 'business',
    state: e.failed ? 'failed' : 'done',
  };
}
