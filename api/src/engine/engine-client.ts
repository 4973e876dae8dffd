import { z } from 'zod';

export type VariableValue = string | number | boolean | null;
type EngineVariables = Record<string, { value: VariableValue; type: string }>;

/** Process variables in the engine's typed JSON form. */
export function toEngineVariables(vars: Record<string, VariableValue>): EngineVariables {
  const out: EngineVariables = {};
  for (const [name, value] of Object.entries(vars)) {
    const type =
      value === null ? 'Null' : typeof value === 'boolean' ? 'Boolean' : typeof value === 'string' ? 'String' : Number.isInteger(value) ? 'Long' : 'Double';
    out[name] = { value, type };
  }
  return out;
}

export const engineTask = z.object({
  id: z.string(),
  name: z.string().nullable(),
  assignee: z.string().nullable(),
  created: z.string(),
  due: z.string().nullable(),
  followUp: z.string().nullable().optional(),
  taskDefinitionKey: z.string(),
  processInstanceId: z.string(),
  processDefinitionId: z.string(),
  formKey: z.string().nullable().optional(),
  owner: z.string().nullable().optional(),
  /** PENDING while delegated (委派), RESOLVED once the delegate handed it back. */
  delegationState: z.enum(['PENDING', 'RESOLVED']).nullable().optional(),
  description: z.string().nullable().optional(),
  priority: z.number().optional(),
  parentTaskId: z.string().nullable().optional(),
  tenantId: z.string().nullable().optional(),
});
export type EngineTask = z.infer<typeof engineTask>;

const processInstance = z.object({ id: z.string(), businessKey: z.string().nullable(), definitionId: z.string(), ended: z.boolean() });
export type EngineProcessInstance = z.infer<typeof processInstance>;

const deployment = z.object({
  id: z.string(),
  name: z.string().nullable(),
  deploymentTime: z.string(),
  deployedProcessDefinitions: z.record(z.string(), z.object({ id: z.string(), key: z.string(), version: z.number() })).nullable().optional(),
  deployedDecisionDefinitions: z.record(z.string(), z.object({ id: z.string(), key: z.string(), version: z.number() })).nullable().optional(),
});
export type EngineDeployment = z.infer<typeof deployment>;

const processDefinition = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string().nullable(),
  version: z.number(),
  deploymentId: z.string(),
  versionTag: z.string().nullable().optional(),
});
export type EngineProcessDefinition = z.infer<typeof processDefinition>;
export type EngineProcessDefinitionStatistics = EngineProcessDefinition & { runningInstances: number };

const deploymentInfo = z.object({ id: z.string(), name: z.string().nullable(), source: z.string().nullable(), deploymentTime: z.string() });
export type EngineDeploymentInfo = z.infer<typeof deploymentInfo>;

const historicActivity = z.object({
  id: z.string(),
  activityId: z.string(),
  activityName: z.string().nullable(),
  activityType: z.string(),
  assignee: z.string().nullable(),
  startTime: z.string(),
  endTime: z.string().nullable(),
  canceled: z.boolean().optional(),
});
export type HistoricActivity = z.infer<typeof historicActivity>;

