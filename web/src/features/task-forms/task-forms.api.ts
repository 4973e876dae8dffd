import { z } from 'zod';
import {
  completeTaskFormResult,
  taskFormOfTask,
  taskFormSummary,
  taskFormView,
  type CompleteTaskFormRequest,
  type CompleteTaskFormResult,
  type CreateTaskFormRequest,
  type TaskFormOfTask,
  type TaskFormSummary,
  type TaskFormVersionRequest,
  type TaskFormView,
} from '../../../../api/src/contracts/task-forms';
import { getJson, postJson } from '../../api/http';

const formPath = (key: string) => `/api/task-forms/forms/${encodeURIComponent(key)}`;

/** Designed forms, each at its latest version. */
export function listTaskForms(): Promise<TaskFormSummary[]> {
  return getJson('/api/task-forms', z.array(taskFormSummary));
}

/** The latest version of one form, with its schema. */
export function getTaskForm(key: string): Promise<TaskFormView> {
  return getJson(formPath(key), taskFormView);
}

export function createTaskForm(request: CreateTaskFormRequest): Promise<TaskFormView> {
  return postJson('/api/task-forms', request, taskFormView);
}

export function saveTaskFormVersion(key: string, request: TaskFormVersionRequest): Promise<TaskFormView> {
  return postJson(`${formPath(key)}/versions`, request, taskFormView);
}

/** The form a task is completed with (generic approval, a designed form, or a console view of its own). */
export function getFormOfTask(taskId: string): Promise<TaskFormOfTask> {
  return getJson(`/api/task-forms/by-task/${encodeURIComponent(taskId)}`, taskFormOfTask);
}

export function completeTaskWithForm(taskId: string, request: CompleteTaskFormRequest): Promise<CompleteTaskFormResult> {
  return postJson(`/api/task-forms/tasks/${encodeURIComponent(taskId)}/complete`, request, completeTaskFormResult);
}
