import { z } from 'zod';
import {
  cosignRequest,
  saveInboxFilterRequest,
  savedInboxFilter,
  taskCcRequest,
  taskColleagueRequest,
  taskComment,
  taskCommentRequest,
  taskCosigner,
  taskDatesRequest,
  taskUrgeRequest,
  inboxQuery,
  inboxTask,
} from '../../contracts/task';
import type { AuditActionOf } from '../../contracts/audit-actions';
import type { ApiRoutes } from '../../http/route';
import type { TaskActionService } from './task-actions.service';

const taskParams = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/, '待办编号格式不正确') });
const filterParams = z.object({ id: z.coerce.number({ error: '筛选编号不正确' }).int('筛选编号不正确').positive('筛选编号不正确') });
const optionalOpinion = z.object({ comment: z.string().trim().max(500, '意见不能超过500个字').optional() });
const returnRequest = z.object({ comment: z.string({ error: '请填写退回理由' }).trim().min(2, '请填写退回理由').max(500, '退回理由不能超过500个字') });
const taskAudit = (action: AuditActionOf<'tasks'>) => ({ action, objectType: 'task', objectId: (v: { params?: { id: string } }) => v.params?.id });

/** The inbox of every case type (U5), saved filters, claiming and the task actions of U6. */
export function taskActionRoutes(api: ApiRoutes, actions: TaskActionService): void {
  const read = { permission: 'registration-task:read' } as const;
  const handle = { permission: 'registration-task:complete' } as const;

  api.define(
    {
      method: 'get',
      path: '/tasks',
      summary: '审核工作台：待办 / 已办 / 我经办的案件 / 抄送（搜索、排序、时限颜色）',
      tag: 'tasks',
      access: read,
      query: inboxQuery,
      response: z.array(inboxTask),
    },
    ({ user, query }) => actions.list(user, query),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/claim', summary: '认领待办', tag: 'tasks', access: { permission: 'registration-task:claim' }, params: taskParams, status: 204, audit: taskAudit('task.claim') },
    ({ user, params }) => actions.claim(user, params.id),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/unclaim', summary: '退回认领', tag: 'tasks', access: { permission: 'registration-task:claim' }, params: taskParams, status: 204, audit: taskAudit('task.unclaim') },
    ({ user, params }) => actions.unclaim(user, params.id),
  );

  api.define(
    { method: 'get', path: '/tasks/filters', summary: '我的常用筛选', tag: 'tasks', access: read, response: z.array(savedInboxFilter) },
    ({ user }) => actions.filters(user),
  );
  api.define(
    { method: 'post', path: '/tasks/filters', summary: '保存常用筛选（同名覆盖）', tag: 'tasks', access: read, body: saveInboxFilterRequest, response: savedInboxFilter, status: 201, audit: { action: 'task.filter.save', objectType: 'inbox-filter', objectId: (_v, r) => (r as { id?: number } | undefined)?.id } },
    ({ user, body }) => actions.saveFilter(user, body),
  );
  api.define(
    { method: 'delete', path: '/tasks/filters/:id', summary: '删除常用筛选', tag: 'tasks', access: read, params: filterParams, status: 204, audit: { action: 'task.filter.delete', objectType: 'inbox-filter', objectId: (v) => v.params?.id } },
    ({ user, params }) => actions.deleteFilter(user, params.id),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/assign', summary: '转办给同岗位同事', tag: 'tasks', access: handle, params: taskParams, body: taskColleagueRequest, status: 204, audit: taskAudit('task.assign') },
    ({ user, params, body }) => actions.assign(user, params.id, body.username),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/delegate', summary: '委派同岗位同事办理', tag: 'tasks', access: handle, params: taskParams, body: taskColleagueRequest, status: 204, audit: taskAudit('task.delegate') },
    ({ user, params, body }) => actions.delegate(user, params.id, body.username),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/resolve', summary: '受托人办理完毕，交回委派人', tag: 'tasks', access: handle, params: taskParams, body: optionalOpinion, status: 204, audit: taskAudit('task.resolve') },
    ({ user, params, body }) => actions.resolve(user, params.id, body.comment),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/return-previous', summary: '退回上一人工环节', tag: 'tasks', access: handle, params: taskParams, body: returnRequest, response: z.object({ returnedTo: z.string() }), audit: taskAudit('task.return-previous') },
    ({ user, params, body }) => actions.returnToPrevious(user, params.id, body.comment),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/withdraw', summary: '撤回已提交的审核结论（下一环节办理前）', tag: 'tasks', access: handle, params: taskParams, response: z.object({ taskId: z.string().nullable() }), audit: taskAudit('task.withdraw') },
    ({ user, params }) => actions.withdraw(user, params.id),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/urge', summary: '催办', tag: 'tasks', access: read, params: taskParams, body: taskUrgeRequest, response: z.object({ notified: z.string() }), status: 201, audit: taskAudit('task.urge') },
    ({ user, params, body }) => actions.urge(user, params.id, body.note),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/cc', summary: '抄送同岗位同事', tag: 'tasks', access: read, params: taskParams, body: taskCcRequest, status: 204, audit: taskAudit('task.cc') },
    ({ user, params, body }) => actions.cc(user, params.id, body),
  );
  api.define(
    { method: 'get', path: '/tasks/:id/cosigners', summary: '加签人及其意见', tag: 'tasks', access: read, params: taskParams, response: z.array(taskCosigner) },
    ({ user, params }) => actions.cosigners(user, params.id),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/cosigners', summary: '加签', tag: 'tasks', access: handle, params: taskParams, body: taskColleagueRequest, status: 204, audit: taskAudit('task.cosigner.add') },
    ({ user, params, body }) => actions.addCosigner(user, params.id, body.username),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/cosign', summary: '加签人签署同意意见', tag: 'tasks', access: handle, params: taskParams, body: cosignRequest, status: 204, audit: taskAudit('task.cosign') },
    ({ user, params, body }) => actions.cosign(user, params.id, body.comment),
  );
  api.define(
    { method: 'get', path: '/tasks/:id/comments', summary: '办理意见', tag: 'tasks', access: read, params: taskParams, response: z.array(taskComment) },
    ({ user, params }) => actions.comments(user, params.id),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/comments', summary: '填写办理意见', tag: 'tasks', access: read, params: taskParams, body: taskCommentRequest, response: taskComment, status: 201, audit: taskAudit('task.comment') },
    ({ user, params, body }) => actions.addComment(user, params.id, body.message),
  );
  api.define(
    { method: 'put', path: '/tasks/:id/dates', summary: '设置办理期限和跟进日期', tag: 'tasks', access: handle, params: taskParams, body: taskDatesRequest, status: 204, audit: taskAudit('task.dates') },
    ({ user, params, body }) => actions.setDates(user, params.id, body),
  );
}
