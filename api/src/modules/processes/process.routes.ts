import { z } from 'zod';
import type { ApiRoutes } from '../../http/route';
import type { ProcessDeploymentService } from './process-deployment.service';

const deploymentSummary = z.object({
  deploymentId: z.string(),
  newVersions: z.array(z.object({ key: z.string(), version: z.number() })),
});

export function processRoutes(api: ApiRoutes, deployments: ProcessDeploymentService): void {
  api.define(
    {
      method: 'post',
      path: '/processes/deployments',
      summary: '部署流程模型（仅部署有变化的模型）',
      tag: 'processes',
      access: { permission: 'process:deploy' },
      response: deploymentSummary,
      status: 201,
      audit: { action: 'process.deploy', objectType: 'deployment', objectId: (_v, r) => (r as { deploymentId?: string } | undefined)?.deploymentId },
    },
    () => deployments.deployDirectory(),
  );
}