/** The engine answered with an error status; `status` tells callers (e.g. 404 for a task that is gone). */
export class EngineError extends Error {
  constructor(
    readonly status: number,
    readonly engineType: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface TaskQuery {
  processDefinitionKey?: string;
  /** Tasks of any of these process definitions (by key). */
  processDefinitionKeyIn?: string[];
  taskDefinitionKey?: string;
  processInstanceBusinessKey?: string;
  /** Tasks of any of these cases (business keys). */
  processInstanceBusinessKeyIn?: string[];
  processInstanceIdIn?: string[];
  /** Tasks assigned to this user OR unassigned tasks of these groups. */
  assigneeOrCandidateGroups?: { assignee: string; groups: string[] };
  sorting?: Array<{ sortBy: 'created' | 'dueDate'; sortOrder: 'asc' | 'desc' }>;
  /** Tasks assigned to exactly this user. */
  assignee?: string;
  /** Unassigned tasks offered to this group (the engine leaves assigned ones out). */
  candidateGroup?: string;
}

/**
 * A typed client for the engine's REST API (`/engine-rest`). It speaks HTTP only; the API and the
 * workers own the meaning of what they ask. The browser never reaches the engine directly.
 */
export class EngineClient {
  private readonly authHeader: string;

  constructor(
    readonly baseUrl: string,
    user: string,
    password: string,
    private readonly timeoutMs = 15_000,
  ) {
    this.authHeader = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  private async request<T>(method: string, path: string, schema: z.ZodType<T> | null, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { authorization: this.authHeader }, signal: AbortSignal.timeout(this.timeoutMs) };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, init);
    const text = await res.text();
    if (!res.ok) {
      let type = 'HttpError';
      let message = text.slice(0, 500);
      try {
        const parsed = JSON.parse(text) as { type?: string; message?: string };
        type = parsed.type ?? type;
        message = parsed.message ?? message;
      } catch {
        // not JSON: keep the raw text
      }
      throw new EngineError(res.status, type, `${method} ${path}: ${res.status} ${message}`);
    }
    if (!schema) return undefined as T;
    return schema.parse(text ? JSON.parse(text) : null);
  }

  engineNames(): Promise<Array<{ name: string }>> {
    return this.request('GET', '/engine', z.array(z.object({ name: z.string() })));
  }

  /** Deploys resources; with `changedOnly` an unchanged resource creates no new version. */
  deploy(name: string, resources: Array<{ fileName: string; content: Buffer | string }>, changedOnly = true): Promise<EngineDeployment> {
    const form = new FormData();
    form.set('deployment-name', name);
    form.set('deployment-source', 'bpm-app');
    form.set('enable-duplicate-filtering', String(changedOnly));
    form.set('deploy-changed-only', String(changedOnly));
    for (const r of resources) form.set(r.fileName, new Blob([r.content]), r.fileName);
    return this.request('POST', '/deployment/create', deployment, form);
  }

  startProcess(key: string, businessKey: string, variables: Record<string, VariableValue>): Promise<EngineProcessInstance> {
    return this.request('POST', `/process-definition/key/${encodeURIComponent(key)}/start`, processInstance, {
      businessKey,
      variables: toEngineVariables(variables),
    });
  }

  private taskQueryBody(q: TaskQuery): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    if (q.processDefinitionKey) body.processDefinitionKey = q.processDefinitionKey;
    if (q.processDefinitionKeyIn) body.processDefinitionKeyIn = q.processDefinitionKeyIn;
    if (q.taskDefinitionKey) body.taskDefinitionKey = q.taskDefinitionKey;
    if (q.processInstanceBusinessKey) body.processInstanceBusinessKey = q.processInstanceBusinessKey;
    if (q.processInstanceBusinessKeyIn) body.processInstanceBusinessKeyIn = q.processInstanceBusinessKeyIn;
    if (q.processInstanceIdIn) body.processInstanceIdIn = q.processInstanceIdIn;
    if (q.assigneeOrCandidateGroups) {
      const { assignee, groups } = q.assigneeOrCandidateGroups;
      body.orQueries = [groups.length ? { assignee, candidateGroups: groups } : { assignee }];
    }
    if (q.assignee) body.assignee = q.assignee;
    if (q.candidateGroup) body.candidateGroup = q.candidateGroup;
    if (q.sorting) body.sorting = q.sorting;
    return body;
  }

  queryTasks(q: TaskQuery, firstResult = 0, maxResults = 50): Promise<EngineTask[]> {
    return this.request('POST', `/task?firstResult=${firstResult}&maxResults=${maxResults}`, z.array(engineTask), this.taskQueryBody(q));
  }

  async countTasks(q: TaskQuery): Promise<number> {
    return (await this.request('POST', '/task/count', z.object({ count: z.number() }), this.taskQueryBody(q))).count;
  }

  getTask(id: string): Promise<EngineTask> {
    return this.request('GET', `/task/${encodeURIComponent(id)}`, engineTask);
  }

  /** Groups that may claim a task. */
  async candidateGroups(taskId: string): Promise<string[]> {
    const links = await this.request(
      'GET',
      `/task/${encodeURIComponent(taskId)}/identity-links?type=candidate`,
      z.array(z.object({ groupId: z.string().nullable(), userId: z.string().nullable() })),
    );
    return links.flatMap((l) => (l.groupId ? [l.groupId] : []));
  }

  claim(taskId: string, userId: string): Promise<void> {
    return this.request('POST', `/task/${encodeURIComponent(taskId)}/claim`, null, { userId });
  }

