import type { CurrentUser } from '../../contracts/auth';
import type { CompleteReviewRequest } from '../../contracts/task';
import { EngineError, type EngineClient, type EngineTask } from '../../engine/engine-client';
import { DomainError, notFound } from '../../http/errors';
import { REVIEW_TASK } from '../../contracts/task';
import type { CompletionGuard } from '../tasks/task-actions.service';

const messages = {
  taskGone: '该待办已被处理或不存在',
  notAssignee: '请先认领该待办再办理',
};

/** Claiming, and the checks and records around a decision (U6: 委派, 加签, 经办): the task actions. */
export interface ReviewTaskActions extends CompletionGuard {
  claim(user: CurrentUser, taskId: string): Promise<void>;
}

/** The decision of 资格审核 (通过 / 不通过 / 退回考生修改), taken in its own dialog. */
export class ReviewTaskService {
  constructor(
    private readonly engine: EngineClient,
    private readonly actions: ReviewTaskActions,
  ) {}

  private async loadReviewTask(taskId: string): Promise<EngineTask> {
    try {
      const task = await this.engine.getTask(taskId);
      if (task.taskDefinitionKey !== REVIEW_TASK) throw notFound(messages.taskGone);
      return task;
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) throw notFound(messages.taskGone);
      throw err;
    }
  }

  claim(user: CurrentUser, taskId: string): Promise<void> {
    return this.actions.claim(user, taskId);
  }

  async complete(user: CurrentUser, taskId: string, input: CompleteReviewRequest): Promise<void> {
    const task = await this.loadReviewTask(taskId);
    if (task.assignee !== user.username) throw new DomainError(403, 'NOT_ASSIGNEE', messages.notAssignee);
    await this.actions.beforeComplete(user, task);
    await this.engine.complete(taskId, {
      reviewDecision: input.decision,
      reviewComment: input.comment ?? null,
      returnItems: input.decision === 'return' ? JSON.stringify(input.returnItems ?? []) : null,
      reviewerUsername: user.username,
      reviewerName: user.displayName,
    });
    await this.actions.afterComplete(user, task, input.decision);
  }
}
