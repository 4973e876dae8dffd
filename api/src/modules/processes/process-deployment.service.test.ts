import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineClient, EngineDeployment } from '../../engine/engine-client';
import { ModelChecker } from './model-check';
import { ModelRejectedError, ProcessDeploymentService, processesDir } from './process-deployment.service';

/** An engine that only records what it was asked to deploy (the checks run before any engine call). */
function recordingEngine() {
  const deployed: string[][] = [];
  const engine = {
    async deploy(_name: string, resources: Array<{ fileName: string }>): Promise<EngineDeployment> {
      deployed.push(resources.map((r) => r.fileName));
      return { id: 'deployment-1', deployedProcessDefinitions: {}, deployedDecisionDefinitions: {} } as EngineDeployment;
    },
  };
  return { engine: engine as unknown as EngineClient, deployed };
}

/** The designer's check with the stored forms a migrated database has. */
const checker = new ModelChecker(undefined, async () => new Set(['courier-exception']));

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A copy of `processes/` with one model's XML changed. */
function processesWith(fileName: string, change: (xml: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'processes-'));
  dirs.push(dir);
  for (const f of fs.readdirSync(processesDir).filter((n) => /\.(bpmn|dmn)$/.test(n))) fs.copyFileSync(path.join(processesDir, f), path.join(dir, f));
  const file = path.join(dir, fileName);
  const before = fs.readFileSync(file, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  fs.writeFileSync(file, after);
  return dir;
}

describe('deploying processes/ (the deploy on start)', () => {
  it('U2 the models of processes/ pass the designer\'s check and are deployed together', async () => {
    const { engine, deployed } = recordingEngine();
    await new ProcessDeploymentService(engine, checker).deployDirectory();
    expect(deployed).toEqual([fs.readdirSync(processesDir).filter((n) => /\.(bpmn|dmn|form)$/.test(n)).sort()]);
  });

  it('U2 a model with a topic no worker handles is refused in one line naming the file and the element; nothing is deployed', async () => {
    const { engine, deployed } = recordingEngine();
    const dir = processesWith('courier-delivery.bpmn', (xml) => xml.replace('camunda:topic="courier-order"', 'camunda:topic="no-such-topic"'));
    const refused = await new ProcessDeploymentService(engine, checker).deployDirectory(dir).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ModelRejectedError);
    const err = refused as ModelRejectedError;
    expect(err.fileName).toBe('courier-delivery.bpmn');
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain('courier-delivery.bpmn');
    expect(err.message).toContain('Task_CourierOrder');
    expect(err.message).toContain('no-such-topic');
    expect(err.status).toBe(422);
    expect(deployed).toEqual([]);
  });

  it('U2 a user task whose form is neither a console view nor a stored form is refused', async () => {
    const { engine, deployed } = recordingEngine();
    const dir = processesWith('exam-registration.bpmn', (xml) => xml.replace('camunda:formKey="app:registration-correction"', 'camunda:formKey="app:no-such-view"'));
    const err = (await new ProcessDeploymentService(engine, checker).deployDirectory(dir).catch((e: unknown) => e)) as ModelRejectedError;
    expect(err).toBeInstanceOf(ModelRejectedError);
    expect(err.message).toMatch(/^流程模型 exam-registration\.bpmn .*元素 Task_CandidateCorrection（考生修改报名信息）：表单“app:no-such-view”不存在/);
    expect(deployed).toEqual([]);
  });

  it('U2 a stored form the database does not have is refused (courier-exception before its migration)', async () => {
    const { engine, deployed } = recordingEngine();
    const err = await new ProcessDeploymentService(engine, new ModelChecker()).deployDirectory().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelRejectedError);
    expect((err as ModelRejectedError).message).toContain('Task_CourierException');
    expect(deployed).toEqual([]);
  });

  it('U3 a DMN table the decision designer would refuse (no historyTimeToLive) is refused too', async () => {
    const { engine, deployed } = recordingEngine();
    const dir = processesWith('registration-eligibility.dmn', (xml) => xml.replace('<decision id="registration-review-routing" name="是否转人工资格审核" camunda:historyTimeToLive="P1825D">', '<decision id="registration-review-routing" name="是否转人工资格审核">'));
    const err = (await new ProcessDeploymentService(engine, checker).deployDirectory(dir).catch((e: unknown) => e)) as ModelRejectedError;
    expect(err).toBeInstanceOf(ModelRejectedError);
    expect(err.message).toContain('registration-eligibility.dmn');
    expect(err.message).toContain('registration-review-routing');
    expect(deployed).toEqual([]);
  });

  it('U2 malformed XML is refused naming the file', async () => {
    const { engine, deployed } = recordingEngine();
    const dir = processesWith('courier-delivery.bpmn', (xml) => xml.replace('</bpmn:definitions>', ''));
    const err = (await new ProcessDeploymentService(engine, checker).deployDirectory(dir).catch((e: unknown) => e)) as ModelRejectedError;
    expect(err).toBeInstanceOf(ModelRejectedError);
    expect(err.message).toContain('courier-delivery.bpmn');
    expect(deployed).toEqual([]);
  });
});
