import { versionsByKey } from './definition-versions';
import type {
  ModelDiff,
  ModelProblem,
  ProcessDeploymentResult,
  ProcessDraftView,
  ProcessModelSummary,
  ProcessXmlView,
  ValidationResult,
} from '../../contracts/processes';
import { EngineError, type EngineClient, type EngineProcessDefinition } from '../../engine/engine-client';
import { DomainError, conflict, notFound, validationError } from '../../http/errors';
import { ModelChecker } from './model-check';
import { diffModels } from './model-diff';
import type { ProcessDesignerRepository } from './process-designer.repository';

const messages = {
  noModel: '该流程不存在',
  noVersion: '该流程版本不存在',
  keyMismatch: '模型中的流程标识与所选流程不一致',
  invalid: (count: number) => `流程模型有 ${count} 个问题，不能部署`,
  alreadyLatest: '该版本已是最新版本，无需回滚',
  engineRefused: (detail: string) => `流程引擎拒绝部署该模型：${detail}`,
};

/**
 * The process designer's back end (U1, U2): lists deployed models with their versions, checks a
 * model (lint + contract), compares it with the deployed version and deploys it as a new version
 * while the engine keeps running; a rollback redeploys an older version's XML as the newest.
 */
export class ProcessDesignerService {
  constructor(
    private readonly engine: EngineClient,
    private readonly repo: ProcessDesignerRepository,
    private readonly checker = new ModelChecker(),
  ) {}

  async listModels(): Promise<ProcessModelSummary[]> {
    const [definitions, deployments] = await Promise.all([this.engine.processDefinitionStatistics(), this.engine.deployments()]);
    const deployedAt = new Map(deployments.map((d) => [d.id, d.deploymentTime]));
    const records = await this.repo.deploymentsOf(definitions.map((d) => d.id));
    return versionsByKey(definitions).map(({ key, latest, versions }) => ({
      key,
      name: latest.name,
      latestVersion: latest.version,
      versions: versions.map((d) => {
        const record = records.get(d.id);
        return {
          processDefinitionId: d.id,
          version: d.version,
          deploymentId: d.deploymentId,
          deployedAt: record?.deployed_at.toISOString() ?? deployedAt.get(d.deploymentId) ?? null,
          deployedBy: record?.deployed_by ?? null,
          comment: record?.comment ?? null,
          rolledBackFrom: record?.rolled_back_from ?? null,
          runningInstances: d.runningInstances,
        };
      }),
    }));
  }

  private async definition(key: string, version?: number): Promise<EngineProcessDefinition> {
    const versions = await this.engine.processDefinitionsByKey(key);
    if (versions.length === 0) throw notFound(messages.noModel);
    const found = version === undefined ? versions[0] : versions.find((v) => v.version === version);
    if (!found) throw notFound(messages.noVersion);
    return found;
  }

  async versionXml(key: string, version?: number): Promise<ProcessXmlView> {
    const def = await this.definition(key, version);
    return { key, version: def.version, processDefinitionId: def.id, xml: await this.engine.processDefinitionXml(def.id) };
  }

  async draft(key: string, username: string): Promise<ProcessDraftView> {
    const row = await this.repo.draft(key, username);
    if (!row) throw notFound('没有保存的草稿');
    return { key: row.process_key, xml: row.xml, savedBy: row.saved_by, savedAt: row.saved_at.toISOString() };
  }

  /** A draft need not pass the checks, but must be BPMN of this process. */
  async saveDraft(key: string, username: string, xml: string): Promise<ProcessDraftView> {
    const result = await this.checker.check(xml);
    if (result.processKey !== null && result.processKey !== key) throw validationError([{ field: 'xml', message: messages.keyMismatch }]);
    const row = await this.repo.saveDraft(key, username, xml);
    return { key: row.process_key, xml: row.xml, savedBy: row.saved_by, savedAt: row.saved_at.toISOString() };
  }

  validate(xml: string): Promise<ValidationResult> {
    return this.checker.check(xml);
  }

  /** Against the latest deployed version of the model's process (everything is new for a new key). */
  async diff(xml: string): Promise<ModelDiff> {
    const { processKey } = await this.checker.check(xml);
    if (!processKey) throw validationError([{ field: 'xml', message: '模型中须有且仅有一个可执行流程' }]);
    const versions = await this.engine.processDefinitionsByKey(processKey);
    const latest = versions[0];
    const baseXml = latest ? await this.engine.processDefinitionXml(latest.id) : null;
    return diffModels(processKey, latest?.version ?? null, baseXml, xml);
  }

  async deploy(key: string, xml: string, comment: string, username: string): Promise<ProcessDeploymentResult> {
    return this.deployChecked(key, xml, comment, username, null);
  }

  async rollback(key: string, version: number, comment: string, username: string): Promise<ProcessDeploymentResult> {
    const latest = await this.definition(key);
    if (latest.version === version) throw conflict('ALREADY_LATEST', messages.alreadyLatest, 'version');
    const old = await this.versionXml(key, version);
    return this.deployChecked(key, old.xml, comment, username, version);
  }

  private async deployChecked(key: string, xml: string, comment: string, username: string, rolledBackFrom: number | null): Promise<ProcessDeploymentResult> {
    const result = await this.checker.check(xml);
    if (result.processKey !== null && result.processKey !== key) throw validationError([{ field: 'xml', message: messages.keyMismatch }]);
    const errors = result.problems.filter((p) => p.severity === 'error');
    if (errors.length) throw modelInvalid(errors);
    let deployment;
    try {
      // Not "changed only": the designer asked for a new version, and a rollback's XML equals an old one.
      deployment = await this.engine.deploy(`designer:${key}`, [{ fileName: `${key}.bpmn`, content: xml }], false);
    } catch (err) {
      if (err instanceof EngineError && err.status === 400) {
        throw new DomainError(422, 'MODEL_REJECTED', messages.engineRefused(err.message), [{ field: 'xml', message: messages.engineRefused(err.message) }]);
      }
      throw err;
    }
    const def = Object.values(deployment.deployedProcessDefinitions ?? {}).find((d) => d.key === key);
    if (!def) throw new Error(`deployment ${deployment.id} created no definition of ${key}`);
    await this.repo.recordDeployment({
      process_key: key,
      version: def.version,
      process_definition_id: def.id,
      deployment_id: deployment.id,
      deployed_by: username,
      comment,
      rolled_back_from: rolledBackFrom,
    });
    return { key, version: def.version, processDefinitionId: def.id, deploymentId: deployment.id, problems: result.problems };
  }
}

/** 422 naming each element at fault (the field is the BPMN element id). */
function modelInvalid(errors: ModelProblem[]): DomainError {
  return new DomainError(
    422,
    'MODEL_INVALID',
    messages.invalid(errors.length),
    errors.map((p) => ({ field: p.elementId, message: p.elementName ? `${p.elementName}：${p.message}` : p.message })),
  );
}
