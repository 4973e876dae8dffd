import type { CurrentUser } from '../../contracts/auth';
import type {
  InboxQuery,
  InboxTask,
  SavedInboxFilter,
  SaveInboxFilterRequest,
  TaskCcRequest,
  TaskComment,
  TaskCosigner,
  TaskDatesRequest,
} from '../../contracts/task';
import { savedInboxFilter } from '../../contracts/task';
import type { DataScope } from '../../auth/data-scope';
import type { UserRepository } from '../../auth/user.repository';
import { EngineError, type EngineActivityInstance, type EngineClient, type EngineTask, type HistoricTask } from '../../engine/engine-client';
import { DomainError, conflict, forbidden, notFound, validationError } from '../../http/errors';
import type { CaseOfInstance, CaseTypeRegistry } from '../cases/case-type';
import type { InboxRepository, TaskBadges } from './inbox.repository';
import type { TaskUrgeService } from './task-urge.service';

const DAY_MS = 24 * 60 * 60 * 1000;

const messages = {
  taskGone: '该待办已被处理或不存在',
  claimedByOther: '该待办已被其他人认领',
  notYourGroup: '该待办不属于您的岗位',
  notAssignee: '请先认领该待办再办理',
  notColleague: '该同事不属于本待办的审核岗位',
  notSelf: '不能选择自己',
  delegated: '委派中的待办须由受托人办理后交回，再由委派人提交结论',
  notDelegate: '该待办不是委派给您的',
  cosignPending: (names: string[]) => `尚有加签人未签署意见：${names.join('、')}`,
  alreadyCosigner: '该同事已是本待办的加签人',
  notCosigner: '您不是该待办的加签人，或已签署意见',
  noPrevious: '本环节之前没有可退回的人工环节；如需考生修改，请选择“退回考生修改”结论',
  nothingToWithdraw: '没有可撤回的办理记录',
  alreadyWithdrawn: '该办理已撤回',
  tooLate: '下一环节已开始办理或案件已办结，不能撤回',
  filterGone: '该筛选不存在',
};

/** SLA colour of a row: red once the due date passed, orange within the last day. */
export function slaOf(due: string | null | undefined, at: Date = new Date()): 'overdue' | 'due-soon' | 'ok' {
  if (!due) return 'ok';
  const left = new Date(due).getTime() - at.getTime();
  if (left < 0) return 'overdue';
  return left < DAY_MS ? 'due-soon' : 'ok';
}

/** The engine's date format (`yyyy-MM-dd'T'HH:mm:ss.SSSZ`). */
const engineDate = (iso: string | null | undefined): string | null | undefined =>
  iso === undefined ? undefined : iso === null ? null : new Date(iso).toISOString().replace('Z', '+0000');

/** Checks and records around completing a task (U6: 委派, 加签, 经办), for the modules that complete tasks. */
export interface CompletionGuard {
  beforeComplete(user: CurrentUser, task: EngineTask): Promise<void>;
  afterComplete(user: CurrentUser, task: EngineTask, outcome: string): Promise<void>;
}

/** Engine comments are written by the engine's service user: the author travels in the message. */
const COMMENT_SEP = '::';

function leaves(node: EngineActivityInstance): EngineActivityInstance[] {
  return node.childActivityInstances.length === 0 ? [node] : node.childActivityInstances.flatMap(leaves);
}

/**
 * Role inboxes (U5) and the task actions staff expect (U6) for every registered case type: tabs 待办 /
 * 已办 / 经办 / 抄送 with search, sort and SLA; 认领, 转办, 委派, 退回, 撤回, 催办, 加签, 抄送, comments and
 * dates on the staff steps of any case, within the user's groups.
 */
export class TaskActionService {
  constructor(
    private readonly engine: EngineClient,
    private readonly caseTypes: CaseTypeRegistry,
    private readonly scope: DataScope,
    private readonly repo: InboxRepository,
    private readonly users: UserRepository,
    private readonly urges: TaskUrgeService,
  ) {}

