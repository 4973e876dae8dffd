import { versionsByKey } from './definition-versions';
import { createRequire } from 'node:module';
import { DmnModdle } from 'dmn-moddle';
import type { ModdleElement } from 'bpmn-moddle';
import type { DecisionDeploymentResult, DecisionSummary, DecisionValidation, DecisionXmlView } from '../../contracts/decisions';
import { EngineError, type EngineClient } from '../../engine/engine-client';
import { DomainError, notFound, validationError, type FieldError } from '../../http/errors';

const require = createRequire(import.meta.url);
const camundaDmn = require('camunda-dmn-moddle/resources/camunda.json') as Record<string, unknown>;
const moddle = new DmnModdle({ camunda: camundaDmn });

const messages = {
  notDmn: '决策表不是有效的 DMN XML',
  noDecision: '该决策不存在',
  noVersion: '该决策版本不存在',
  keyChanged: (key: string) => `决策标识须保持为“${key}”，不能修改`,
  ttl: (id: string) => `决策“${id}”须配置历史数据保留时间（historyTimeToLive）`,
  invalid: (count: number) => `决策表有 ${count} 个问题，不能部署`,
  engineRefused: (detail: string) => `流程引擎拒绝部署该决策表：${detail}`,
};

const list = (v: unknown): ModdleElement[] => (Array.isArray(v) ? (v as ModdleElement[]) : []);

/**
 * DMN tables edited in the console (U3): lists deployed decisions, opens a version's XML, checks an
 * edited table (parses with dmn-moddle; the decision id stays, historyTimeToLive is set) and deploys
 * it as a new version, like a process model.
 */
export class DecisionDesignerService {
  constructor(private readonly engine: EngineClient) {}

  async list(): Promise<DecisionSummary[]> {
    return versionsByKey(await this.engine.decisionDefinitions()).map(({ key, latest, versions }) => ({
      key,
      name: latest.name,
      latestVersion: latest.version,
      latestDefinitionId: latest.id,
      versions: versions.map((d) => ({ decisionDefinitionId: d.id, version: d.version, deploymentId: d.deploymentId })),
    }));
  }

  async xml(id: string): Promise<DecisionXmlView> {
    try {
      const def = await this.engine.decisionDefinition(id);
      return { key: def.key, version: def.version, decisionDefinitionId: def.id, xml: await this.engine.decisionDefinitionXml(id) };
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) throw notFound(messages.noVersion);
      throw err;
    }
  }

  /** Checks an edited table; with `key`, the file must still hold that decision. */
  async validate(xml: string, key?: string): Promise<DecisionValidation> {
    let definitions: ModdleElement;
    try {
      const parsed = await moddle.fromXML(xml, 'dmn:Definitions');
      definitions = parsed.rootElement;
      if (definitions.$type !== 'dmn:Definitions') throw new Error('not DMN');
    } catch {
      throw validationError([{ field: 'xml', message: messages.notDmn }]);
    }
    const decisions = list(definitions.drgElement).filter((e) => e.$type === 'dmn:Decision');
    const problems: FieldError[] = [];
    // A file may hold related decisions (eligibility and review routing); the one edited must keep its id.
    if (key !== undefined && !decisions.some((d) => d.id === key)) problems.push({ field: 'xml', message: messages.keyChanged(key) });
    if (decisions.length === 0) problems.push({ field: 'xml', message: messages.notDmn });
    for (const d of decisions) {
      const ttl = d.get('camunda:historyTimeToLive');
      if (ttl === undefined || ttl === null || String(ttl).trim() === '') problems.push({ field: d.id ?? 'xml', message: messages.ttl(d.id ?? '') });
    }
    return { valid: problems.length === 0, decisionKeys: decisions.map((d) => d.id ?? ''), problems };
  }

  /** Deploys the edited table as the next version of an existing decision. */
  async deploy(key: string, xml: string, comment: string): Promise<DecisionDeploymentResult> {
    if (!(await this.engine.decisionDefinitions()).some((d) => d.key === key)) throw notFound(messages.noDecision);
    const check = await this.validate(xml, key);
    if (!check.valid) throw new DomainError(422, 'DECISION_INVALID', messages.invalid(check.problems.length), check.problems);
    let deployment;
    try {
      // The engine keeps the deployment's name: it carries the designer's comment.
      deployment = await this.engine.deploy(`${key}：${comment}`.slice(0, 250), [{ fileName: `${key}.dmn`, content: xml }], false);
    } catch (err) {
      if (err instanceof EngineError && err.status === 400) {
        throw new DomainError(422, 'DECISION_REJECTED', messages.engineRefused(err.message), [{ field: 'xml', message: messages.engineRefused(err.message) }]);
      }
      throw err;
    }
    const def = Object.values(deployment.deployedDecisionDefinitions ?? {}).find((d) => d.key === key);
    if (!def) throw new Error(`deployment ${deployment.id} created no decision ${key}`);
    return { key, version: def.version, decisionDefinitionId: def.id, deploymentId: deployment.id };
  }
}