  unclaim(taskId: string): Promise<void> {
    return this.request('POST', `/task/${encodeURIComponent(taskId)}/unclaim`, null, {});
  }

  complete(taskId: string, variables: Record<string, VariableValue>): Promise<void> {
    return this.request('POST', `/task/${encodeURIComponent(taskId)}/complete`, null, { variables: toEngineVariables(variables) });
  }

  /** 转办: makes another user the assignee. */
  setAssignee(taskId: string, userId: string): Promise<void> {
    return this.request('POST', `/task/${encodeURIComponent(taskId)}/assignee`, null, { userId });
  }

  /** 委派: the delegate becomes assignee, the current assignee becomes owner. */
  delegate(taskId: string, userId: string): Promise<void> {
    return this.request('POST', `/task/${encodeURIComponent(taskId)}/delegate`, null, { userId });
  }

  /** Hands a delegated task back to its owner. */
  resolve(taskId: string, variables: Record<string, VariableValue> = {}): Promise<void> {
    return this.request('POST', `/task/${encodeURIComponent(taskId)}/resolve`, null, { variables: toEngineVariables(variables) });
  }

  createComment(taskId: string, message: string, processInstanceId: string): Promise<EngineComment> {
    return this.request('POST', `/task/${encodeURIComponent(taskId)}/comment/create`, engineComment, { message, processInstanceId });
  }

  comments(taskId: string): Promise<EngineComment[]> {
    return this.request('GET', `/task/${encodeURIComponent(taskId)}/comment`, z.array(engineComment));
  }

  /** `PUT /task/{id}` replaces every property: pass the task as read, with the changes. */
  updateTask(task: EngineTask, changes: { due?: string | null; followUp?: string | null }): Promise<void> {
    return this.request('PUT', `/task/${encodeURIComponent(task.id)}`, null, {
      name: task.name,
      description: task.description ?? null,
      assignee: task.assignee,
      owner: task.owner ?? null,
      delegationState: task.delegationState ?? null,
      priority: task.priority ?? 50,
      parentTaskId: task.parentTaskId ?? null,
      tenantId: task.tenantId ?? null,
      due: 'due' in changes ? changes.due : task.due,
      followUp: 'followUp' in changes ? changes.followUp : (task.followUp ?? null),
    });
  }

  /** The instance's activity-instance tree (what is active now). */
  activityInstances(processInstanceId: string): Promise<EngineActivityInstance> {
    return this.request('GET', `/process-instance/${encodeURIComponent(processInstanceId)}/activity-instances`, engineActivityInstance);
  }

  /** Moves tokens of a running instance (退回, 撤回): instructions run in order. */
  modifyProcessInstance(
    processInstanceId: string,
    instructions: Array<{ type: 'startBeforeActivity'; activityId: string } | { type: 'cancel'; activityInstanceId: string }>,
    annotation: string,
  ): Promise<void> {
    return this.request('POST', `/process-instance/${encodeURIComponent(processInstanceId)}/modification`, null, {
      skipCustomListeners: false,
      skipIoMappings: false,
      instructions,
      annotation,
    });
  }

  /** Historic tasks by a query body (`POST /history/task`), paged. */
  queryHistoricTasks(
    q: { taskAssignee?: string; finished?: boolean; processDefinitionKey?: string; processInstanceBusinessKeyIn?: string[]; taskId?: string; taskDeleteReason?: string },
    sorting: Array<{ sortBy: 'endTime' | 'dueDate' | 'startTime'; sortOrder: 'asc' | 'desc' }>,
    firstResult = 0,
    maxResults = 50,
  ): Promise<HistoricTask[]> {
    return this.request('POST', `/history/task?firstResult=${firstResult}&maxResults=${maxResults}`, z.array(historicTask), { ...q, sorting });
  }

  processInstancesByBusinessKey(processDefinitionKey: string, businessKey: string): Promise<EngineProcessInstance[]> {
    const q = new URLSearchParams({ processDefinitionKey, businessKey });
    return this.request('GET', `/process-instance?${q}`, z.array(processInstance));
  }

  /** Running instances of a process whose variable `name` equals `value` (a value without commas). */
  processInstancesByVariable(processDefinitionKey: string, name: string, value: string): Promise<EngineProcessInstance[]> {
    const q = new URLSearchParams({ processDefinitionKey, variables: `${name}_eq_${value}` });
    return this.request('GET', `/process-instance?${q}`, z.array(processInstance));
  }

