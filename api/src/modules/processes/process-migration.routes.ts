import { executeMigrationRequest, migrationPlanRequest, migrationPreview, migrationResult } from '../../contracts/process-migration';
import type { ApiRoutes } from '../../http/route';
import type { ProcessMigrationService } from './process-migration.service';

const tag = 'processes';

export function processMigrationRoutes(api: ApiRoutes, migrations: ProcessMigrationService): void {
  api.define(
    {
      method: 'post',
      path: '/processes/migrations/plan',
      summary: '迁移预览：活动映射与受影响的运行中实例',
      tag,
      access: { permission: 'process:deploy' },
      body: migrationPlanRequest,
      response: migrationPreview,
    },
    ({ body }) => migrations.plan(body),
  );
  api.define(
    {
      method: 'post',
      path: '/processes/migrations/execute',
      summary: '执行迁移：将所选运行中实例迁移到目标版本',
      tag,
      access: { permission: 'process:deploy' },
      body: executeMigrationRequest,
      response: migrationResult,
      audit: {
        action: 'process.migration.execute',
        objectType: 'process-definition',
        // The target version; the engine's history keeps which instances moved from where.
        objectId: (v) => v.body?.plan.targetProcessDefinitionId,
      },
    },
    ({ body }) => migrations.execute(body),
  );
}
