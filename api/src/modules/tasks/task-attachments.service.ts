import crypto from 'node:crypto';
import type { CurrentUser } from '../../contracts/auth';
import type { CaseDocument } from '../../contracts/cases';
import { MAX_TASK_ATTACHMENTS, type TaskAttachment } from '../../contracts/task-attachments';
import type { DataScope } from '../../auth/data-scope';
import type { CaseTypeRegistry } from '../cases/case-type';
import { EngineError, type EngineClient, type EngineTask } from '../../engine/engine-client';
import { conflict, forbidden, notFound, validationError } from '../../http/errors';
import { uploadPresets, type CheckedUpload, type UploadKind, type UploadPolicy } from '../../http/uploads';
import type { TaskAttachmentMetaRow, TaskAttachmentRepository } from './task-attachment.repository';

/** Task attachments are checked like other supporting documents: JPG, PNG or PDF by their bytes, at most 10 MB. */
export const taskAttachmentUploadPolicy: UploadPolicy = { field: 'file', ...uploadPresets.material, label: '附件' };

const messages = {
  taskGone: '该待办已被处理或不存在',
  notYours: '您不能办理该待办，不能查看或上传其附件',
  taskClosed: '该待办已办结，不能再上传或删除附件',
  notFound: '附件不存在',
  notUploader: '只能删除自己上传的附件',
  tooMany: `每个待办的附件不能超过${MAX_TASK_ATTACHMENTS}个`,
  notOfTask: '所选附件不属于该待办，请重新上传',
};

/** File name endings that agree with what the bytes are; another ending gets the right one appended. */
const EXTENSIONS: Record<UploadKind, readonly string[]> = { pdf: ['pdf'], jpeg: ['jpg', 'jpeg'], png: ['png'] };

export function storedFileName(name: string, file: Pick<CheckedUpload, 'kind' | 'extension'>): string {
  const dot = name.lastIndexOf('.');
  const ending = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return EXTENSIONS[file.kind].includes(ending) ? name : `${name}.${file.extension}`;
}

export const taskAttachmentUrl = (taskId: string, id: string): string => `/api/tasks/${encodeURIComponent(taskId)}/attachments/${encodeURIComponent(id)}`;

/** What a caller may do with a task's attachments. */
interface Standing {
  open: boolean;
  /** May act on the open task (upload, delete their own). */
  actor: boolean;
}

/**
 * Files attached to tasks (U6 附件). Who may act on a task (its assignee or owner, or a member of one
 * of its candidate groups: the rule of comments, widened to designed-form tasks) uploads, lists and
 * deletes their own while the task is open. Reading stays open to staff who can see the case (data
 * scope, never the candidate: these are internal review documents) and, once the task is completed,
 * to whoever held it or uploaded to it.
 */
export class TaskAttachmentService {
  constructor(
    private readonly engine: EngineClient,
    private readonly repo: TaskAttachmentRepository,
    private readonly scope: DataScope,
    private readonly caseTypes: CaseTypeRegistry,
  ) {}

  /**
   * Checks access before the body is read (`receive` reads and checks the file), so a refused caller
   * costs no upload; a refused file stores nothing.
   */
  async upload(user: CurrentUser, taskId: string, fileName: string, receive: () => Promise<CheckedUpload>): Promise<TaskAttachment> {
    const task = await this.forChange(user, taskId);
    const file = await receive();
    const instance = await this.engine.historicProcessInstance(task.processInstanceId);
    const id = crypto.randomUUID();
    const stored = await this.repo.insert(
      {
        id,
        task_id: task.id,
        task_name: task.name,
        process_instance_id: task.processInstanceId,
        business_key: instance.businessKey,
        file_name: storedFileName(fileName, file),
        mime_type: file.mimeType,
        size_bytes: file.data.length,
        content: file.data,
        sha256: crypto.createHash('sha256').update(file.data).digest('hex'),
        uploaded_by: user.id,
      },
      MAX_TASK_ATTACHMENTS,
    );
    if (!stored) throw conflict('TOO_MANY_ATTACHMENTS', messages.tooMany, 'file');
    const row = await this.repo.one(task.id, id);
    if (!row) throw notFound(messages.notFound);
    return toView(row, user, { open: true, actor: true });
  }

  async list(user: CurrentUser, taskId: string): Promise<TaskAttachment[]> {
    const standing = await this.forRead(user, taskId);
    return (await this.repo.ofTask(taskId)).map((row) => toView(row, user, standing));
  }

  async download(user: CurrentUser, taskId: string, id: string): Promise<{ attachment: TaskAttachment; data: Buffer }> {
    const standing = await this.forRead(user, taskId);
    const [row, data] = await Promise.all([this.repo.one(taskId, id), this.repo.content(taskId, id)]);
    if (!row || !data) throw notFound(messages.notFound);
    return { attachment: toView(row, user, standing), data };
  }

