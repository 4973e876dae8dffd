import { inboxTask, type CompleteReviewRequest, type InboxTask } from '../../../api/src/contracts/task';
import { getJson, postNoContent } from './http';

const one = (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}`;

/** My tasks plus my groups' unclaimed ones. */
export function listTodoTasks(): Promise<InboxTask[]> {
  return getJson('/api/tasks?tab=todo', inboxTask.array());
}

export function claimTask(taskId: string): Promise<void> {
  return postNoContent(`${one(taskId)}/claim`);
}

export function unclaimTask(taskId: string): Promise<void> {
  return postNoContent(`${one(taskId)}/unclaim`);
}

export function completeReviewTask(taskId: string, body: CompleteReviewRequest): Promise<void> {
  return postNoContent(`${one(taskId)}/complete`, body);
}
