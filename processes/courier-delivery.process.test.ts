import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../tests/support/test-env';
import { courierDeliveryFlow } from '../api/src/contracts/flows/courier-delivery';
import type { VariableValue } from '../api/src/engine/engine-client';
import { toEngineVariables } from '../api/src/engine/engine-client';

/**
 * The waiting and exception paths of `courier-delivery` (G6). Each case starts at 等待签收 (the
 * ordering step and its worker are proven in api/src/modules/deliveries/courier.integration.test.ts),
 * with a short `courierTimeout` set through a variable; the timer job is run when it is due.
 */
let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

async function rest<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const auth = Buffer.from(`${ctx.env.engineUser}:${ctx.env.enginePassword}`).toString('base64');
  const res = await fetch(`${ctx.env.engineRestUrl}${path}`, {
    method,
    headers: { authorization: `Basic ${auth}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A case waiting for 已签收 (started before the receive task, as after a completed order). */
async function waiting(variables: Record<string, VariableValue>): Promise<{ instanceId: string; businessKey: string; deliveryId: string }> {
  const businessKey = `BMTEST${crypto.randomInt(0, 1e9)}`;
  const deliveryId = crypto.randomUUID();
  const started = await rest<{ id: string }>('POST', `/process-definition/key/${courierDeliveryFlow.processKey}/start`, {
    businessKey,
    variables: toEngineVariables({ deliveryId, waybillNo: 'YW26010100000001', ...variables }),
    startInstructions: [{ type: 'startBeforeActivity', activityId: 'Task_AwaitDelivered' }],
  });
  return { instanceId: started.id, businessKey, deliveryId };
}

const timerOf = async (instanceId: string) => {
  const [job] = await rest<Array<{ id: string; dueDate: string }>>('GET', `/job?processInstanceId=${instanceId}&timers=true`);
  return job && { id: job.id, due: Date.parse(job.dueDate) };
};
const activityIds = async (instanceId: string) => (await ctx.engine.historicActivities(instanceId)).map((a) => a.activityId);
const reached = (instanceId: string, activityId: string) => eventually(async () => (await activityIds(instanceId)).includes(activityId), activityId);
const exceptionTask = (instanceId: string) =>
  eventually(async () => (await ctx.engine.queryTasks({ processDefinitionKey: courierDeliveryFlow.processKey, taskDefinitionKey: 'Task_CourierException' }, 0, 500)).find((t) => t.processInstanceId === instanceId), 'the exception task');

/** Runs the overdue timer once it is due (the job executor would, within its polling interval). */
async function fireTimer(instanceId: string): Promise<void> {
  const job = await timerOf(instanceId);
  expect(job, 'the overdue timer').toBeDefined();
  const wait = job!.due - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  await rest('POST', `/job/${job!.id}/execute`).catch((err: unknown) => {
    // The job executor may have run it first.
    if (!String(err).includes(' 404 ')) throw err;
  });
}

describe('courier-delivery process (waiting, overdue, operator)', () => {
  it('G6 the wait is courierTimeout long (P10D without it); 已签收 for the case and delivery ends it, another delivery\'s does not', async () => {
    const { instanceId, businessKey, deliveryId } = await waiting({});
    const job = await timerOf(instanceId);
    const days = (job!.due - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(9.99);
    expect(days).toBeLessThan(10.01);
    // Another delivery of the same case does not end this one.
    await expect(ctx.engine.correlateMessage(courierDeliveryFlow.messages.courierDelivered, businessKey, {}, { deliveryId: crypto.randomUUID() })).rejects.toMatchObject({ status: 400 });
    expect((await ctx.engine.processInstance(instanceId)).ended).toBe(false);
    await ctx.engine.correlateMessage(courierDeliveryFlow.messages.courierDelivered, businessKey, {}, { deliveryId });
    await reached(instanceId, 'End_Delivered');
    expect(await timerOf(instanceId)).toBeUndefined();
  });

  it('G6 not signed for in time: the timer gives the case to an exam admin (due in 3 days); a late 已签收 still ends it as 已签收', async () => {
    const { instanceId, businessKey, deliveryId } = await waiting({ courierTimeout: 'PT2S' });
    const job = await timerOf(instanceId);
    expect(job!.due - Date.now()).toBeLessThan(3_000);
    await fireTimer(instanceId);
    const task = await exceptionTask(instanceId);
    expect(task.name).toBe('快递异常处理');
    expect(await ctx.engine.candidateGroups(task.id)).toEqual(['exam-admin']);
    expect(Date.parse(task.due!) - Date.parse(task.created)).toBeGreaterThan(2.9 * 86_400_000);
    expect(await activityIds(instanceId)).toContain('Boundary_DeliveryOverdue');

    await ctx.engine.correlateMessage(courierDeliveryFlow.messages.courierDelivered, businessKey, {}, { deliveryId });
    await reached(instanceId, 'End_Delivered');
    expect(await activityIds(instanceId)).toEqual(expect.arrayContaining(['Boundary_DeliveredLate', 'End_Delivered']));
    expect(await activityIds(instanceId)).not.toContain('End_Handled');
    expect(await ctx.engine.queryTasks({ processInstanceBusinessKey: businessKey })).toEqual([]);
  });

  it('G6 not signed for in time: the exam admin handles it and the case ends 人工处理完毕', async () => {
    const { instanceId } = await waiting({ courierTimeout: 'PT1S' });
    await fireTimer(instanceId);
    const task = await exceptionTask(instanceId);
    await ctx.engine.complete(task.id, {});
    await reached(instanceId, 'End_Handled');
    expect(await activityIds(instanceId)).not.toContain('End_Delivered');
  });
});
