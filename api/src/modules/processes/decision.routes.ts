import { z } from 'zod';
import {
  decisionDefinitionParams,
  decisionDeploymentResult,
  decisionKeyParams,
  decisionSummary,
  decisionValidation,
  decisionXmlRequest,
  decisionXmlView,
  deployDecisionRequest,
} from '../../contracts/decisions';
import type { ApiRoutes } from '../../http/route';
import type { DecisionDesignerService } from './decision-designer.service';

const tag = 'decisions';

export function decisionRoutes(api: ApiRoutes, decisions: DecisionDesignerService): void {
  api.define(
    { method: 'get', path: '/decisions', summary: '已部署的决策表（各版本）', tag, access: { permission: 'process:read' }, response: z.array(decisionSummary) },
    () => decisions.list(),
  );
  api.define(
    {
      method: 'get',
      path: '/decisions/definitions/:id/xml',
      summary: '某一版本的决策表 XML',
      tag,
      access: { permission: 'process:read' },
      params: decisionDefinitionParams,
      response: decisionXmlView,
    },
    ({ params }) => decisions.xml(params.id),
  );
  api.define(
    {
      method: 'post',
      path: '/decisions/:key/validate',
      summary: '校验编辑后的决策表（决策标识不变，须配置 historyTimeToLive）',
      tag,
      access: { permission: 'process:deploy' },
      params: decisionKeyParams,
      body: decisionXmlRequest,
      response: decisionValidation,
    },
    ({ params, body }) => decisions.validate(body.xml, params.key),
  );
  api.define(
    {
      method: 'post',
      path: '/decisions/:key/versions',
      summary: '部署为决策表的新版本（不重启）',
      tag,
      access: { permission: 'process:deploy' },
      params: decisionKeyParams,
      body: deployDecisionRequest,
      response: decisionDeploymentResult,
      status: 201,
      audit: {
        action: 'decision.deploy',
        objectType: 'decision-definition',
        objectId: (v, r) => {
          const version = (r as { version?: number } | undefined)?.version;
          return v.params === undefined ? undefined : version === undefined ? v.params.key : `${v.params.key}@${version}`;
        },
      },
    },
    ({ params, body }) => decisions.deploy(params.key, body.xml, body.comment),
  );
}
