import { z } from 'zod';
import { completeReviewRequest } from '../../contracts/task';
import type { ApiRoutes } from '../../http/route';
import type { ReviewTaskService } from './review-task.service';

const taskParams = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/, '待办编号格式不正确') });

/** The decision of 资格审核; the inbox and the other task actions are the tasks module's. */
export function reviewTaskRoutes(api: ApiRoutes, tasks: ReviewTaskService): void {
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
