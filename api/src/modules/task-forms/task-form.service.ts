import type { CurrentUser } from '../../contracts/auth';
import {
  FORM_KEY_PREFIX,
  GENERIC_APPROVAL_FORM_KEY,
  GENERIC_APPROVAL_SCHEMA,
  type CompleteTaskFormRequest,
  type CompleteTaskFormResult,
  type CreateTaskFormRequest,
  type FormJsSchema,
  type TaskFormOfTask,
  type TaskFormSummary,
  type TaskFormVersionRequest,
  type TaskFormView,
} from '../../contracts/task-forms';
import type { DataScope } from '../../auth/data-scope';
import { EngineError, type EngineClient, type EngineTask } from '../../engine/engine-client';
import { DomainError, conflict, forbidden, notFound, validationError } from '../../http/errors';
import { formFieldsOf, formVariables, type FormField } from './form-fields';
import type { TaskFormRepository, TaskFormRow } from './task-form.repository';
import type { CompletionGuard } from '../tasks/task-actions.service';
import { taskAttachmentUrl, type TaskAttachmentService } from '../tasks/task-attachments.service';

const messages = {
  noForm: '该表单不存在',
  formExists: '该表单标识已被使用，请换一个标识或保存为新版本',
  taskGone: '该待办已被处理或不存在',
  notYours: '您不能办理该待办',
  claimedByOther: '该待办已被其他人认领',
  ownView: '该待办有专门的办理页面，请从对应的待办列表办理',
  formMissing: '该待办的表单已不存在，请联系流程设计员',
  opinionRequired: '不同意时须填写审批意见',
};

const toView = (row: TaskFormRow): TaskFormView => ({
  key: row.form_key,
  formKey: `${FORM_KEY_PREFIX}${row.form_key}`,
  version: row.version,
  name: row.name,
  schema: row.schema,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
});

/**
 * Forms without code (U3): forms designed with form-js and stored by version; the form of a task
 * (a stored form, the generic approval form, or a console view); completing such a task with the
 * submitted values checked against the form's fields.
 */
export class TaskFormService {
  constructor(
    private readonly engine: EngineClient,
    private readonly repo: TaskFormRepository,
    private readonly scope: DataScope,
    /** The inbox's checks (委派 handed back, 加签 signed) and its 经办 record, as for 资格审核. */
    private readonly guard?: CompletionGuard,
    /** Files uploaded to the task (U6) that a completion refers to by id. */
    private readonly attachments?: TaskAttachmentService,
  ) {}

  async list(): Promise<TaskFormSummary[]> {
    return (await this.repo.latestVersions()).map((row) => {
      const { schema: _schema, ...view } = toView(row);
      return { ...view, versions: row.versions };
    });
  }

  async get(key: string, version?: number): Promise<TaskFormView> {
    const row = await this.repo.find(key, version);
    if (!row) throw notFound(messages.noForm);
    return toView(row);
  }

  async create(input: CreateTaskFormRequest, username: string): Promise<TaskFormView> {
    checkSchema(input.schema);
    if (await this.repo.find(input.key)) throw conflict('FORM_EXISTS', messages.formExists, 'key');
    return this.store(input.key, input.name, input.schema, username);
  }

  async addVersion(key: string, input: TaskFormVersionRequest, username: string): Promise<TaskFormView> {
    if (!(await this.repo.find(key))) throw notFound(messages.noForm);
    checkSchema(input.schema);
    return this.store(key, input.name, input.schema, username);
  }

  private async store(key: string, name: string, schema: FormJsSchema, username: string): Promise<TaskFormView> {
    try {
      return toView(await this.repo.insertVersion({ form_key: key, name, schema, created_by: username }));
    } catch (err) {
      // Two saves of the same key at once: the unique key refuses the second.
      if ((err as { code?: string }).code === '23505') throw conflict('FORM_VERSION_CONFLICT', '该表单刚被他人保存，请刷新后重试', 'key');
      throw err;
    }
  }

