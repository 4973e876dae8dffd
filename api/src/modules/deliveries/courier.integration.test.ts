import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type supertest from 'supertest';
import { createTestContext, eventually, listen, newCandidate, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';
import { expectNoAccess } from '../../../../tests/support/idor';
import { TaskClient } from '../../../../workers/src/task-client';
import { courierOrderHandler } from '../../../../workers/src/handlers/courier-order.handler';
import { Sm2Service } from '../../security/sm2';
import { generateSm2KeyPair } from '../../security/sm2-keys';
import { CourierPlatform, type CreateWaybill, type Waybill } from '../../integrations/courier/courier-platform';
import type { CourierDeps } from '../../integrations/courier/courier-setup';
import { courierWire, signHeaders } from '../../integrations/courier/courier-wire';
import { sandboxAdvance, sandboxCallbacks, sandboxResend, sandboxSettings, sandboxWaybill, sandboxWaybills, startCourierSandbox, type CourierSandbox } from '../../integrations/courier/sandbox/courier-sandbox';
import type { DeliveryView } from '../../contracts/deliveries';
import type { InboxTask } from '../../contracts/task';
import { DeliveryService } from './delivery.service';
import { DeliveryRepository } from './delivery.repository';
import { deliveryCase } from '../../../../tests/support/inbox';

/**
 * Courier delivery (G6) end to end: the API, the `courier-delivery` process in the run's engine,
 * this file's own `courier-order` worker and its own express-module sandbox (on a free port; the
 * run's workers have no courier, so the step is this worker's alone).
 */
const appId = 'test-courier-app';
const appSecret = 'test-courier-secret-test-courier-secret';
const sender = { phone: '021-12345678', district: '黄浦区', address: '测试路100号证照发放窗口' };
const verifier = new Sm2Service({ sm2KeyPair: () => generateSm2KeyPair() });

let ctx: TestContext;
let sandbox: CourierSandbox;
let server: { baseUrl: string; close(): Promise<void> };
let worker: TaskClient;
let courier: CourierDeps;

beforeAll(async () => {
  // Short back-off: a callback that comes before the process waits for it is delivered again soon.
  sandbox = await startCourierSandbox({ port: 0, host: '127.0.0.1', apps: [{ appId, appSecret }], latencyMs: 1, timelineMs: null, callbackBackoffMs: [200, 300, 500, 1000, 1000, 2000, 3000, 5000] });
  const platform = new CourierPlatform({ baseUrl: sandbox.url, appId, appSecret, publicKey: sandbox.publicKey, sm2: verifier });
  ctx = createTestContext({ courier: { platform, notifyUrl: 'http://127.0.0.1/unused', sender } });
  server = await listen(ctx.app);
  courier = { platform, notifyUrl: `${server.baseUrl}/api/courier/callback`, sender };
  worker = new TaskClient({
    baseUrl: ctx.env.engineRestUrl,
    username: ctx.env.engineUser,
    password: ctx.env.enginePassword,
    workerId: `courier-test-${process.pid}`,
    log: pino({ level: 'silent' }),
    asyncResponseTimeoutMs: 1_000,
  });
  worker.register(courierOrderHandler(new DeliveryService(ctx.db, ctx.security, ctx.engine, courier)));
  worker.start();
});
afterAll(async () => {
  await worker?.stop(2_000);
  await server?.close();
  await sandbox?.close();
  await ctx?.close();
});

const address = { recipientName: '李收件', recipientPhone: '13912345678', district: '徐汇区', address: '漕溪北路100号3楼301室' };

/** A candidate with a submitted registration (whose paper receipt can be sent). */
async function registered(label: string): Promise<{ agent: supertest.Agent; registrationNo: string }> {
  const { agent } = await newCandidate(ctx, label);
  const res = await agent.post('/api/registrations').send(await validApplication(ctx));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { agent, registrationNo: res.body.registrationNo as string };
}

async function requestDelivery(agent: supertest.Agent, businessKey: string, overrides: Record<string, unknown> = {}): Promise<DeliveryView> {
  const res = await agent.post('/api/deliveries').send({ businessKey, documentKind: 'registration-receipt', ...address, ...overrides });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as DeliveryView;
}

const deliveryOf = async (agent: supertest.Agent, id: string) => (await agent.get(`/api/deliveries/${id}`).expect(200)).body as DeliveryView;
const eventCount = async (id: string) => Number((await ctx.db('delivery_events').where({ delivery_id: id }).count<{ count: string }[]>('* as count'))[0]!.count);
const activityIds = async (instanceId: string) => (await ctx.engine.historicActivities(instanceId)).map((a) => a.activityId);
const reached = (instanceId: string, activityId: string) => eventually(async () => (await activityIds(instanceId)).includes(activityId), activityId);
const processOf = async (id: string) => (await ctx.db('deliveries').where({ id }).first<{ process_instance_id: string }>('process_instance_id')).process_instance_id;

describe('courier delivery through the 一网通办 express module (G6)', () => {
  it('G6 the receipt goes by courier: process → waybill → tracking callbacks recorded once each → 已签收 ends the process', async () => {
    const { agent, registrationNo } = await registered('courier');
    const created = await requestDelivery(agent, registrationNo);
    expect(created).toMatchObject({ businessKey: registrationNo, documentKind: 'registration-receipt', documentLabel: '报名回执（纸质）', recipientName: '李收件', recipientPhoneMasked: '139****5678', district: '徐汇区', events: [] });
    // Phone and street address are stored only as SM4 ciphertext.
    const stored = await ctx.db('deliveries').where({ id: created.id }).first();
    expect(stored.recipient_phone).toMatch(/^sm4:/);
    expect(JSON.stringify(stored)).not.toContain('13912345678');
    expect(JSON.stringify(stored)).not.toContain('漕溪北路');

    const instanceId = await processOf(created.id);
    const [instance] = await ctx.engine.processInstancesByVariable('courier-delivery', 'deliveryId', created.id);
    expect(instance).toMatchObject({ id: instanceId, businessKey: registrationNo });
    const ordered = await eventually(async () => {
      const d = await deliveryOf(agent, created.id);
      return d.waybillNo ? d : undefined;
    }, 'the waybill');
    expect(ordered.status).toBe('ordered');
    await reached(instanceId, 'Task_AwaitDelivered');

    // The platform got the issuing office as sender and the candidate's address, once.
    const { waybill } = await sandboxWaybill(sandbox.url, created.id);
    expect(waybill).toMatchObject({ waybillNo: ordered.waybillNo, orderNo: created.id, itemDescription: `报名回执（纸质） ${registrationNo}` });
    expect(waybill.sender).toMatchObject({ name: '上海市应急管理局', district: '黄浦区' });
    expect(waybill.recipient).toEqual({ name: '李收件', mobile: '13912345678', district: '徐汇区', address: '漕溪北路100号3楼301室' });
    expect((await sandboxWaybills(sandbox.url)).filter((w) => w.orderNo === created.id)).toHaveLength(1);

    for (let i = 0; i < 3; i += 1) await sandboxAdvance(sandbox.url, created.id);
    const underway = await eventually(async () => {
      const d = await deliveryOf(agent, created.id);
      return d.events.length === 3 && d;
    }, 'three tracking events');
    expect(underway.status).toBe('out-for-delivery');
    expect(underway.statusLabel).toBe('派送中');
    expect(underway.events.map((e) => e.statusLabel)).toEqual(['已揽收', '运输中', '派送中']);

    // The platform delivers the 揽收 callback 5 times more: every one is acknowledged, none writes again.
    const [collected] = await sandboxCallbacks(sandbox.url, ordered.waybillNo!);
    expect(collected!.eventCode).toBe('collected');
    for (let i = 0; i < 5; i += 1) expect((await sandboxResend(sandbox.url, collected!.notifyId)).attempt).toMatchObject({ status: 200, acknowledged: true });
    expect(await eventCount(created.id)).toBe(3);
    expect((await deliveryOf(agent, created.id)).status).toBe('out-for-delivery');
    expect((await ctx.engine.processInstance(instanceId)).ended).toBe(false);

    await sandboxAdvance(sandbox.url, created.id);
    await reached(instanceId, 'End_Delivered');
    const delivered = await deliveryOf(agent, created.id);
    expect(delivered).toMatchObject({ status: 'delivered', statusLabel: '已签收' });
    expect(delivered.events.map((e) => e.status)).toEqual(['picked-up', 'in-transit', 'out-for-delivery', 'delivered']);
    expect(delivered.events[3]!.location).toBe('上海市徐汇区');
    expect((await ctx.db('deliveries').where({ id: created.id }).first()).delivered_notified_at).not.toBeNull();

    // 已签收 again, 5 times, after the process ended: acknowledged, nothing written, nothing fails.
    const signed = (await sandboxCallbacks(sandbox.url, ordered.waybillNo!)).find((c) => c.eventCode === 'signed')!;
    await eventually(async () => (await sandboxCallbacks(sandbox.url, ordered.waybillNo!)).every((c) => c.state === 'acknowledged'), 'every callback acknowledged');
    for (let i = 0; i < 5; i += 1) expect((await sandboxResend(sandbox.url, signed.notifyId)).attempt.acknowledged).toBe(true);
    expect(await eventCount(created.id)).toBe(4);
    expect(await activityIds(instanceId)).toEqual(expect.arrayContaining(['Start_CourierRequested', 'Task_CourierOrder', 'Task_AwaitDelivered', 'End_Delivered']));
    expect(await activityIds(instanceId)).not.toContain('Task_CourierException');

    // The portal's list (of the case and of all) shows it with its tracking.
    const list = (await agent.get('/api/deliveries').query({ businessKey: registrationNo }).expect(200)).body as DeliveryView[];
    expect(list.map((d) => [d.id, d.status, d.events.length])).toEqual([[created.id, 'delivered', 4]]);
    expect(((await agent.get('/api/deliveries').expect(200)).body as DeliveryView[]).map((d) => d.id)).toContain(created.id);

    // One active delivery per document.
    const again = await agent.post('/api/deliveries').send({ businessKey: registrationNo, documentKind: 'registration-receipt', ...address });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'DELIVERY_EXISTS', fields: [{ field: 'documentKind', message: '该证照已申请快递寄递，请勿重复申请' }] });
  });

  it('G6 another candidate can neither ask for nor read someone else\'s delivery (IDOR)', async () => {
    const { agent, registrationNo } = await registered('courier-owner');
    const mine = await requestDelivery(agent, registrationNo, { district: '杨浦区' });
    const { agent: intruder } = await newCandidate(ctx, 'courier-intruder');
    const before = await ctx.db('deliveries').count<{ count: string }[]>('* as count');
    await expectNoAccess(intruder, [
      { method: 'get', path: `/api/deliveries/${mine.id}` },
      { method: 'get', path: `/api/deliveries?businessKey=${registrationNo}` },
      { method: 'post', path: '/api/deliveries', body: { businessKey: registrationNo, documentKind: 'registration-receipt', ...address } },
    ]);
    expect(await ctx.db('deliveries').count<{ count: string }[]>('* as count')).toEqual(before);
    expect(((await intruder.get('/api/deliveries').expect(200)).body as DeliveryView[]).map((d) => d.id)).not.toContain(mine.id);
    // Staff without the candidate's permissions are refused outright.
    const { signIn } = await import('../../../../tests/support/test-env');
    const reviewer = await signIn(ctx.app, 'reviewer1');
    expect((await reviewer.get(`/api/deliveries/${mine.id}`)).status).toBe(403);
  });

  it('G6 bad input is refused with the field at fault in Chinese, and nothing is written', async () => {
    const { agent, registrationNo } = await registered('courier-bad');
    const count = async () => (await ctx.db('deliveries').where({ business_key: registrationNo }).count<{ count: string }[]>('* as count'))[0]!.count;
    const valid = { businessKey: registrationNo, documentKind: 'registration-receipt', ...address };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ recipientName: '李' }, 'recipientName', '收件人姓名至少2个字'],
      [{ recipientName: 'Bob123' }, 'recipientName', '收件人姓名只能包含汉字、字母、间隔号'],
      [{ recipientName: undefined }, 'recipientName', '请输入收件人姓名'],
      [{ recipientPhone: '1391234567' }, 'recipientPhone', '收件人手机号码应为11位中国大陆手机号'],
      [{ recipientPhone: '23912345678' }, 'recipientPhone', '收件人手机号码应为11位中国大陆手机号'],
      [{ district: '南京市' }, 'district', '请选择收件地址所在区'],
      [{ district: undefined }, 'district', '请选择收件地址所在区'],
      [{ address: '短地址' }, 'address', '详细地址至少5个字（街道、门牌号、楼层房间）'],
      [{ address: '长'.repeat(101) }, 'address', '详细地址不能超过100个字'],
      [{ documentKind: 'passport' }, 'documentKind', '请选择需要寄递的证照'],
      [{ documentKind: 'certificate' }, 'documentKind', '证书尚未签发，暂不能申请快递寄递'],
      [{ businessKey: '../BM1' }, 'businessKey', '请选择需要寄递的业务'],
    ];
    for (const [overrides, field, message] of cases) {
      const res = await agent.post('/api/deliveries').send({ ...valid, ...overrides });
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.fields, field).toContainEqual({ field, message });
    }
    // The phone must travel SM2-encrypted, as the console sends it.
    const clear = await agent.post('/api/deliveries').send(JSON.stringify(valid)).set('content-type', 'application/json');
    expect(clear.status).toBe(400);
    expect(clear.body.fields).toEqual([{ field: 'recipientPhone', message: '该项须加密传输，请刷新页面后重试' }]);
    expect(await count()).toBe('0');
    // A registration that is not there (or not the candidate's): 404, nothing written.
    expect((await agent.post('/api/deliveries').send({ ...valid, businessKey: 'BM2026999999' })).status).toBe(404);
    expect(await ctx.db('deliveries').where({ business_key: 'BM2026999999' }).first()).toBeUndefined();
  });

  it('G6 the platform refuses the address: the step raises COURIER_REFUSED, an operator gets the case, the document can be asked for again', async () => {
    await sandboxSettings(sandbox.url, { unservedDistricts: ['崇明区'] });
    try {
      const { agent, registrationNo } = await registered('courier-refused');
      const refused = await requestDelivery(agent, registrationNo, { district: '崇明区', address: '城桥镇测试路1号' });
      const instanceId = await processOf(refused.id);
      await reached(instanceId, 'Task_CourierException');
      expect(await activityIds(instanceId)).toContain('Boundary_OrderRefused');
      const [task] = (await ctx.engine.queryTasks({ processDefinitionKey: 'courier-delivery', taskDefinitionKey: 'Task_CourierException' }, 0, 500)).filter((t) => t.processInstanceId === instanceId);
      expect(await ctx.engine.candidateGroups(task!.id)).toEqual(['exam-admin']);
      const failed = await deliveryOf(agent, refused.id);
      expect(failed).toMatchObject({ status: 'failed', statusLabel: '下单失败', waybillNo: null });
      expect(failed.failureReason).toContain('不在快递服务范围内');
      // A failed delivery frees the document: a new address is accepted.
      const second = await requestDelivery(agent, registrationNo, { district: '闵行区', address: '沪闵路1号1201室' });
      await eventually(async () => (await deliveryOf(agent, second.id)).waybillNo, 'the second waybill');
    } finally {
      await sandboxSettings(sandbox.url, { unservedDistricts: [] });
    }
  });

  it('G6 a worker killed between the platform call and its commit: the step run again gets the same waybill, never a second', async () => {
    const { registrationNo } = await registered('courier-crash');
    const owner = await ctx.db('registrations').where({ registration_no: registrationNo }).first<{ user_id: number }>('user_id');
    const id = crypto.randomUUID();
    // A request whose step has not run (no process: this test plays the worker).
    await ctx.db.transaction((trx) =>
      new DeliveryRepository(ctx.db, ctx.security.cipher).insert(trx, {
        id,
        case_type: 'exam-registration',
        business_key: registrationNo,
        document_kind: 'registration-receipt',
        user_id: owner.user_id,
        recipient_name: '王收件',
        recipient_phone: '13712345678',
        district: '静安区',
        address: '南京西路100号5楼',
        item_description: `报名回执（纸质） ${registrationNo}`,
      }),
    );
    class DyingPlatform extends CourierPlatform {
      override async createWaybill(input: CreateWaybill): Promise<Waybill> {
        await super.createWaybill(input);
        throw new Error('worker killed after the platform answered');
      }
    }
    const dying = new DyingPlatform({ baseUrl: sandbox.url, appId, appSecret, publicKey: sandbox.publicKey, sm2: verifier });
    await expect(new DeliveryService(ctx.db, ctx.security, ctx.engine, { ...courier, platform: dying }).orderWaybill(id)).rejects.toThrow('worker killed');
    expect((await ctx.db('deliveries').where({ id }).first()).waybill_no).toBeNull();
    const [made] = (await sandboxWaybills(sandbox.url)).filter((w) => w.orderNo === id);
    const rerun = await new DeliveryService(ctx.db, ctx.security, ctx.engine, courier).orderWaybill(id);
    expect(rerun).toEqual({ kind: 'ordered', waybillNo: made!.waybillNo });
    expect(await new DeliveryService(ctx.db, ctx.security, ctx.engine, courier).orderWaybill(id)).toEqual(rerun);
    expect((await sandboxWaybills(sandbox.url)).filter((w) => w.orderNo === id)).toHaveLength(1);
    expect((await ctx.db('deliveries').where({ id }).first()).waybill_no).toBe(made!.waybillNo);
  });

  it('G6 forged or unknown callbacks are refused (audited) and write nothing', async () => {
    const { agent, registrationNo } = await registered('courier-forged');
    const d = await requestDelivery(agent, registrationNo);
    const ordered = await eventually(async () => (await deliveryOf(agent, d.id)).waybillNo, 'the waybill');
    const body = JSON.stringify({
      notify_id: crypto.randomUUID(),
      app_id: appId,
      waybill_no: ordered,
      order_no: d.id,
      track: { event_id: crypto.randomUUID(), event_code: 'SIGNED', event_desc: '快件已签收', location: '上海市徐汇区', event_time: '20260101120000' },
    });
    const forger = new Sm2Service({ sm2KeyPair: () => generateSm2KeyPair() });
    const post = (headers: Record<string, string>) =>
      fetch(`${server.baseUrl}/api/courier/callback`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const forged = await post(signHeaders((t) => forger.sign('x', t), 'notify', appId, '', body));
    expect(forged.status).toBe(400);
    expect(await forged.json()).toEqual({ code: 'CALLBACK_REFUSED', message: '快递通知签名校验失败' });
    const unsigned = await post({});
    expect(unsigned.status).toBe(400);
    const { [courierWire.headers.signature]: _s, ...noSignature } = signHeaders((t) => forger.sign('x', t), 'notify', appId, '', body);
    expect((await post(noSignature)).status).toBe(400);
    expect(await eventCount(d.id)).toBe(0);
    expect((await deliveryOf(agent, d.id)).status).toBe('ordered');
    const audited = await ctx.db('audit_log').where({ action: 'courier.callback', result: 'denied' }).count<{ count: string }[]>('* as count');
    expect(Number(audited[0]!.count)).toBeGreaterThanOrEqual(3);

    // A genuine notification about a delivery that is not ours: refused, so the platform does not count it delivered.
    const deliveries = new DeliveryService(ctx.db, ctx.security, ctx.engine, courier);
    const unknown = { notifyId: crypto.randomUUID(), waybillNo: 'YW00000000000000', orderNo: crypto.randomUUID(), event: { eventId: 'e1', code: 'collected' as const, description: '快递员已揽收', location: '上海', at: new Date() } };
    await expect(deliveries.acceptCallback(unknown)).rejects.toMatchObject({ status: 404, code: 'DELIVERY_UNKNOWN' });
    await expect(deliveries.acceptCallback({ ...unknown, orderNo: d.id })).rejects.toMatchObject({ status: 409, code: 'WAYBILL_MISMATCH' });
    expect(await eventCount(d.id)).toBe(0);
  });

  it('G6 the step is reusable: a flow calls courier-delivery with its business key and deliveryId, and gets the waybill back', async () => {
    const parent = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_CourierCaller" targetNamespace="http://safety.sh.gov.cn/bpm/test">
  <bpmn:process id="courier-caller-test" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:callActivity id="Call_Courier" calledElement="courier-delivery">
      <bpmn:extensionElements>
        <camunda:in businessKey="#{execution.processBusinessKey}" />
        <camunda:in source="deliveryId" target="deliveryId" />
        <camunda:out source="waybillNo" target="waybillNo" />
      </bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:userTask id="Task_After"><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call_Courier" />
    <bpmn:sequenceFlow id="F2" sourceRef="Call_Courier" targetRef="Task_After" />
    <bpmn:sequenceFlow id="F3" sourceRef="Task_After" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
    await ctx.engine.deploy('courier-caller-test', [{ fileName: 'courier-caller-test.bpmn', content: parent }]);
    const { registrationNo } = await registered('courier-caller');
    const owner = await ctx.db('registrations').where({ registration_no: registrationNo }).first<{ user_id: number }>('user_id');
    const id = crypto.randomUUID();
    await ctx.db.transaction((trx) =>
      new DeliveryRepository(ctx.db, ctx.security.cipher).insert(trx, {
        id,
        case_type: 'exam-registration',
        business_key: registrationNo,
        document_kind: 'registration-receipt',
        user_id: owner.user_id,
        recipient_name: '赵收件',
        recipient_phone: '13612345678',
        district: '长宁区',
        address: '延安西路100号2楼',
        item_description: `报名回执（纸质） ${registrationNo}`,
      }),
    );
    const caller = await ctx.engine.startProcess('courier-caller-test', registrationNo, { deliveryId: id });
    const waybillNo = await eventually(async () => (await ctx.db('deliveries').where({ id }).first()).waybill_no as string | null, 'the waybill');
    const [child] = await ctx.engine.processInstancesByVariable('courier-delivery', 'deliveryId', id);
    expect(child!.businessKey).toBe(registrationNo);
    await reached(child!.id, 'Task_AwaitDelivered');
    for (let i = 0; i < 4; i += 1) await sandboxAdvance(sandbox.url, waybillNo);
    await reached(caller.id, 'Task_After');
    const vars = (await (await fetch(`${ctx.env.engineRestUrl}/process-instance/${caller.id}/variables`, { headers: { authorization: `Basic ${Buffer.from(`${ctx.env.engineUser}:${ctx.env.enginePassword}`).toString('base64')}` } })).json()) as Record<string, { value: unknown }>;
    expect(vars.waybillNo?.value).toBe(waybillNo);
    expect((await ctx.db('deliveries').where({ id }).first()).status).toBe('delivered');
  });
});

// The exam admin's role inbox (U5) runs here: its courier step needs this file's worker, the only
// `courier-order` worker of the run (a second one, with another sandbox, would take this file's steps).
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
      // The worker orders the waybill after the 201: the district stays unserved until the platform refused it.
      await eventually(async () => (await ctx.db('deliveries').where({ id: delivery.id }).first<{ status: string }>('status')).status === 'failed', 'the refused order');
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
      case: { kind: 'courier-delivery', documentKind: 'registration-receipt', documentLabel: '报名回执（纸质）', status: 'failed', statusLabel: '下单失败', waybillNo: null },
    });
    expect(deliveryCase(row).owner.candidateNameMasked).toMatch(/\*/);
    expect(deliveryCase(row).owner.examName).toBeTruthy();
    expect(deliveryCase(row).owner.majorName).toBeTruthy();
    expect(deliveryCase(row).failureReason).toContain('不在快递服务范围内');

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
