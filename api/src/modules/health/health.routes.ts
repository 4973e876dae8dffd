import type { ApiRoutes } from '../../http/route';
import { publicHealth, type HealthService } from './health.service';

export function healthRoutes(api: ApiRoutes, health: HealthService): void {
  api.define(
    { method: 'get', path: '/health', summary: '健康检查：数据库、流程引擎、任务处理器', tag: 'system', access: { public: true } },
    async ({ user, res }) => {
      const report = await health.check();
      // Operators (system:monitor) see the raw cause; everyone else the states only.
      res.status(report.status === 'up' ? 200 : 503).json(user?.permissions.includes('system:monitor') ? report : publicHealth(report));
    },
  );
}
