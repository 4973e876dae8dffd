import type { CurrentUser } from '../../contracts/auth';
import type { CompleteReviewRequest } from '../../contracts/task';
import { EngineError, type EngineClient, type EngineTask } from '../../engine/engine-client';
import { DomainError, conflict, forbidden, notFound } from '../../http/errors';
import type { DataScope } from '../../auth/data-scope';
import type { RegistrationRepository } from '../registration/registration.repository';
import { REVIEW_TASK } from '../../contracts/task';

/** Checks and records around a review decision (U6: 委派, 加签, 经办); see TaskActionService. */
export interface CompletionGuard {
  beforeComplete(user: CurrentUser, task: EngineTask): Promise<void>;
  afterComplete(user: CurrentUser, task: EngineTask, outcome: string): Promise<void>;
}

const messages = {
  taskGone: '该待办已被处理或不存在',
  claimedByOther: '该待办已被其他人认领',
  notAssignee: '请先认领该待办再办理',
  notYourGroup: '该待办不属于您的岗位',
};

/** The qualification-review inbox (资格审核): engine tasks joined with their registrations. */
export class ReviewTaskService {
  constructor(
    private readonly engine: EngineClient,
    private readonly registrations: RegistrationRepository,
    private readonly scope: DataScope,
    private readonly guard?: CompletionGuard,
  ) {}

  /** A task of any staff step; `review` limits it to 资格审核 (the decision only that step takes). */
  private async loadTask(taskId: string, review = false): Promise<EngineTask> {
    try {
      const task = await this.engine.getTask(taskId);
      if (review && task.taskDefinitionKey !== REVIEW_TASK) throw notFound(messages.taskGone);
      return task;
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) throw notFound(messages.taskGone);
      throw err;
    }
  }

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

  async complete(user: CurrentUser, taskId: string, input: CompleteReviewRequest): Promise<void> {
    const task = await this.loadTask(taskId, true);
    if (task.assignee !== user.username) throw new DomainError(403, 'NOT_ASSIGNEE', messages.notAssignee);
    await this.guard?.beforeComplete(user, task);
    await this.engine.complete(taskId, {
      reviewDecision: input.decision,
      reviewComment: input.comment ?? null,
      returnItems: input.decision === 'return' ? JSON.stringify(input.returnItems ?? []) : null,
      reviewerUsername: user.username,
      reviewerName: user.displayName,
    });
    await this.guard?.afterComplete(user, task, input.decision);
  }
}