  // ---- inbox (U5) ----

  /**
   * A page of a tab: one engine query, then the cases of the page (one query per case type present)
   * beside the page's urges and co-signers. Rows of instances no case type knows are left out.
   */
  async list(user: CurrentUser, query: InboxQuery): Promise<InboxTask[]> {
    const { tab, page, pageSize } = query;
    const found = query.q ? await this.caseTypes.search(query.q, 500) : undefined;
    if (found && found.businessKeys.length === 0) return [];
    const first = page * pageSize;
    if (tab === 'todo') {
      const tasks = await this.engine.queryTasks(
        {
          processDefinitionKeyIn: this.caseTypes.processKeys,
          assigneeOrCandidateGroups: { assignee: user.username, groups: await this.scope.engineGroups(user) },
          ...(found ? { processInstanceBusinessKeyIn: found.businessKeys } : {}),
          sorting: [{ sortBy: query.sort === 'due' ? 'dueDate' : 'created', sortOrder: query.order }],
        },
        first,
        pageSize,
      );
      const [cases, badges] = await Promise.all([this.caseTypes.casesOfInstances(tasks), this.repo.badges(tasks.map((t) => t.id))]);
      const now = new Date();
      return tasks.flatMap((t) => {
        const c = cases.get(t.processInstanceId);
        return c ? [{ ...this.caseFields(c, badges.get(t.id)), ...this.taskFields(t), sla: slaOf(t.due, now) }] : [];
      });
    }
    if (tab === 'done') {
      const tasks = await this.engine.queryHistoricTasks(
        {
          taskAssignee: user.username,
          finished: true,
          taskDeleteReason: 'completed',
          ...(found ? { processInstanceBusinessKeyIn: found.businessKeys } : {}),
        },
        [{ sortBy: query.sort === 'due' ? 'dueDate' : 'endTime', sortOrder: query.order }],
        first,
        pageSize,
      );
      const withInstance = tasks.filter((t): t is HistoricTask & { processInstanceId: string } => !!t.processInstanceId);
      const [cases, badges] = await Promise.all([this.caseTypes.casesOfInstances(withInstance), this.repo.badges(withInstance.map((t) => t.id))]);
      return withInstance.flatMap((t) => {
        const c = cases.get(t.processInstanceId);
        if (!c) return [];
        const late = t.due && t.endTime && new Date(t.endTime) > new Date(t.due);
        return [
          {
            ...this.caseFields(c, badges.get(t.id)),
            id: t.id,
            name: t.name ?? t.taskDefinitionKey,
            taskDefinitionKey: t.taskDefinitionKey,
            assignee: t.assignee,
            created: t.startTime,
            due: t.due ?? null,
            completedAt: t.endTime,
            sla: late ? ('overdue' as const) : ('ok' as const),
          },
        ];
      });
    }
    const order = query.order === 'asc' ? 'asc' : 'desc';
    const instances = found?.processInstanceIds;
    const rows = tab === 'handled' ? await this.repo.handledTasks(user.username, instances, order, first, pageSize) : await this.repo.ccTasks(user.username, instances, order, first, pageSize);
    if (rows.length === 0) return [];
    const instanceIds = [...new Set(rows.map((r) => r.process_instance_id))];
    const [cases, open, badges] = await Promise.all([
      this.caseTypes.casesOfInstances(instanceIds.map((processInstanceId) => ({ processInstanceId }))),
      this.engine.queryTasks({ processInstanceIdIn: instanceIds }, 0, 1000),
      // 经办 rows show no badges; 抄送 rows those of the task sent.
      tab === 'cc' ? this.repo.badges(rows.map((r) => r.task_id)) : Promise.resolve(new Map<string, TaskBadges>()),
    ]);
    const openByInstance = new Map(open.map((t) => [t.processInstanceId, t]));
    const now = new Date();
    return rows.flatMap((r): InboxTask[] => {
      const c = cases.get(r.process_instance_id);
      if (!c) return [];
      const current = openByInstance.get(r.process_instance_id);
      const base = {
        ...this.caseFields(c, badges.get(r.task_id)),
        id: r.task_id,
        name: current ? this.caseTypes.stepName(current.taskDefinitionKey, current.name) : '',
        taskDefinitionKey: current?.taskDefinitionKey ?? '',
        assignee: current?.assignee ?? null,
        created: current?.created ?? '',
        due: current?.due ?? null,
        currentStep: current ? (current.name ?? current.taskDefinitionKey) : null,
        sla: slaOf(current?.due, now),
      };
      if ('handled_at' in r)
        return [{ ...base, name: this.caseTypes.stepName(r.task_definition_key), taskDefinitionKey: r.task_definition_key, completedAt: new Date(r.handled_at).toISOString() }];
      return [{ ...base, ccBy: r.sent_by, ccNote: r.note }];
    });
  }

