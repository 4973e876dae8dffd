import fs from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../config';
import type { EngineClient, EngineDeployment } from '../../engine/engine-client';
import { DomainError, type FieldError } from '../../http/errors';
import { DecisionDesignerService } from './decision-designer.service';
import type { ModelChecker } from './model-check';

export const processesDir = path.join(repoRoot, 'processes');
const MODEL_FILE = /\.(bpmn|dmn|form)$/;

/** One error of a model; `xml` when the file is not a model at all. */
interface Problem {
  elementId: string;
  elementName: string | null;
  message: string;
}

const element = (p: Problem): string => (p.elementId === 'xml' ? '' : `元素 ${p.elementId}${p.elementName ? `（${p.elementName}）` : ''}：`);

const messages = {
  invalid: (file: string, first: Problem, count: number) => `流程模型 ${file} 未通过模型检查，不能部署：${element(first)}${first.message}${count > 1 ? `（共 ${count} 个问题）` : ''}`,
};

export interface DeploymentSummary {
  deploymentId: string;
  /** Definitions that got a new version; empty when nothing changed. */
  newVersions: Array<{ key: string; version: number }>;
}

/** A model in `processes/` fails the designer's check; the message names the file and the first element at fault. */
export class ModelRejectedError extends DomainError {
  constructor(
    readonly fileName: string,
    problems: [Problem, ...Problem[]],
  ) {
    super(
      422,
      'MODEL_INVALID',
      messages.invalid(fileName, problems[0], problems.length),
      problems.map((p): FieldError => ({ field: p.elementId, message: p.elementName ? `${p.elementName}：${p.message}` : p.message })),
    );
    this.name = 'ModelRejectedError';
  }
}

/**
 * Deploys the models of `processes/` to the engine (on start and from the console); an unchanged
 * model creates no new version. Each model first passes the designer's checks (U2: lint and the
 * contract of topics and form keys; DMN tables as the decision designer checks them), so the
 * engine never runs a model the designer would have refused.
 */
export class ProcessDeploymentService {
  private readonly decisions: DecisionDesignerService;

  constructor(
    private readonly engine: EngineClient,
    private readonly checker: ModelChecker,
  ) {
    this.decisions = new DecisionDesignerService(engine);
  }

  async deployDirectory(dir = processesDir): Promise<DeploymentSummary> {
    const files = (await fs.readdir(dir)).filter((f) => MODEL_FILE.test(f)).sort();
    const resources = await Promise.all(files.map(async (fileName) => ({ fileName, content: await fs.readFile(path.join(dir, fileName)) })));
    for (const r of resources) {
      const [first, ...more] = await this.problemsOf(r.fileName, r.content.toString('utf8'));
      if (first) throw new ModelRejectedError(r.fileName, [first, ...more]);
    }
    return summarise(await this.engine.deploy('bpm-processes', resources));
  }

  /** The errors of one model (warnings do not stop a deployment); the field is the element at fault. */
  private async problemsOf(fileName: string, xml: string): Promise<Problem[]> {
    const fromFields = (fields: FieldError[]): Problem[] => fields.map((f) => ({ elementId: f.field, elementName: null, message: f.message }));
    try {
      if (fileName.endsWith('.bpmn')) return (await this.checker.check(xml)).problems.filter((p) => p.severity === 'error');
      if (fileName.endsWith('.dmn')) return fromFields((await this.decisions.validate(xml)).problems);
      return [];
    } catch (err) {
      // Malformed XML: the checks throw a validation error naming the `xml` field.
      if (err instanceof DomainError && err.fields?.length) return fromFields(err.fields);
      throw err;
    }
  }
}

function summarise(d: EngineDeployment): DeploymentSummary {
  const defs = [...Object.values(d.deployedProcessDefinitions ?? {}), ...Object.values(d.deployedDecisionDefinitions ?? {})];
  return { deploymentId: d.id, newVersions: defs.map((p) => ({ key: p.key, version: p.version })) };
}
