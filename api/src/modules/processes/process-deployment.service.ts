import fs from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../config';
import type { EngineClient, EngineDeployment } from '../../engine/engine-client';

export const processesDir = path.join(repoRoot, 'processes');
const MODEL_FILE = /\.(bpmn|dmn|form)$/;

export interface DeploymentSummary {
  deploymentId: string;
  /** Definitions that got a new version; empty when nothing changed. */
  newVersions: Array<{ key: string; version: number }>;
}

/** Deploys process models to the engine; an unchanged model creates no new version. */
export class ProcessDeploymentService {
  constructor(private readonly engine: EngineClient) {}

  async deployDirectory(dir = processesDir): Promise<DeploymentSummary> {
    const files = (await fs.readdir(dir)).filter((f) => MODEL_FILE.test(f)).sort();
    const resources = await Promise.all(files.map(async (fileName) => ({ fileName, content: await fs.readFile(path.join(dir, fileName)) })));
    return summarise(await this.engine.deploy('bpm-processes', resources));
  }
}

function summarise(d: EngineDeployment): DeploymentSummary {
  const defs = [...Object.values(d.deployedProcessDefinitions ?? {}), ...Object.values(d.deployedDecisionDefinitions ?? {})];
  return { deploymentId: d.id, newVersions: defs.map((p) => ({ key: p.key, version: p.version })) };
}