  private caseFields(c: CaseOfInstance, badges: TaskBadges | undefined) {
    return {
      businessKey: c.businessKey,
      processInstanceId: c.processInstanceId,
      case: c.summary,
      urgeCount: badges?.urgeCount ?? 0,
      pendingCosigners: badges?.pendingCosigners ?? [],
    };
  }

  private taskFields(t: EngineTask) {
    return {
      id: t.id,
      name: t.name ?? t.taskDefinitionKey,
      taskDefinitionKey: t.taskDefinitionKey,
      assignee: t.assignee,
      owner: t.owner ?? null,
      delegationState: t.delegationState ?? null,
      created: t.created,
      due: t.due,
      followUp: t.followUp ?? null,
      formKey: t.formKey ?? null,
    };
  }

  // ---- saved filters ----

  async filters(user: CurrentUser): Promise<SavedInboxFilter[]> {
    return (await this.repo.filters(user.id)).flatMap((f) => {
      const parsed = savedInboxFilter.safeParse(f);
      return parsed.success ? [parsed.data] : [];
    });
  }

  async saveFilter(user: CurrentUser, input: SaveInboxFilterRequest): Promise<SavedInboxFilter> {
    return savedInboxFilter.parse(await this.repo.saveFilter(user.id, input.name, input.query));
  }

  async deleteFilter(user: CurrentUser, id: number): Promise<void> {
    if (!(await this.repo.deleteFilter(user.id, id))) throw notFound(messages.filterGone);
  }

  // ---- access ----

