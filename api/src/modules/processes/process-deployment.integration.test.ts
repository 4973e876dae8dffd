import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, signIn, type TestContext } from '../../../../tests/support/test-env';
import { flows } from '../../contracts/flows';
import { TaskFormRepository } from '../task-forms/task-form.repository';
import { storedFormsModelChecker } from '../task-forms/stored-forms-model-checker';
import { ModelRejectedError, ProcessDeploymentService, processesDir } from './process-deployment.service';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

describe('deploying processes/ with the model check (the deploy on start)', () => {
  it('U2 U3 every stored form a flow contract names is in a migrated database', async () => {
    const stored = await new TaskFormRepository(ctx.db).keys();
    const named = flows.flatMap((f) => ('storedForms' in f ? f.storedForms : []));
    expect(named.length).toBeGreaterThan(0);
    for (const key of named) expect(stored.has(key), `form:${key}`).toBe(true);
  });

  it('U2 the console\'s deploy of processes/ passes the check with the stored forms', async () => {
    const designer = await signIn(ctx.app, 'designer');
    const res = await designer.post('/api/processes/deployments');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('U2 a model that fails the check is refused before the engine sees it: no deployment is created', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'processes-'));
    try {
      for (const f of fs.readdirSync(processesDir).filter((n) => /\.(bpmn|dmn)$/.test(n))) fs.copyFileSync(path.join(processesDir, f), path.join(dir, f));
      const file = path.join(dir, 'exam-registration.bpmn');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('camunda:topic="payment-order"', 'camunda:topic="payment-order-v2"'));
      // Other files deploy models of their own meanwhile; the directory's deployments are named bpm-processes.
      const ours = async () => (await ctx.engine.deployments()).filter((d) => d.name === 'bpm-processes').length;
      const before = await ours();
      const refused = await new ProcessDeploymentService(ctx.engine, storedFormsModelChecker(ctx.db)).deployDirectory(dir).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(ModelRejectedError);
      expect((refused as ModelRejectedError).message).toMatch(/^流程模型 exam-registration\.bpmn 未通过模型检查，不能部署：元素 Task_PaymentOrder（生成缴费订单）：外部任务主题“payment-order-v2”没有对应的处理程序$/);
      expect(await ours()).toBe(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
