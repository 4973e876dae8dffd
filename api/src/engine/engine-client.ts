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
  taskDefinitionKey?: string;
  processInstanceBusinessKey?: string;
  /** Tasks assigned to this user OR unassigned tasks of these groups. */
  assigneeOrCandidateGroups?: { assignee: string; groups: string[] };
  sorting?: Array<{ sortBy: 'created' | 'dueDate'; sortOrder: 'asc' | 'desc' }>;
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
    if (q.taskDefinitionKey) body.taskDefinitionKey = q.taskDefinitionKey;
    if (q.processInstanceBusinessKey) body.processInstanceBusinessKey = q.processInstanceBusinessKey;
    if (q.assigneeOrCandidateGroups) {
      const { assignee, groups } = q.assigneeOrCandidateGroups;
      body.orQueries = [groups.length ? { assignee, candidateGroups: groups } : { assignee }];
    }
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

  processInstancesByBusinessKey(processDefinitionKey: string, businessKey: string): Promise<EngineProcessInstance[]> {
    const q = new URLSearchParams({ processDefinitionKey, businessKey });
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

  async incidentCount(): Promise<number> {
    return (await this.request('GET', '/incident/count', z.object({ count: z.number() }))).count;
  }
}
