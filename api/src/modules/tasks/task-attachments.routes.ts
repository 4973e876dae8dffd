import { z } from 'zod';
import { taskAttachment, taskAttachmentParams, taskAttachmentUploadQuery } from '../../contracts/task-attachments';
import type { ApiRoutes } from '../../http/route';
import { receiveUpload } from '../../http/uploads';
import { taskAttachmentUploadPolicy, type TaskAttachmentService } from './task-attachments.service';

/** Path of the upload, for the rate limit mounted in app.ts (`uploadRules`). */
export const TASK_ATTACHMENT_UPLOAD_PATH = '/tasks/:id/attachments';

const taskParams = taskAttachmentParams.pick({ id: true });
const tag = 'tasks';
/** `taskId/attachmentId` once known, else the task. */
const objectOf = (taskId: string | undefined, attachmentId: string | undefined) => (taskId && attachmentId ? `${taskId}/${attachmentId}` : taskId);

/** RFC 5987 value: encodeURIComponent leaves ' ( ) * as they are, which the header syntax does not allow. */
const rfc5987 = (value: string) => encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Task attachments (U6 附件). Access is decided per task by the service (who may act on it, staff of
 * the case), so the routes ask only for a signed-in user, as the designed-form task routes do.
 */
export function taskAttachmentRoutes(api: ApiRoutes, attachments: TaskAttachmentService): void {
  api.define(
    {
      method: 'post',
      path: TASK_ATTACHMENT_UPLOAD_PATH,
      summary: '上传待办附件（请求体为JPG、PNG或PDF文件本身，不超过10MB；fileName 为原文件名）',
      tag,
      access: { authenticated: true },
      params: taskParams,
      query: taskAttachmentUploadQuery,
      response: taskAttachment,
      status: 201,
      audit: { action: 'task.attachment.upload', objectType: 'task-attachment', objectId: (v, r) => objectOf(v.params?.id, (r as { id?: string } | undefined)?.id) },
    },
    ({ user, params, query, req, res }) => attachments.upload(user, params.id, query.fileName, () => receiveUpload(req, res, taskAttachmentUploadPolicy)),
  );
  api.define(
    { method: 'get', path: '/tasks/:id/attachments', summary: '待办附件列表', tag, access: { authenticated: true }, params: taskParams, response: z.array(taskAttachment) },
    ({ user, params }) => attachments.list(user, params.id),
  );
  api.define(
    {
      method: 'get',
      path: '/tasks/:id/attachments/:attachmentId',
      summary: '下载待办附件（办理人、候选岗位人员；办结后为可查看该案件的工作人员）',
      tag,
      access: { authenticated: true },
      params: taskAttachmentParams,
      response: { contentType: 'application/octet-stream' },
    },
    async ({ user, params, res }) => {
      const { attachment, data } = await attachments.download(user, params.id, params.attachmentId);
      const ending = attachment.fileName.slice(attachment.fileName.lastIndexOf('.') + 1).toLowerCase();
      res
        .status(200)
        .type(attachment.mimeType)
        .set('x-content-type-options', 'nosniff')
        .set('cache-control', 'private, no-store')
        .set('content-disposition', `attachment; filename="attachment-${attachment.id.slice(0, 8)}.${ending}"; filename*=UTF-8''${rfc5987(attachment.fileName)}`)
        .send(data);
    },
  );
  api.define(
    {
      method: 'delete',
      path: '/tasks/:id/attachments/:attachmentId',
      summary: '删除本人上传的待办附件（待办办结前）',
      tag,
      access: { authenticated: true },
      params: taskAttachmentParams,
      status: 204,
      audit: { action: 'task.attachment.delete', objectType: 'task-attachment', objectId: (v) => objectOf(v.params?.id, v.params?.attachmentId) },
    },
    ({ user, params }) => attachments.remove(user, params.id, params.attachmentId),
  );
}