  /** Any staff task of a case (资格审核 or a step a designer added, such as 专家评审); access() checks the groups. */
  private async loadTask(taskId: string): Promise<EngineTask> {
    try {
      return await this.engine.getTask(taskId);
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) throw notFound(messages.taskGone);
      throw err;
    }
  }

  /** The task, when it belongs to one of the user's groups; its groups. */
  private async access(user: CurrentUser, taskId: string): Promise<{ task: EngineTask; groups: string[] }> {
    const task = await this.loadTask(taskId);
    const groups = await this.engine.candidateGroups(taskId);
    if (task.assignee === user.username) return { task, groups };
    const mine = await this.scope.engineGroups(user);
    if (!groups.some((g) => mine.includes(g))) throw forbidden(messages.notYourGroup);
    return { task, groups };
  }

  private async asAssignee(user: CurrentUser, taskId: string): Promise<{ task: EngineTask; groups: string[] }> {
    const found = await this.access(user, taskId);
    if (found.task.assignee !== user.username) throw new DomainError(403, 'NOT_ASSIGNEE', messages.notAssignee);
    return found;
  }

  /** A colleague who may take part in the task: enabled staff of one of its groups (reviewers of its exam, or its role), not the caller. */
  private async colleague(user: CurrentUser, username: string, groups: string[], field: string): Promise<string> {
    if (username === user.username) throw validationError([{ field, message: messages.notSelf }]);
    const row = await this.users.findByUsername(username);
    if (!row || !row.enabled || row.kind !== 'staff') throw validationError([{ field, message: messages.notColleague }]);
    const { roles } = await this.users.rolesAndPermissions(row.id);
    const theirs = await this.scope.engineGroups({ ...user, id: row.id, username: row.username, roles });
    if (!groups.some((g) => theirs.includes(g))) throw validationError([{ field, message: messages.notColleague }]);
    return row.username;
  }

  // ---- actions (U6) ----

  async claim(user: CurrentUser, taskId: string): Promise<void> {
    const task = await this.loadTask(taskId);
    if (task.assignee === user.username) return;
    if (task.assignee) throw conflict('TASK_CLAIMED', messages.claimedByOther);
    const groups = await this.engine.candidateGroups(taskId);
    const mine = await this.scope.engineGroups(user);
    if (!groups.some((g) => mine.includes(g))) throw forbidden(messages.notYourGroup);
    try {
      await this.engine.claim(taskId, user.username);
    } catch (err) {
      // Someone claimed it between our read and our claim.
      if (err instanceof EngineError && (err.status === 400 || err.status === 500)) throw conflict('TASK_CLAIMED', messages.claimedByOther);
      throw err;
    }
  }

  async unclaim(user: CurrentUser, taskId: string): Promise<void> {
    const task = await this.loadTask(taskId);
    if (task.assignee !== user.username) throw forbidden(messages.notAssignee);
    await this.engine.unclaim(taskId);
  }

  /** 转办: the assignee hands the task to a colleague of its group. */
  async assign(user: CurrentUser, taskId: string, username: string): Promise<void> {
    const { task, groups } = await this.asAssignee(user, taskId);
    if (task.delegationState === 'PENDING') throw conflict('TASK_DELEGATED', messages.delegated);
    await this.engine.setAssignee(taskId, await this.colleague(user, username, groups, 'username'));
  }

  /** 委派: a colleague works on the task and hands it back (resolve); the owner completes it. */
  async delegate(user: CurrentUser, taskId: string, username: string): Promise<void> {
    const { task, groups } = await this.asAssignee(user, taskId);
    if (task.delegationState === 'PENDING') throw conflict('TASK_DELEGATED', messages.delegated);
    await this.engine.delegate(taskId, await this.colleague(user, username, groups, 'username'));
  }

  /** The delegate hands the task back to its owner, with an opinion. */
  async resolve(user: CurrentUser, taskId: string, comment: string | undefined): Promise<void> {
    const { task } = await this.access(user, taskId);
    if (task.assignee !== user.username || task.delegationState !== 'PENDING') throw conflict('NOT_DELEGATE', messages.notDelegate);
    if (comment) await this.engine.createComment(taskId, `${user.username}${COMMENT_SEP}【委派意见】${comment}`, task.processInstanceId);
    await this.engine.resolve(taskId);
  }

  /** Checks before a review decision is submitted: no pending delegation, every co-signer has signed. */
  async beforeComplete(user: CurrentUser, task: EngineTask): Promise<void> {
    if (task.delegationState === 'PENDING') throw conflict('TASK_DELEGATED', messages.delegated);
    const pending = (await this.repo.cosigners(task.id)).filter((c) => !c.approved_at).map((c) => c.username);
    if (pending.length) throw conflict('COSIGN_PENDING', messages.cosignPending(pending));
  }

  /** Remembers who completed the task (经办, 撤回). */
  async afterComplete(user: CurrentUser, task: EngineTask, outcome: string): Promise<void> {
    await this.repo.recordHandled({ taskId: task.id, processInstanceId: task.processInstanceId, taskDefinitionKey: task.taskDefinitionKey, username: user.username, outcome });
  }

  /** 退回 to the previous user step of the case (process-instance modification). */
  async returnToPrevious(user: CurrentUser, taskId: string, comment: string): Promise<{ returnedTo: string }> {
    const { task } = await this.asAssignee(user, taskId);
    if (task.delegationState === 'PENDING') throw conflict('TASK_DELEGATED', messages.delegated);
    const history = await this.engine.historicTasks(task.processInstanceId);
    const current = history.find((h) => h.id === task.id);
    const previous = history
      .filter((h) => h.id !== task.id && h.taskDefinitionKey !== task.taskDefinitionKey && h.deleteReason === 'completed' && h.endTime && h.endTime <= task.created)
      .at(-1);
    if (!previous || !current?.activityInstanceId) throw conflict('NO_PREVIOUS_STEP', messages.noPrevious);
    const caseType = this.caseTypes.ofProcess(task.processDefinitionId);
    if (!caseType) throw notFound(messages.taskGone);
    // The case's own record follows the step it returns to (a registration goes back to 退回修改 or 审核中).
    await caseType.returnedToStep?.({
      businessKey: await this.businessKeyOf(task.processInstanceId),
      taskId: task.id,
      fromStep: task.taskDefinitionKey,
      toStep: previous.taskDefinitionKey,
      fromStepName: this.caseTypes.stepName(task.taskDefinitionKey, task.name),
      comment,
      user,
    });
    await this.engine.createComment(taskId, `${user.username}${COMMENT_SEP}【退回】${comment}`, task.processInstanceId);
    await this.engine.modifyProcessInstance(
      task.processInstanceId,
      [
        { type: 'startBeforeActivity', activityId: previous.taskDefinitionKey },
        { type: 'cancel', activityInstanceId: current.activityInstanceId },
      ],
      `退回 by ${user.username}`,
    );
    return { returnedTo: this.caseTypes.stepName(previous.taskDefinitionKey, previous.name) };
  }

  private async businessKeyOf(processInstanceId: string): Promise<string> {
    const instance = await this.engine.processInstance(processInstanceId);
    if (!instance.businessKey) throw notFound(messages.taskGone);
    return instance.businessKey;
  }

  /** 撤回: the reviewer takes back a decision while the next step has not been acted on. */
  async withdraw(user: CurrentUser, taskId: string): Promise<{ taskId: string | null }> {
    const handled = await this.repo.handledTask(taskId);
    if (!handled || handled.username !== user.username) throw notFound(messages.nothingToWithdraw);
    const instance = await this.engine.processInstance(handled.process_instance_id).catch((err: unknown) => {
      if (err instanceof EngineError && err.status === 404) return null;
      throw err;
    });
    // Only the decision a case type names can be taken back; other steps have no undo in the flow.
    const rule = instance ? this.caseTypes.ofProcess(instance.definitionId)?.withdrawal : undefined;
    if (instance && rule?.step !== handled.task_definition_key) throw notFound(messages.nothingToWithdraw);
    if (handled.withdrawn_at) throw conflict('ALREADY_WITHDRAWN', messages.alreadyWithdrawn);
    if (!instance || !rule || !instance.businessKey) throw conflict('WITHDRAW_TOO_LATE', messages.tooLate);
    let tree: EngineActivityInstance;
    try {
      tree = await this.engine.activityInstances(handled.process_instance_id);
    } catch (err) {
      if (err instanceof EngineError && (err.status === 404 || err.status === 500)) throw conflict('WITHDRAW_TOO_LATE', messages.tooLate);
      throw err;
    }
    const active = leaves(tree).filter((a) => a.id !== tree.id);
    if (active.length === 0 || !active.every((a) => rule.whileAt.has(a.activityId))) throw conflict('WITHDRAW_TOO_LATE', messages.tooLate);
    await this.engine.modifyProcessInstance(
      handled.process_instance_id,
      [{ type: 'startBeforeActivity', activityId: rule.step }, ...active.map((a) => ({ type: 'cancel' as const, activityInstanceId: a.id }))],
      `撤回 by ${user.username}`,
    );
    await this.repo.markWithdrawn(taskId);
    await rule.withdrawn({ businessKey: instance.businessKey, taskId, user });
    // The new task goes straight back to the reviewer who withdrew.
    const [again] = await this.engine.queryTasks({ processInstanceIdIn: [handled.process_instance_id], taskDefinitionKey: rule.step }, 0, 1);
    if (again) await this.engine.claim(again.id, user.username);
    return { taskId: again?.id ?? null };
  }

  /** 催办: records the urge and messages the assignee (or the group of an unclaimed task), at most once per interval. */
  async urge(user: CurrentUser, taskId: string, note: string | undefined): Promise<{ notified: string }> {
    const { task, groups } = await this.access(user, taskId);
    return this.urges.urge(user, task, groups, this.caseTypes.stepName(task.taskDefinitionKey, task.name), note);
  }

  /** 抄送 to colleagues of the task's group; they see it in their 抄送 tab. */
  async cc(user: CurrentUser, taskId: string, input: TaskCcRequest): Promise<void> {
    const { task, groups } = await this.access(user, taskId);
    const recipients: string[] = [];
    for (const [i, name] of input.usernames.entries()) recipients.push(await this.colleague(user, name, groups, `usernames.${i}`));
    await this.repo.addCc(taskId, task.processInstanceId, [...new Set(recipients)], user.username, input.note ?? null);
  }

  /** 加签: the assignee requires a colleague's approval before the task can be completed. */
  async addCosigner(user: CurrentUser, taskId: string, username: string): Promise<void> {
    const { task, groups } = await this.asAssignee(user, taskId);
    const colleague = await this.colleague(user, username, groups, 'username');
    if (!(await this.repo.addCosigner(taskId, task.processInstanceId, colleague, user.username))) throw conflict('ALREADY_COSIGNER', messages.alreadyCosigner, 'username');
    await this.repo.addCc(taskId, task.processInstanceId, [colleague], user.username, '加签：请签署意见');
  }

  /** A co-signer gives their approval opinion. */
  async cosign(user: CurrentUser, taskId: string, comment: string): Promise<void> {
    const { task } = await this.access(user, taskId);
    if (!(await this.repo.approveCosign(taskId, user.username, comment))) throw conflict('NOT_COSIGNER', messages.notCosigner);
    await this.engine.createComment(taskId, `${user.username}${COMMENT_SEP}【加签意见】${comment}`, task.processInstanceId);
  }

  async cosigners(user: CurrentUser, taskId: string): Promise<TaskCosigner[]> {
    await this.access(user, taskId);
    return (await this.repo.cosigners(taskId)).map((c) => ({
      username: c.username,
      addedBy: c.added_by,
      comment: c.comment,
      approvedAt: c.approved_at ? new Date(c.approved_at).toISOString() : null,
    }));
  }

  async addComment(user: CurrentUser, taskId: string, message: string): Promise<TaskComment> {
    const { task } = await this.access(user, taskId);
    return this.toComment(await this.engine.createComment(taskId, `${user.username}${COMMENT_SEP}${message}`, task.processInstanceId));
  }

  async comments(user: CurrentUser, taskId: string): Promise<TaskComment[]> {
    await this.access(user, taskId);
    return (await this.engine.comments(taskId)).map((c) => this.toComment(c));
  }

  private toComment(c: { id: string; userId: string | null; time: string; message: string }): TaskComment {
    const at = c.message.indexOf(COMMENT_SEP);
    return at > 0 ? { id: c.id, userId: c.message.slice(0, at), time: c.time, message: c.message.slice(at + COMMENT_SEP.length) } : c;
  }

  /** 办理期限 and 跟进日期. */
  async setDates(user: CurrentUser, taskId: string, input: TaskDatesRequest): Promise<void> {
    const { task } = await this.asAssignee(user, taskId);
    const changes: { due?: string | null; followUp?: string | null } = {};
    if (input.due !== undefined) changes.due = engineDate(input.due);
    if (input.followUp !== undefined) changes.followUp = engineDate(input.followUp);
    await this.engine.updateTask(task, changes);
  }
}