  /** The task, if the user may work on it: its assignee, or a member of a candidate group while unclaimed. */
  private async taskFor(user: CurrentUser, taskId: string): Promise<EngineTask> {
    let task: EngineTask;
    try {
      task = await this.engine.getTask(taskId);
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) throw notFound(messages.taskGone);
      throw err;
    }
    if (task.assignee === user.username) return task;
    if (task.assignee) throw forbidden(messages.notYours);
    const [groups, mine] = await Promise.all([this.engine.candidateGroups(taskId), this.scope.engineGroups(user)]);
    if (!groups.some((g) => mine.includes(g))) throw forbidden(messages.notYours);
    return task;
  }

  /** What the console shows for a task: the generic approval form, a stored form-js form, or its own view. */
  private async formOf(task: EngineTask): Promise<{ kind: TaskFormOfTask['kind']; form: TaskFormView | null; schema: FormJsSchema | null }> {
    const formKey = task.formKey ?? null;
    if (formKey === GENERIC_APPROVAL_FORM_KEY) return { kind: 'generic-approval', form: null, schema: GENERIC_APPROVAL_SCHEMA };
    if (formKey?.startsWith(FORM_KEY_PREFIX)) {
      const row = await this.repo.find(formKey.slice(FORM_KEY_PREFIX.length));
      if (!row) throw new DomainError(409, 'FORM_MISSING', messages.formMissing);
      return { kind: 'form-js', form: toView(row), schema: row.schema };
    }
    return { kind: 'view', form: null, schema: null };
  }

  async byTask(user: CurrentUser, taskId: string): Promise<TaskFormOfTask> {
    const task = await this.taskFor(user, taskId);
    const { kind, form } = await this.formOf(task);
    return {
      taskId: task.id,
      taskName: task.name ?? task.taskDefinitionKey,
      processInstanceId: task.processInstanceId,
      assignee: task.assignee,
      formKey: task.formKey ?? null,
      kind,
      form,
    };
  }

  /**
   * Completes a generic-approval or form-js task: checks the values against the form's fields, keeps
   * the opinion as a comment and the attachments (links, and files uploaded to the task) as engine
   * links, then completes with the form's own keys as variables. An unclaimed task is claimed for the
   * user first.
   */
  async complete(user: CurrentUser, taskId: string, input: CompleteTaskFormRequest): Promise<CompleteTaskFormResult> {
    const task = await this.taskFor(user, taskId);
    const { kind, schema } = await this.formOf(task);
    if (kind === 'view' || !schema) throw new DomainError(409, 'OWN_VIEW', messages.ownView);
    const fields: FormField[] = formFieldsOf(schema).fields;
    const { variables, errors } = formVariables(fields, input.data);
    if (kind === 'generic-approval' && variables.decision === 'reject' && !input.opinion) errors.push({ field: 'opinion', message: messages.opinionRequired });
    if (errors.length) throw validationError(errors);
    const uploaded = (await this.attachments?.referenced(taskId, input.attachmentIds ?? [])) ?? [];
    await this.guard?.beforeComplete(user, task);

    if (!task.assignee) {
      try {
        await this.engine.claim(taskId, user.username);
      } catch (err) {
        if (err instanceof EngineError && (err.status === 400 || err.status === 500)) throw conflict('TASK_CLAIMED', messages.claimedByOther);
        throw err;
      }
    }
    if (input.opinion) await this.engine.createComment(taskId, input.opinion, task.processInstanceId);
    for (const a of input.attachments ?? []) await this.engine.createTaskUrlAttachment(taskId, task.processInstanceId, a.name, a.url);
    // Uploaded files stay in our database; the engine's history links them with the opinion.
    for (const a of uploaded) await this.engine.createTaskUrlAttachment(taskId, task.processInstanceId, a.file_name, taskAttachmentUrl(taskId, a.id));
    try {
      // Only the form's own keys: a form cannot set other process variables. The engine's history keeps who completed it.
      await this.engine.complete(taskId, variables);
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) throw notFound(messages.taskGone);
      throw err;
    }
    await this.guard?.afterComplete(user, task, typeof variables.decision === 'string' ? variables.decision : 'completed');
    return { taskId, variables: Object.keys(variables) };
  }
}

/** A form must give the engine usable variables; problems name `schema`. */
function checkSchema(schema: FormJsSchema): void {
  const { problems } = formFieldsOf(schema);
  if (problems.length) throw validationError(problems);
}