  async remove(user: CurrentUser, taskId: string, id: string): Promise<void> {
    await this.forChange(user, taskId);
    const row = await this.repo.one(taskId, id);
    if (!row) throw notFound(messages.notFound);
    if (row.uploaded_by !== user.id) throw forbidden(messages.notUploader);
    if (!(await this.repo.remove(taskId, id, user.id))) throw notFound(messages.notFound);
  }

  /** The attachments a completion refers to; 400 on `attachmentIds` when one is not the task's. */
  async referenced(taskId: string, ids: string[]): Promise<TaskAttachmentMetaRow[]> {
    if (ids.length === 0) return [];
    const rows = (await this.repo.ofTask(taskId)).filter((row) => ids.includes(row.id));
    const missing = ids.findIndex((id) => !rows.some((row) => row.id === id));
    if (missing >= 0) throw validationError([{ field: `attachmentIds.${missing}`, message: messages.notOfTask }]);
    return rows;
  }

  // ---- access ----

  /** The running task, or null once the engine no longer runs it (completed, canceled, or never was). */
  private async runningTask(taskId: string): Promise<EngineTask | null> {
    try {
      return await this.engine.getTask(taskId);
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) return null;
      throw err;
    }
  }

  /** The files attached to the tasks of a case, as documents of its case view (staff only: the caller checks). */
  async caseDocuments(businessKey: string): Promise<CaseDocument[]> {
    return (await this.repo.ofBusinessKey(businessKey)).map((a) => ({
      kind: 'task-attachment',
      title: `${a.task_name ?? '办理'}附件：${a.file_name}（${a.uploader_name}）`,
      url: taskAttachmentUrl(a.task_id, a.id),
      digest: null,
      at: a.created_at.toISOString(),
    }));
  }

  private async mayAct(user: CurrentUser, task: EngineTask): Promise<boolean> {
    if (task.assignee === user.username || task.owner === user.username) return true;
    const [groups, mine] = await Promise.all([this.engine.candidateGroups(task.id), this.scope.engineGroups(user)]);
    return groups.some((g) => mine.includes(g));
  }

  /** Staff whose data scope covers the case of the instance; the candidate is not staff of their own case. */
  private async staffSeesCase(user: CurrentUser, processInstanceId: string): Promise<boolean> {
    const { businessKey } = await this.engine.historicProcessInstance(processInstanceId);
    if (!businessKey) return false;
    return this.caseTypes.staffMayRead(user, businessKey);
  }

  /** Reading a task that is no longer running: who held it or uploaded to it, or staff of the case; 404 for anyone else. */
  private async closedTaskReadable(user: CurrentUser, taskId: string): Promise<void> {
    const [historic] = await this.engine.queryHistoricTasks({ taskId }, [{ sortBy: 'startTime', sortOrder: 'asc' }], 0, 1);
    if (!historic?.processInstanceId) throw notFound(messages.taskGone);
    if (historic.assignee === user.username || (await this.repo.hasUploaded(taskId, user.id))) return;
    if (!(await this.staffSeesCase(user, historic.processInstanceId))) throw notFound(messages.taskGone);
  }

  private async forRead(user: CurrentUser, taskId: string): Promise<Standing> {
    const task = await this.runningTask(taskId);
    if (!task) {
      await this.closedTaskReadable(user, taskId);
      return { open: false, actor: false };
    }
    if (await this.mayAct(user, task)) return { open: true, actor: true };
    if (await this.staffSeesCase(user, task.processInstanceId)) return { open: true, actor: false };
    throw forbidden(messages.notYours);
  }

  /** Uploads and deletes: the open task the user may act on; 409 once it is closed (for those who may still read it). */
  private async forChange(user: CurrentUser, taskId: string): Promise<EngineTask> {
    const task = await this.runningTask(taskId);
    if (!task) {
      await this.closedTaskReadable(user, taskId);
      throw conflict('TASK_CLOSED', messages.taskClosed);
    }
    if (!(await this.mayAct(user, task))) throw forbidden(messages.notYours);
    return task;
  }
}

function toView(row: TaskAttachmentMetaRow, user: CurrentUser, standing: Standing): TaskAttachment {
  return {
    id: row.id,
    taskId: row.task_id,
    taskName: row.task_name,
    processInstanceId: row.process_instance_id,
    fileName: row.file_name,
    mimeType: row.mime_type,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    uploadedBy: row.uploader_username,
    uploaderName: row.uploader_name,
    uploadedAt: row.created_at.toISOString(),
    url: taskAttachmentUrl(row.task_id, row.id),
    canDelete: standing.open && standing.actor && row.uploaded_by === user.id,
  };
}
