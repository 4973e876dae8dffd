import { taskAttachment, type TaskAttachment } from '../../../../api/src/contracts/task-attachments';
import { deleteNoContent, getJson, postBinary } from '../../api/http';

const base = (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}/attachments`;

/** Files attached to a task (U6); each has its download address in `url`. */
export function listTaskAttachments(taskId: string): Promise<TaskAttachment[]> {
  return getJson(base(taskId), taskAttachment.array());
}

/** Uploads one file (JPG, PNG or PDF) to a task under `fileName`; the server decides the type from the bytes. */
export function uploadTaskAttachment(taskId: string, file: Blob, fileName: string): Promise<TaskAttachment> {
  return postBinary(`${base(taskId)}?${new URLSearchParams({ fileName })}`, file, taskAttachment);
}

/** Deletes one of my own attachments while the task is open. */
export function deleteTaskAttachment(taskId: string, id: string): Promise<void> {
  return deleteNoContent(`${base(taskId)}/${encodeURIComponent(id)}`);
}