  processInstance(id: string): Promise<EngineProcessInstance> {
    return this.request('GET', `/process-instance/${encodeURIComponent(id)}`, processInstance);
  }

  historicActivities(processInstanceId: string): Promise<HistoricActivity[]> {
    return this.request(
      'GET',
      `/history/activity-instance?processInstanceId=${encodeURIComponent(processInstanceId)}&sortBy=startTime&sortOrder=asc`,
      z.array(historicActivity),
    );
  }

  /** Evaluates the latest version of a deployed DMN decision; one map of output values per matched rule. */
  async evaluateDecision(key: string, variables: Record<string, VariableValue>): Promise<Array<Record<string, unknown>>> {
    const results = await this.request(
      'POST',
      `/decision-definition/key/${encodeURIComponent(key)}/evaluate`,
      z.array(z.record(z.string(), z.object({ value: z.unknown() }).passthrough())),
      { variables: toEngineVariables(variables) },
    );
    return results.map((r) => Object.fromEntries(Object.entries(r).map(([name, v]) => [name, v.value ?? null])));
  }

  /** Delivers a message to the one waiting execution of the case with this business key. */
  correlateMessage(
    messageName: string,
    businessKey: string,
    processVariables: Record<string, VariableValue> = {},
    /** Process variables the waiting execution must also have (e.g. which delivery of the case). */
    correlationKeys: Record<string, VariableValue> = {},
  ): Promise<void> {
    return this.request('POST', '/message', null, {
      messageName,
      businessKey,
      processVariables: toEngineVariables(processVariables),
      ...(Object.keys(correlationKeys).length ? { correlationKeys: toEngineVariables(correlationKeys) } : {}),
    });
  }

  /** Every version of every process definition with its running instances (one call: the statistics resource). */
  async processDefinitionStatistics(): Promise<EngineProcessDefinitionStatistics[]> {
    const rows = await this.request(
      'GET',
      '/process-definition/statistics',
      z.array(z.object({ id: z.string(), instances: z.number(), definition: processDefinition })),
    );
    return rows.map((r) => ({ ...r.definition, runningInstances: r.instances }));
  }

  /** Versions of one process, newest first. */
  processDefinitionsByKey(key: string): Promise<EngineProcessDefinition[]> {
    const q = new URLSearchParams({ key, sortBy: 'version', sortOrder: 'desc' });
    return this.request('GET', `/process-definition?${q}`, z.array(processDefinition));
  }

  async processDefinitionXml(id: string): Promise<string> {
    return (await this.request('GET', `/process-definition/${encodeURIComponent(id)}/xml`, z.object({ id: z.string(), bpmn20Xml: z.string() }))).bpmn20Xml;
  }

  async processInstanceCount(processDefinitionId: string): Promise<number> {
    const q = new URLSearchParams({ processDefinitionId });
    return (await this.request('GET', `/process-instance/count?${q}`, z.object({ count: z.number() }))).count;
  }

  /** Deployments with their time and source, newest first. */
  deployments(): Promise<EngineDeploymentInfo[]> {
    const q = new URLSearchParams({ sortBy: 'deploymentTime', sortOrder: 'desc' });
    return this.request('GET', `/deployment?${q}`, z.array(deploymentInfo));
  }

  async incidentCount(): Promise<number> {
    return (await this.request('GET', '/incident/count', z.object({ count: z.number() }))).count;
  }

  /** Every instance ever started with this business key (running and ended), newest first. */
  historicProcessInstancesByBusinessKey(businessKey: string): Promise<HistoricProcessInstance[]> {
    const q = new URLSearchParams({ processInstanceBusinessKey: businessKey, sortBy: 'startTime', sortOrder: 'desc' });
    return this.request('GET', `/history/process-instance?${q}`, z.array(historicProcessInstance));
  }

  /** One instance, running or ended, from the history. */
  historicProcessInstance(id: string): Promise<HistoricProcessInstance> {
    return this.request('GET', `/history/process-instance/${encodeURIComponent(id)}`, historicProcessInstance);
  }

