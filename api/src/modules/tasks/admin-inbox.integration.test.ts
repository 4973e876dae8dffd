import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createTestContext, eventually, listen, newCandidate, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';
import { TaskClient } from '../../../../workers/src/task-client';
import { courierOrderHandler } from '../../../../workers/src/handlers/courier-order.handler';
import { Sm2Service } from '../../security/sm2';
import { generateSm2KeyPair } from '../../security/sm2-keys';
import { CourierPlatform } from '../../integrations/courier/courier-platform';
import { sandboxSettings, startCourierSandbox, type CourierSandbox } from '../../integrations/courier/sandbox/courier-sandbox';
import type { InboxTask } from '../../contracts/task';
import type { DeliveryView } from '../../contracts/deliveries';
import { DeliveryService } from '../deliveries/delivery.service';

/**
 * The exam admin's role inbox (U5): 快递异常处理 of the reusable courier process, offered to the
 * `exam-admin` group, appears in their 待办 with the case and the delivery, and is completed there
 * with its form. The courier step runs on this file's own worker and sandbox, as in courier.integration.test.ts.
 */
const appId = 'test-admin-inbox-app';
const appSecret = 'test-admin-inbox-secret-test-admin-inbox';
const sender = { phone: '021-12345678', district: '黄浦区', address: '测试路100号证照发放窗口' };

let ctx: TestContext;
let sandbox: CourierSandbox;
let server: { baseUrl: string; close(): Promise<void> };
let worker: TaskClient;

beforeAll(async () => {
  sandbox = await startCourierSandbox({ port: 0, host: '127.0.0.1', apps: [{ appId, appSecret }], latencyMs: 1, timelineMs: null, callbackBackoffMs: [200, 300, 500] });
  const platform = new CourierPlatform({ baseUrl: sandbox.url, appId, appSecret, publicKey: sandbox.publicKey, sm2: new Sm2Service({ sm2KeyPair: () => generateSm2KeyPair() }) });
  ctx = createTestContext({ courier: { platform, notifyUrl: 'http://127.0.0.1/unused', sender } });
  server = await listen(ctx.app);
  worker = new TaskClient({
    baseUrl: ctx.env.engineRestUrl,
    username: ctx.env.engineUser,
    password: ctx.env.enginePassword,
    workerId: `admin-inbox-test-${process.pid}`,
    log: pino({ level: 'silent' }),
    asyncResponseTimeoutMs: 1_000,
  });
  worker.register(courierOrderHandler(new DeliveryService(ctx.db, ctx.security, ctx.engine, { platform, notifyUrl: `${server.baseUrl}/api/courier/callback`, sender })));
  worker.start();
});
afterAll(async () => {
  await worker?.stop(2_000);
  await server?.close();
  await sandbox?.close();
  await ctx?.close();
});

describe('exam admin inbox (U5)', () => {
  it('U5: a refused courier order reaches examadmin\'s 待办 as 快递异常处理 with the case and the delivery, not a reviewer\'s; completed with its form, the courier process ends', async () => {
    await sandboxSettings(sandbox.url, { unservedDistricts: ['崇明区'] });
    let delivery: DeliveryView;
    let registrationNo: string;
    try {
      const { agent } = await newCandidate(ctx, 'admin-inbox');
      const submitted = await agent.post('/api/registrations').send(await validApplication(ctx));
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
      registrationNo = submitted.body.registrationNo as string;
      const res = await agent
        .post('/api/deliveries')
        .send({ businessKey: registrationNo, documentKind: 'registration-receipt', recipientName: '李收件', recipientPhone: '13912345678', district: '崇明区', address: '城桥镇测试路1号' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      delivery = res.body as DeliveryView;
    } finally {
      await sandboxSettings(sandbox.url, { unservedDistricts: [] });
    }
    const instanceId = (await ctx.db('deliveries').where({ id: delivery.id }).first<{ process_instance_id: string }>('process_instance_id')).process_instance_id;

    const admin = await signIn(ctx.app, 'examadmin');
    const todo = async (agent: typeof admin) => (await agent.get('/api/tasks').query({ tab: 'todo', q: registrationNo, pageSize: 200 }).expect(200)).body as InboxTask[];
    const row = await eventually(async () => (await todo(admin)).find((t) => t.processInstanceId === instanceId), '快递异常处理 in the admin inbox');
    expect(row).toMatchObject({
      name: '快递异常处理',
      taskDefinitionKey: 'Task_CourierException',
      businessKey: registrationNo,
      assignee: null,
      formKey: 'form:courier-exception',
      delivery: { documentKind: 'registration-receipt', documentLabel: '报名回执（纸质）', status: 'failed', statusLabel: '下单失败', waybillNo: null },
    });
    expect(row.candidateNameMasked).toMatch(/\*/);
    expect(row.examName).toBeTruthy();
    expect(row.majorName).toBeTruthy();
    expect(row.delivery!.failureReason).toContain('不在快递服务范围内');

    // A reviewer sees the case's 资格审核, never the admin's courier task, and cannot claim it.
    const reviewer = await signIn(ctx.app, 'reviewer1');
    expect((await todo(reviewer)).map((t) => t.taskDefinitionKey)).not.toContain('Task_CourierException');
    expect((await reviewer.post(`/api/tasks/${row.id}/claim`)).status).toBe(403);

    // The form checks its fields: each bad value is named, nothing is completed.
    await admin.post(`/api/tasks/${row.id}/claim`).expect(204);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ handlingNote: '已联系考生改为现场领取' }, 'handling'],
      [{ handling: 'lost', handlingNote: '已联系考生改为现场领取' }, 'handling'],
      [{ handling: 'pickup' }, 'handlingNote'],
      [{ handling: 'pickup', handlingNote: '好' }, 'handlingNote'],
    ];
    for (const [data, field] of bad) {
      const res = await admin.post(`/api/task-forms/tasks/${row.id}/complete`).send({ data });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    expect((await ctx.engine.getTask(row.id)).assignee).toBe('examadmin');

    const done = await admin.post(`/api/task-forms/tasks/${row.id}/complete`).send({ data: { handling: 'pickup', handlingNote: '已电话联系考生，改为现场领取' } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await eventually(async () => (await ctx.engine.historicActivities(instanceId)).some((a) => a.activityId === 'End_Handled'), 'End_Handled');
    expect((await todo(admin)).find((t) => t.id === row.id)).toBeUndefined();
  });
});
