import { z } from 'zod';

/** A DMN decision id as the engine accepts it (the decision's key). */
export const decisionKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/, '决策标识不正确');
export const decisionKeyParams = z.object({ key: decisionKey });
export const decisionDefinitionParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, '决策版本编号不正确') });

const dmnXml = z.string().trim().min(1, '请提供决策表').max(90_000, '决策表过大');
export const decisionXmlRequest = z.object({ xml: dmnXml });
export const deployDecisionRequest = z.object({
  xml: dmnXml,
  comment: z.string().trim().min(1, '请填写部署说明').max(500, '部署说明不能超过500字'),
});
export type DeployDecisionRequest = z.infer<typeof deployDecisionRequest>;

export const decisionVersionView = z.object({ decisionDefinitionId: z.string(), version: z.number(), deploymentId: z.string() });
export const decisionSummary = z.object({
  key: z.string(),
  name: z.string().nullable(),
  latestVersion: z.number(),
  latestDefinitionId: z.string(),
  /** Newest first. */
  versions: z.array(decisionVersionView),
});
export type DecisionSummary = z.infer<typeof decisionSummary>;

export const decisionXmlView = z.object({ key: z.string(), version: z.number(), decisionDefinitionId: z.string(), xml: z.string() });
export type DecisionXmlView = z.infer<typeof decisionXmlView>;

export const decisionValidation = z.object({
  valid: z.boolean(),
  /** The decision ids in the file. */
  decisionKeys: z.array(z.string()),
  problems: z.array(z.object({ field: z.string(), message: z.string() })),
});
export type DecisionValidation = z.infer<typeof decisionValidation>;

export const decisionDeploymentResult = z.object({ key: z.string(), version: z.number(), decisionDefinitionId: z.string(), deploymentId: z.string() });
export type DecisionDeploymentResult = z.infer<typeof decisionDeploymentResult>;