  /** Historic user tasks of an instance (assignee, completion, delete reason). */
  historicTasks(processInstanceId: string): Promise<HistoricTask[]> {
    const q = new URLSearchParams({ processInstanceId, sortBy: 'startTime', sortOrder: 'asc' });
    return this.request('GET', `/history/task?${q}`, z.array(historicTask));
  }

  /** Open incidents, optionally of one instance or one incident id; oldest first. */
  incidents(filter: { processInstanceId?: string; incidentId?: string } = {}, maxResults = 200): Promise<EngineIncident[]> {
    const q = new URLSearchParams({ sortBy: 'incidentTimestamp', sortOrder: 'asc', firstResult: '0', maxResults: String(maxResults) });
    if (filter.processInstanceId) q.set('processInstanceId', filter.processInstanceId);
    if (filter.incidentId) q.set('incidentId', filter.incidentId);
    return this.request('GET', `/incident?${q}`, z.array(engineIncident));
  }

  /** Running instances by id (one call for many). */
  processInstancesByIds(ids: string[]): Promise<EngineProcessInstance[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.request('POST', '/process-instance', z.array(processInstance), { processInstanceIds: ids });
  }

  externalTask(id: string): Promise<{ id: string; retries: number | null; topicName: string | null; errorMessage: string | null }> {
    return this.request(
      'GET',
      `/external-task/${encodeURIComponent(id)}`,
      z.object({ id: z.string(), retries: z.number().nullable(), topicName: z.string().nullable(), errorMessage: z.string().nullable() }),
    );
  }

  job(id: string): Promise<{ id: string; retries: number; exceptionMessage: string | null }> {
    return this.request('GET', `/job/${encodeURIComponent(id)}`, z.object({ id: z.string(), retries: z.number(), exceptionMessage: z.string().nullable() }));
  }

  /** Gives a failed external task retries again; the engine resolves its incident. */
  setExternalTaskRetries(id: string, retries: number): Promise<void> {
    return this.request('PUT', `/external-task/${encodeURIComponent(id)}/retries`, null, { retries });
  }

  /** Gives a failed job retries again; the engine resolves its incident. */
  setJobRetries(id: string, retries: number): Promise<void> {
    return this.request('PUT', `/job/${encodeURIComponent(id)}/retries`, null, { retries });
  }

  // --- Task forms, DMN editing and migration of running instances (U3, U4) ---

  /** Links a document (by URL) to a task as an attachment. */
  async createTaskUrlAttachment(taskId: string, processInstanceId: string, name: string, url: string): Promise<void> {
    const form = new FormData();
    form.set('attachment-name', name);
    form.set('attachment-type', 'url');
    form.set('url', url);
    form.set('process-instance-id', processInstanceId);
    await this.request('POST', `/task/${encodeURIComponent(taskId)}/attachment/create`, z.object({ id: z.string() }), form);
  }

  /** Every version of every DMN decision, newest version first per key. */
  decisionDefinitions(): Promise<EngineDecisionDefinition[]> {
    const q = new URLSearchParams({ sortBy: 'version', sortOrder: 'desc' });
    return this.request('GET', `/decision-definition?${q}`, z.array(decisionDefinition));
  }

  decisionDefinition(id: string): Promise<EngineDecisionDefinition> {
    return this.request('GET', `/decision-definition/${encodeURIComponent(id)}`, decisionDefinition);
  }

  async decisionDefinitionXml(id: string): Promise<string> {
    return (await this.request('GET', `/decision-definition/${encodeURIComponent(id)}/xml`, z.object({ id: z.string(), dmnXml: z.string() }))).dmnXml;
  }

  processDefinition(id: string): Promise<EngineProcessDefinition> {
    return this.request('GET', `/process-definition/${encodeURIComponent(id)}`, processDefinition);
  }

  /** Running instances of one process definition version. */
  processInstancesOfDefinition(processDefinitionId: string, maxResults = 1000): Promise<EngineProcessInstance[]> {
    const q = new URLSearchParams({ processDefinitionId, firstResult: '0', maxResults: String(maxResults) });
    return this.request('GET', `/process-instance?${q}`, z.array(processInstance));
  }

  /** The engine's migration plan between two versions: activities mapped by id (and equal type). */
  generateMigrationPlan(sourceProcessDefinitionId: string, targetProcessDefinitionId: string): Promise<EngineMigrationPlan> {
    return this.request('POST', '/migration/generate', engineMigrationPlan, { sourceProcessDefinitionId, targetProcessDefinitionId, updateEventTriggers: true });
  }

