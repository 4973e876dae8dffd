import { z } from 'zod';

/**
 * Form keys a user task may name (U2 contract check): console views registered for task forms, and
 * `form:<key>` for a form designed in the console with form-js (U3) that is stored.
 */
export const TASK_FORM_VIEWS = {
  'app:registration-review': '资格审核',
  'app:registration-correction': '考生修改报名信息',
  'app:generic-approval': '通用审批表单（审批意见、附件）',
} as const;
export type TaskFormKey = keyof typeof TASK_FORM_VIEWS;

/** `storedForms`: keys of the form-js forms stored in the console (without the `form:` prefix). */
export function isKnownFormKey(key: string, storedForms: ReadonlySet<string> = new Set()): boolean {
  if (key.startsWith('form:')) return storedForms.has(key.slice('form:'.length));
  return Object.hasOwn(TASK_FORM_VIEWS, key);
}

/** A process definition key as the engine accepts it (the BPMN process id). */
export const processKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/, '流程标识不正确');

export const processKeyParams = z.object({ key: processKey });
export const processVersionParams = z.object({ key: processKey, version: z.coerce.number().int().positive('版本号不正确') });

/** BPMN XML as the modeler exports it (a 100 kB JSON body cap applies to the whole request). */
const bpmnXml = z.string().trim().min(1, '请提供流程模型').max(90_000, '流程模型过大');

export const processXmlRequest = z.object({ xml: bpmnXml });
export type ProcessXmlRequest = z.infer<typeof processXmlRequest>;

export const deployProcessRequest = z.object({
  xml: bpmnXml,
  comment: z.string().trim().min(1, '请填写部署说明').max(500, '部署说明不能超过500字'),
});
export type DeployProcessRequest = z.infer<typeof deployProcessRequest>;

export const rollbackProcessRequest = z.object({
  comment: z.string().trim().min(1, '请填写回滚说明').max(500, '回滚说明不能超过500字'),
});
export type RollbackProcessRequest = z.infer<typeof rollbackProcessRequest>;

export const processVersionView = z.object({
  processDefinitionId: z.string(),
  version: z.number(),
  deploymentId: z.string(),
  deployedAt: z.string().nullable(),
  /** Null for versions deployed at start-up from `processes/`. */
  deployedBy: z.string().nullable(),
  comment: z.string().nullable(),
  /** The version this one redeployed (rollback), if any. */
  rolledBackFrom: z.number().nullable(),
  runningInstances: z.number(),
});
export type ProcessVersionView = z.infer<typeof processVersionView>;

export const processModelSummary = z.object({
  key: z.string(),
  name: z.string().nullable(),
  latestVersion: z.number(),
  /** Newest first. */
  versions: z.array(processVersionView),
});
export type ProcessModelSummary = z.infer<typeof processModelSummary>;

export const processXmlView = z.object({ key: z.string(), version: z.number(), processDefinitionId: z.string(), xml: z.string() });
export type ProcessXmlView = z.infer<typeof processXmlView>;

export const processDraftView = z.object({ key: z.string(), xml: z.string(), savedBy: z.string(), savedAt: z.string() });
export type ProcessDraftView = z.infer<typeof processDraftView>;

export const modelProblem = z.object({
  /** The BPMN element at fault (the process id for process-level problems). */
  elementId: z.string(),
  elementName: z.string().nullable(),
  /** `lint` (bpmnlint, Camunda 7 rules) or `contract` (topics and form keys the system serves). */
  source: z.enum(['lint', 'contract']),
  rule: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
});
export type ModelProblem = z.infer<typeof modelProblem>;

export const validationResult = z.object({
  /** True when no problem is an error: the model may be deployed. */
  valid: z.boolean(),
  processKey: z.string().nullable(),
  problems: z.array(modelProblem),
});
export type ValidationResult = z.infer<typeof validationResult>;

const changedElement = z.object({ id: z.string(), type: z.string(), name: z.string().nullable() });
export const modelDiff = z.object({
  key: z.string(),
  /** The deployed version compared against; null when the key has never been deployed. */
  baseVersion: z.number().nullable(),
  added: z.array(changedElement),
  removed: z.array(changedElement),
  changed: z.array(
    changedElement.extend({
      attributes: z.array(z.object({ name: z.string(), oldValue: z.string().nullable(), newValue: z.string().nullable() })),
    }),
  ),
  /** Elements only moved or resized. */
  layoutChanged: z.array(changedElement),
});
export type ModelDiff = z.infer<typeof modelDiff>;

export const processDeploymentResult = z.object({
  key: z.string(),
  version: z.number(),
  processDefinitionId: z.string(),
  deploymentId: z.string(),
  /** Warnings the model still has (errors refuse the deployment). */
  problems: z.array(modelProblem),
});
export type ProcessDeploymentResult = z.infer<typeof processDeploymentResult>;

/** Chinese names of BPMN element types for lists of problems and changes. */
export const BPMN_TYPE_LABELS: Record<string, string> = {
  'bpmn:Process': '流程',
  'bpmn:StartEvent': '开始事件',
  'bpmn:EndEvent': '结束事件',
  'bpmn:UserTask': '用户任务',
  'bpmn:ServiceTask': '服务任务',
  'bpmn:Task': '任务',
  'bpmn:ExclusiveGateway': '排他网关',
  'bpmn:ParallelGateway': '并行网关',
  'bpmn:InclusiveGateway': '包容网关',
  'bpmn:EventBasedGateway': '事件网关',
  'bpmn:SequenceFlow': '顺序流',
  'bpmn:BoundaryEvent': '边界事件',
  'bpmn:IntermediateCatchEvent': '中间捕获事件',
  'bpmn:IntermediateThrowEvent': '中间抛出事件',
  'bpmn:SubProcess': '子流程',
  'bpmn:CallActivity': '调用活动',
  'bpmn:BusinessRuleTask': '业务规则任务',
  'bpmn:ScriptTask': '脚本任务',
};
