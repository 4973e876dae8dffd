import { z } from 'zod';
import { completeReviewRequest, inboxQuery, inboxTask } from '../../contracts/task';
import type { ApiRoutes } from '../../http/route';
import type { ReviewTaskService } from './review-task.service';
import type { TaskActionService } from './task-actions.service';
import { taskActionRoutes } from './task-actions.routes';

const taskParams = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/, '待办编号格式不正确') });

export function reviewTaskRoutes(api: ApiRoutes, tasks: ReviewTaskService, actions: TaskActionService): void {
  api.define(
    {
      method: 'get',
      path: '/tasks',
      summary: '审核工作台：待办 / 已办 / 我经办的案件 / 抄送（搜索、排序、时限颜色）',
      tag: 'tasks',
      access: { permission: 'registration-task:read' },
      query: inboxQuery,
      response: z.array(inboxTask),
    },
    ({ user, query }) => actions.list(user, query),
  );
  taskActionRoutes(api, actions);
  api.define(
    { method: 'post', path: '/tasks/:id/claim', summary: '认领待办', tag: 'tasks', access: { permission: 'registration-task:claim' }, params: taskParams, status: 204, audit: { action: 'task.claim', objectType: 'task', objectId: (v) => v.params?.id } },
    ({ user, params }) => tasks.claim(user, params.id),
  );
  api.define(
    { method: 'post', path: '/tasks/:id/unclaim', summary: '退回认领', tag: 'tasks', access: { permission: 'registration-task:claim' }, params: taskParams, status: 204, audit: { action: 'task.unclaim', objectType: 'task', objectId: (v) => v.params?.id } },
    ({ user, params }) => tasks.unclaim(user, params.id),
  );
  api.define(
    {
      method: 'post',
      path: '/tasks/:id/complete',
      summary: '提交审核结论',
      tag: 'tasks',
      access: { permission: 'registration-task:complete' },
      params: taskParams,
      body: completeReviewRequest,
      status: 204,
      audit: { action: 'task.complete', objectType: 'task', objectId: (v) => v.params?.id },
    },
    ({ user, params, body }) => tasks.complete(user, params.id, body),
  );
}
