import { z } from 'zod';
import {
  deployProcessRequest,
  modelDiff,
  processDeploymentResult,
  processDraftView,
  processKeyParams,
  processModelSummary,
  processVersionParams,
  processXmlRequest,
  processXmlView,
  rollbackProcessRequest,
  validationResult,
} from '../../contracts/processes';
import type { ApiRoutes } from '../../http/route';
import type { ProcessDeploymentService } from './process-deployment.service';
import type { ProcessDesignerService } from './process-designer.service';

const deploymentSummary = z.object({
  deploymentId: z.string(),
  newVersions: z.array(z.object({ key: z.string(), version: z.number() })),
});

const tag = 'processes';
const objectType = 'process-definition';
/** `key@version` of the version a call created, or the key alone when it failed. */
const versionOf = (key: string | undefined, result: unknown) => {
  const version = (result as { version?: number } | undefined)?.version;
  return key === undefined ? undefined : version === undefined ? key : `${key}@${version}`;
};

export function processRoutes(api: ApiRoutes, deployments: ProcessDeploymentService, designer: ProcessDesignerService): void {
  api.define(
    {
      method: 'post',
      path: '/processes/deployments',
      summary: '部署流程模型（仅部署有变化的模型）',
      tag,
      access: { permission: 'process:deploy' },
      response: deploymentSummary,
      status: 201,
      audit: { action: 'process.deploy', objectType: 'deployment', objectId: (_v, r) => (r as { deploymentId?: string } | undefined)?.deploymentId },
    },
    () => deployments.deployDirectory(),
  );
  api.define(
    {
      method: 'get',
      path: '/processes/models',
      summary: '已部署的流程模型（各版本、部署人、运行中实例数）',
      tag,
      access: { permission: 'process:read' },
      response: z.array(processModelSummary),
    },
    () => designer.listModels(),
  );
  api.define(
    {
      method: 'get',
      path: '/processes/models/:key/versions/:version/xml',
      summary: '某一版本的流程模型 XML',
      tag,
      access: { permission: 'process:read' },
      params: processVersionParams,
      response: processXmlView,
    },
    ({ params }) => designer.versionXml(params.key, params.version),
  );
  api.define(
    {
      method: 'get',
      path: '/processes/models/:key/draft',
      summary: '我保存的草稿',
      tag,
      access: { permission: 'process:read' },
      params: processKeyParams,
      response: processDraftView,
    },
    ({ params, user }) => designer.draft(params.key, user.username),
  );
  api.define(
    {
      method: 'put',
      path: '/processes/models/:key/draft',
      summary: '保存草稿（每人每个流程一份）',
      tag,
      access: { permission: 'process:deploy' },
      params: processKeyParams,
      body: processXmlRequest,
      response: processDraftView,
    },
    ({ params, body, user }) => designer.saveDraft(params.key, user.username, body.xml),
  );
  api.define(
    {
      method: 'post',
      path: '/processes/validate',
      summary: '校验流程模型（Camunda 7 规则检查 + 契约检查）',
      tag,
      access: { permission: 'process:deploy' },
      body: processXmlRequest,
      response: validationResult,
    },
    ({ body }) => designer.validate(body.xml),
  );
  api.define(
    {
      method: 'post',
      path: '/processes/diff',
      summary: '与已部署的最新版本比较',
      tag,
      access: { permission: 'process:deploy' },
      body: processXmlRequest,
      response: modelDiff,
    },
    ({ body }) => designer.diff(body.xml),
  );
  api.define(
    {
      method: 'post',
      path: '/processes/models/:key/versions',
      summary: '部署为新版本（不重启）；校验有错误时拒绝',
      tag,
      access: { permission: 'process:deploy' },
      params: processKeyParams,
      body: deployProcessRequest,
      response: processDeploymentResult,
      status: 201,
      audit: { action: 'process.model.deploy', objectType, objectId: (v, r) => versionOf(v.params?.key, r) },
    },
    ({ params, body, user }) => designer.deploy(params.key, body.xml, body.comment, user.username),
  );
  api.define(
    {
      method: 'post',
      path: '/processes/models/:key/versions/:version/rollback',
      summary: '回滚：将旧版本重新部署为最新版本',
      tag,
      access: { permission: 'process:deploy' },
      params: processVersionParams,
      body: rollbackProcessRequest,
      response: processDeploymentResult,
      status: 201,
      audit: { action: 'process.model.rollback', objectType, objectId: (v, r) => versionOf(v.params?.key, r) },
    },
    ({ params, body, user }) => designer.rollback(params.key, params.version, body.comment, user.username),
  );
}
