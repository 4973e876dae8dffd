import { inboxTask, type CompleteReviewRequest, type InboxTask } from '../../../../api/src/contracts/task';
import { getJson, postNoContent } from '../../api/http';
import { z } from 'zod';
import {
  savedInboxFilter,
  taskComment,
  taskCosigner,
  type InboxQuery,
  type SavedInboxFilter,
  type SaveInboxFilterRequest,
  type TaskCcRequest,
  type TaskComment,
  type TaskCosigner,
  type TaskDatesRequest,
} from '../../../../api/src/contracts/task';
import { deleteNoContent, postJson, putJson } from '../../api/http';

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

/** One page of an inbox tab (待办 / 已办 / 经办 / 抄送) with search and sort (U5). */
export function listInbox(query: Partial<InboxQuery>): Promise<InboxTask[]> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  return getJson(`/api/tasks?${params}`, inboxTask.array());
}

export function listInboxFilters(): Promise<SavedInboxFilter[]> {
  return getJson('/api/tasks/filters', savedInboxFilter.array());
}

export function saveInboxFilter(body: SaveInboxFilterRequest): Promise<SavedInboxFilter> {
  return postJson('/api/tasks/filters', body, savedInboxFilter);
}

export function deleteInboxFilter(id: number): Promise<void> {
  return deleteNoContent(`/api/tasks/filters/${id}`);
}

/** 转办 / 委派 / 加签 a colleague of the task's group. */
export function assignTask(taskId: string, username: string): Promise<void> {
  return postNoContent(`${one(taskId)}/assign`, { username });
}

export function delegateTask(taskId: string, username: string): Promise<void> {
  return postNoContent(`${one(taskId)}/delegate`, { username });
}

export function resolveTask(taskId: string, comment?: string): Promise<void> {
  return postNoContent(`${one(taskId)}/resolve`, comment ? { comment } : {});
}

export function addCosigner(taskId: string, username: string): Promise<void> {
  return postNoContent(`${one(taskId)}/cosigners`, { username });
}

export function listCosigners(taskId: string): Promise<TaskCosigner[]> {
  return getJson(`${one(taskId)}/cosigners`, taskCosigner.array());
}

export function cosignTask(taskId: string, comment: string): Promise<void> {
  return postNoContent(`${one(taskId)}/cosign`, { comment });
}

export function urgeTask(taskId: string, note?: string): Promise<{ notified: string }> {
  return postJson(`${one(taskId)}/urge`, note ? { note } : {}, z.object({ notified: z.string() }));
}

export function ccTask(taskId: string, body: TaskCcRequest): Promise<void> {
  return postNoContent(`${one(taskId)}/cc`, body);
}

export function listTaskComments(taskId: string): Promise<TaskComment[]> {
  return getJson(`${one(taskId)}/comments`, taskComment.array());
}

export function addTaskComment(taskId: string, message: string): Promise<TaskComment> {
  return postJson(`${one(taskId)}/comments`, { message }, taskComment);
}

export function setTaskDates(taskId: string, body: TaskDatesRequest): Promise<void> {
  return putJson(`${one(taskId)}/dates`, body, z.unknown()).then(() => undefined);
}

export function returnToPrevious(taskId: string, comment: string): Promise<{ returnedTo: string }> {
  return postJson(`${one(taskId)}/return-previous`, { comment }, z.object({ returnedTo: z.string() }));
}

export function withdrawTask(taskId: string): Promise<{ taskId: string | null }> {
  return postJson(`${one(taskId)}/withdraw`, {}, z.object({ taskId: z.string().nullable() }));
}
