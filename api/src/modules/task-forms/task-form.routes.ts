import { z } from 'zod';
import {
  completeTaskFormRequest,
  completeTaskFormResult,
  createTaskFormRequest,
  taskFormKeyParams,
  taskFormOfTask,
  taskFormSummary,
  taskFormVersionRequest,
  taskFormView,
  taskIdParams,
} from '../../contracts/task-forms';
import type { ApiRoutes } from '../../http/route';
import type { TaskFormService } from './task-form.service';

const tag = 'task-forms';
const objectType = 'task-form';
const versionOf = (key: string | undefined, result: unknown) => {
  const version = (result as { version?: number } | undefined)?.version;
  return key === undefined ? undefined : version === undefined ? key : `${key}@${version}`;
};
const versionQuery = z.object({ version: z.coerce.number({ error: '版本号不正确' }).int('版本号不正确').positive('版本号不正确').optional() });

export function taskFormRoutes(api: ApiRoutes, forms: TaskFormService): void {
  api.define(
    { method: 'get', path: '/task-forms', summary: '表单设计：已保存的表单（最新版本）', tag, access: { permission: 'process:read' }, response: z.array(taskFormSummary) },
    () => forms.list(),
  );
  api.define(
    {
      method: 'get',
      path: '/task-forms/forms/:key',
      summary: '表单设计：某一表单（默认最新版本）',
      tag,
      access: { permission: 'process:read' },
      params: taskFormKeyParams,
      query: versionQuery,
      response: taskFormView,
    },
    ({ params, query }) => forms.get(params.key, query.version),
  );
  api.define(
    {
      method: 'post',
      path: '/task-forms',
      summary: '表单设计：新建表单（版本 1）',
      tag,
      access: { permission: 'process:deploy' },
      body: createTaskFormRequest,
      response: taskFormView,
      status: 201,
      audit: { action: 'task-form.create', objectType, objectId: (v, r) => versionOf(v.body?.key, r) },
    },
    ({ body, user }) => forms.create(body, user.username),
  );
  api.define(
    {
      method: 'post',
      path: '/task-forms/forms/:key/versions',
      summary: '表单设计：保存为新版本',
      tag,
      access: { permission: 'process:deploy' },
      params: taskFormKeyParams,
      body: taskFormVersionRequest,
      response: taskFormView,
      status: 201,
      audit: { action: 'task-form.version', objectType, objectId: (v, r) => versionOf(v.params?.key, r) },
    },
    ({ params, body, user }) => forms.addVersion(params.key, body, user.username),
  );
  api.define(
    {
      method: 'get',
      path: '/task-forms/by-task/:taskId',
      summary: '待办的办理表单（通用审批表单或设计的表单）；仅办理人或候选岗位人员可见',
      tag,
      access: { authenticated: true },
      params: taskIdParams,
      response: taskFormOfTask,
    },
    ({ params, user }) => forms.byTask(user, params.taskId),
  );
  api.define(
    {
      method: 'post',
      path: '/task-forms/tasks/:taskId/complete',
      summary: '按表单办理待办（校验必填项与类型，审批意见记为待办评论）',
      tag,
      access: { authenticated: true },
      params: taskIdParams,
      body: completeTaskFormRequest,
      response: completeTaskFormResult,
      audit: { action: 'task-form.complete', objectType: 'task', objectId: (v) => v.params?.taskId },
    },
    ({ params, body, user }) => forms.complete(user, params.taskId, body),
  );
}
