import { z } from 'zod';
import { caseView, operationsIncidentList } from '../../contracts/cases';
import type { ApiRoutes } from '../../http/route';
import type { CaseService } from './case.service';
import type { OperationsService } from './operations.service';

/** A case's number (报名号 BM…, and the numbers of later case types): capital letters and digits. */
const caseParams = z.object({ businessKey: z.string().regex(/^[A-Z]{2}[0-9A-Z]{1,30}$/, '业务编号格式不正确') });
const incidentParams = z.object({ id: z.string().regex(/^[0-9A-Za-z-]{1,64}$/, '异常编号格式不正确') });

export function caseRoutes(api: ApiRoutes, cases: CaseService, operations: OperationsService): void {
  api.define(
    {
      method: 'get',
      path: '/cases/:businessKey',
      summary: '案件视图：流程图与已走路径、办理进度、文书（考生仅限本人，审核人员限所审考试）',
      tag: 'cases',
      access: { authenticated: true },
      params: caseParams,
      response: caseView,
    },
    async ({ user, params, res }) => {
      res.set('cache-control', 'private, no-store');
      return cases.view(user, params.businessKey);
    },
  );
  api.define(
    {
      method: 'get',
      path: '/operations/incidents',
      summary: '运维监控：引擎未处理的异常（原因、重试次数）及 Cockpit 地址',
      tag: 'operations',
      access: { permission: 'system:monitor' },
      response: operationsIncidentList,
    },
    () => operations.incidents(),
  );
  api.define(
    {
      method: 'post',
      path: '/operations/incidents/:id/retry',
      summary: '重试：为失败的外部任务或作业重新设置重试次数',
      tag: 'operations',
      access: { permission: 'system:monitor' },
      params: incidentParams,
      response: z.object({ id: z.string(), retries: z.number().int() }),
      audit: { action: 'incident.retry', objectType: 'incident', objectId: (v) => v.params?.id },
    },
    ({ params }) => operations.retry(params.id),
  );
}