  /** Problems the engine finds in a plan (an activity that cannot be mapped, a variable that cannot be set). */
  validateMigrationPlan(plan: EngineMigrationPlan): Promise<EngineMigrationValidation> {
    return this.request('POST', '/migration/validate', engineMigrationValidation, plan);
  }

  /** Migrates the instances at once; the engine refuses the whole set if one cannot be migrated. */
  executeMigration(plan: EngineMigrationPlan, processInstanceIds: string[]): Promise<void> {
    return this.request('POST', '/migration/execute', null, { migrationPlan: plan, processInstanceIds, skipCustomListeners: false, skipIoMappings: false });
  }

  /** Migrates the instances in a batch job; returns the batch. */
  executeMigrationAsync(plan: EngineMigrationPlan, processInstanceIds: string[]): Promise<{ id: string; totalJobs: number }> {
    return this.request('POST', '/migration/executeAsync', z.object({ id: z.string(), totalJobs: z.number() }).passthrough(), {
      migrationPlan: plan,
      processInstanceIds,
      skipCustomListeners: false,
      skipIoMappings: false,
    });
  }
}

const decisionDefinition = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string().nullable(),
  version: z.number(),
  deploymentId: z.string(),
  historyTimeToLive: z.number().nullable().optional(),
});
export type EngineDecisionDefinition = z.infer<typeof decisionDefinition>;

export const engineMigrationInstruction = z.object({
  sourceActivityIds: z.array(z.string()),
  targetActivityIds: z.array(z.string()),
  updateEventTrigger: z.boolean().optional(),
});
export const engineMigrationPlan = z.object({
  sourceProcessDefinitionId: z.string(),
  targetProcessDefinitionId: z.string(),
  instructions: z.array(engineMigrationInstruction),
  variables: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type EngineMigrationPlan = z.infer<typeof engineMigrationPlan>;

const engineMigrationValidation = z.object({
  instructionReports: z.array(z.object({ instruction: engineMigrationInstruction, failures: z.array(z.string()) })),
  variableReports: z.record(z.string(), z.object({ failures: z.array(z.string()) }).passthrough()).nullable().optional(),
});
export type EngineMigrationValidation = z.infer<typeof engineMigrationValidation>;

const historicProcessInstance = z.object({
  id: z.string(),
  businessKey: z.string().nullable(),
  processDefinitionId: z.string(),
  processDefinitionKey: z.string(),
  processDefinitionName: z.string().nullable(),
  processDefinitionVersion: z.number(),
  startTime: z.string(),
  endTime: z.string().nullable(),
  state: z.string(),
});
export type HistoricProcessInstance = z.infer<typeof historicProcessInstance>;

const historicTask = z.object({
  id: z.string(),
  name: z.string().nullable(),
  assignee: z.string().nullable(),
  taskDefinitionKey: z.string(),
  activityInstanceId: z.string().nullable(),
  startTime: z.string(),
  endTime: z.string().nullable(),
  deleteReason: z.string().nullable(),
  processInstanceId: z.string().nullable().optional(),
  due: z.string().nullable().optional(),
  processDefinitionKey: z.string().nullable().optional(),
});
export type HistoricTask = z.infer<typeof historicTask>;

const engineIncident = z.object({
  id: z.string(),
  processDefinitionId: z.string().nullable(),
  processInstanceId: z.string().nullable(),
  incidentTimestamp: z.string(),
  incidentType: z.string(),
  activityId: z.string().nullable(),
  failedActivityId: z.string().nullable().optional(),
  /** The failed external task's or job's id, depending on the type. */
  configuration: z.string().nullable(),
  incidentMessage: z.string().nullable(),
});
export type EngineIncident = z.infer<typeof engineIncident>;

const engineComment = z.object({ id: z.string(), userId: z.string().nullable(), time: z.string(), message: z.string() });
export type EngineComment = z.infer<typeof engineComment>;

export interface EngineActivityInstance {
  id: string;
  activityId: string;
  activityType: string;
  childActivityInstances: EngineActivityInstance[];
}
const engineActivityInstance: z.ZodType<EngineActivityInstance> = z.lazy(() =>
  z.object({ id: z.string(), activityId: z.string(), activityType: z.string(), childActivityInstances: z.array(engineActivityInstance) }),
);
