import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import { createTestContext, newCandidate, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';
import { expectNoAccess } from '../../../../tests/support/idor';
import type http from 'node:http';
import { sandboxMessages, sandboxUrl, startSmsSandbox, stopSmsSandbox } from '../../integrations/sms/sandbox/sms-sandbox';
import { SmsGateway } from '../../integrations/sms/sms-gateway';
import { SuishenbanPush } from '../../integrations/suishenban/suishenban-push';
import { startSuishenbanSandbox, suishenbanSandboxAddUser, suishenbanSandboxMessages, suishenbanSandboxSettings, type SuishenbanSandbox } from '../../integrations/suishenban/sandbox/suishenban-sandbox';
import type { MessagePage, MessageTemplateView, MessageView } from '../../contracts/notifications';
import { notifyHandler } from '../../../../workers/src/handlers/notify.handler';
import { TaskClient } from '../../../../workers/src/task-client';
import pino from 'pino';
import { eventually } from '../../../../tests/support/test-env';
import { composeNotify } from '../../composition';
import { NotifyError, type NotifyChannels, type NotifyService } from './notify.service';
import type { MessageRow } from './message.repository';

const appId = 'test-notify-app';
const appSecret = 'test-notify-secret-0123456789abc';
const smsAppId = 'test-notify-sms-app';
const smsAppSecret = 'test-notify-sms-secret-0123456789';
const publicBaseUrl = 'https://ks.example.gov.cn';

/*
 * Isolation from the rest of the run: the global workers execute the `notify` steps of every
 * registration process (this file's candidates included) against the run's shared 随申办 and SMS
 * sandboxes. This file's NotifyService talks to sandboxes of its own (ephemeral ports), so what it
 * pushes and texts is counted there only, and faults (随申办 down) are switched on in those, never
 * in a shared one. Every person has a phone and 一网通办 subject of their own (never TEST_PHONE),
 * and assertions filter by those, by the message ids and by the event keys a test created.
 */
let ctx: TestContext;
let sandbox: SuishenbanSandbox;
let smsSandbox: http.Server;
let smsUrl: string;
let channels: NotifyChannels;
let notifications: NotifyService;

beforeAll(async () => {
  ctx = createTestContext();
  sandbox = await startSuishenbanSandbox({ port: 0, host: '127.0.0.1', appId, appSecret, latencyMs: 1 });
  smsSandbox = await startSmsSandbox({ port: 0, host: '127.0.0.1', appId: smsAppId, appSecret: smsAppSecret, latencyMs: 1 });
  smsUrl = sandboxUrl(smsSandbox);
  channels = { suishenban: new SuishenbanPush({ baseUrl: sandbox.url, appId, appSecret }), sms: new SmsGateway({ baseUrl: smsUrl, appId: smsAppId, appSecret: smsAppSecret }), publicBaseUrl };
  notifications = composeNotify(ctx.db, ctx.security, channels);
});
afterAll(async () => {
  await sandbox?.close();
  if (smsSandbox) await stopSmsSandbox(smsSandbox);
  await ctx?.close();
});

const newPhone = () => `137${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;
const newSub = () => `ywtb-${crypto.randomBytes(12).toString('hex')}`;
const newEvent = () => `pi-${crypto.randomUUID()}:act-${crypto.randomUUID()}`;

interface Person {
  agent: supertest.Agent;
  userId: number;
  registrationNo: string;
  phone: string | null;
  sub: string | null;
}

const bindPhone = (phone: string | null) => ({
  bound_phone: phone && ctx.security.cipher.encrypt(phone),
  bound_phone_idx: phone && ctx.security.index('phone', phone),
  phone_bound_at: phone ? ctx.db.fn.now() : null,
});

/**
 * A candidate with a registration, reachable as asked: with 随申办 (an 一网通办 subject this file's
 * sandbox knows), with an 一网通办 subject but no 随申办, and/or with a bound phone of their own.
 * The person applies with a phone of their own (bound, as M08 requires; dropped afterwards when
 * they are to have none), so the registration process's own 报名已提交 step, which the global
 * workers run against the shared sandboxes, never texts TEST_PHONE; and it has been handled before
 * the person is returned, so it neither races the test nor lands in the middle of its message centre.
 */
async function person(label: string, reach: { suishenban?: boolean; sub?: boolean; phone?: boolean }): Promise<Person> {
  const { agent, username } = await newCandidate(ctx, label, { bindPhone: false });
  const user = await ctx.db('users').where({ username }).first<{ id: number }>('id');
  const sub = reach.suishenban || reach.sub ? newSub() : null;
  const applyPhone = newPhone();
  await ctx.db('users').where({ id: user.id }).update({ ywtb_sub: sub, ...bindPhone(applyPhone) });
  const res = await agent.post('/api/registrations').send(await validApplication(ctx, { phone: applyPhone }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const registrationNo = (res.body as { registrationNo: string }).registrationNo;
  await eventually(
    async () => ctx.db<MessageRow>('messages').where({ case_key: registrationNo, template_code: 'registration-submitted' }).whereNot({ status: 'pending' }).first(),
    `the registration process to have notified ${registrationNo} (global notify worker)`,
  );
  const phone = reach.phone ? applyPhone : null;
  if (!phone) await ctx.db('users').where({ id: user.id }).update(bindPhone(null));
  if (reach.suishenban) await suishenbanSandboxAddUser(sandbox.url, sub!);
  return { agent, userId: user.id, registrationNo, phone, sub };
}

const messagesOfEvent = (eventKey: string) => ctx.db<MessageRow>('messages').where({ event_key: eventKey });
const pushesTo = async (sub: string | null) => (sub ? suishenbanSandboxMessages(sandbox.url, sub) : []);
/** Texts this file's SMS sandbox holds for the phone (the shared sandbox is never asked). */
const textsTo = async (phone: string | null) => (phone ? sandboxMessages(smsUrl, phone) : []);

describe('G5 随申办 push with SMS fallback, exactly once per event', () => {
  it('G5 the same event sent twice (and five times at once) pushes once through 随申办, with the deep link; the centre holds one message', async () => {
    const p = await person('push', { suishenban: true, phone: true });
    const eventKey = newEvent();
    const event = { templateCode: 'registration-submitted', caseKey: p.registrationNo, eventKey };
    const first = await notifications.notify(event);
    expect(first).toMatchObject({ status: 'sent', channel: 'suishenban', alreadyHandled: false });
    const again = await notifications.notify(event);
    expect(again).toEqual({ ...first, alreadyHandled: true });

    const pushes = await pushesTo(p.sub);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({
      msgId: first.messageId,
      templateCode: 'registration-submitted',
      title: '报名已提交',
      link: `${publicBaseUrl}/portal/registrations/${p.registrationNo}`,
      duplicates: 0,
    });
    expect(pushes[0]!.content).toContain(`报名号${p.registrationNo}`);
    expect(pushes[0]!.params).toMatchObject({ registrationNo: p.registrationNo });
    const rows = await messagesOfEvent(eventKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.messageId, user_id: p.userId, status: 'sent', channel: 'suishenban', platform_message_id: pushes[0]!.pushId, case_key: p.registrationNo });
    expect(await textsTo(p.phone)).toEqual([]);

    // Redelivered tasks racing each other: still one message, one push.
    const racing = newEvent();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => notifications.notify({ ...event, eventKey: racing })));
    expect(new Set(outcomes.map((o) => o.messageId)).size).toBe(1);
    expect(await messagesOfEvent(racing)).toHaveLength(1);
    expect((await pushesTo(p.sub)).filter((m) => m.msgId === outcomes[0]!.messageId)).toHaveLength(1);
  });

  it('G5 the notify worker handler: a redelivered task (same activity instance) sends once; a new entry into the step is a new message', async () => {
    const p = await person('handler', { suishenban: true });
    const handler = notifyHandler(notifications);
    const task = (activityInstanceId: string) => ({
      id: crypto.randomUUID(),
      topic: 'notify',
      businessKey: p.registrationNo,
      processInstanceId: 'pi-handler',
      activityId: 'notifyReturned',
      activityInstanceId,
      retries: null,
      variables: handler.variables.parse({ notifyTemplate: 'registration-returned', notifyParams: JSON.stringify({ reason: '照片：请上传白底证件照' }) }),
    });
    const entry = `notifyReturned:${crypto.randomUUID()}`;
    expect(await handler.handle(task(entry))).toEqual({ kind: 'complete' });
    expect(await handler.handle(task(entry))).toEqual({ kind: 'complete' });
    let pushes = await pushesTo(p.sub);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.content).toContain('被退回修改：照片：请上传白底证件照。');
    await handler.handle(task(`notifyReturned:${crypto.randomUUID()}`));
    pushes = await pushesTo(p.sub);
    expect(pushes).toHaveLength(2);
    expect(() => handler.variables.parse({ notifyTemplate: 'registration-returned', notifyParams: '{bad json' })).toThrow();
    expect(() => handler.variables.parse({ notifyTemplate: 'Not A Code' })).toThrow();
  });

  it('G5 a person without 随申办 gets one SMS on their bound phone instead (refused as unknown, or no 一网通办 identity at all)', async () => {
    for (const reach of [{ sub: true, phone: true }, { phone: true }]) {
      const p = await person('sms', reach);
      const event = { templateCode: 'registration-submitted', caseKey: p.registrationNo, eventKey: newEvent() };
      const first = await notifications.notify(event);
      expect(first).toMatchObject({ status: 'sent', channel: 'sms' });
      await notifications.notify(event);
      const texts = await textsTo(p.phone);
      expect(texts).toHaveLength(1);
      const [row] = await messagesOfEvent(event.eventKey);
      expect(texts[0]).toMatchObject({ templateCode: 'BUSINESS_NOTICE', text: `${row!.title}：${row!.body}`, id: row!.platform_message_id });
      expect(await pushesTo(p.sub)).toEqual([]);
    }
  });

  it('G5 with neither 随申办 nor a bound phone the message stays in the message centre only', async () => {
    const p = await person('none', {});
    const outcome = await notifications.notify({ templateCode: 'registration-submitted', caseKey: p.registrationNo, eventKey: newEvent() });
    expect(outcome).toMatchObject({ status: 'centre-only', channel: null });
    const page = (await p.agent.get('/api/me/messages')).body as MessagePage;
    expect(page.items.map((m) => m.id)).toContain(outcome.messageId);
  });

  it('G5 随申办 down: the step fails (the engine retries, then raises an incident), nothing is marked sent and no SMS goes out; back up, the retry pushes once', async () => {
    const p = await person('down', { suishenban: true, phone: true });
    const event = { templateCode: 'registration-submitted', caseKey: p.registrationNo, eventKey: newEvent() };
    await suishenbanSandboxSettings(sandbox.url, { down: true });
    try {
      const failure = await notifications.notify(event).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(NotifyError);
      expect((failure as Error).message).toContain('随申办推送失败');
    } finally {
      await suishenbanSandboxSettings(sandbox.url, { down: false });
    }
    const [pending] = await messagesOfEvent(event.eventKey);
    expect(pending).toMatchObject({ status: 'pending', channel: null, platform_message_id: null, sent_at: null, attempts: 1 });
    expect(pending!.last_error).toContain('维护中');
    expect(await pushesTo(p.sub)).toEqual([]);
    expect(await textsTo(p.phone)).toEqual([]);

    const retried = await notifications.notify(event);
    expect(retried).toMatchObject({ messageId: pending!.id, status: 'sent', channel: 'suishenban' });
    expect(await pushesTo(p.sub)).toHaveLength(1);
  });

  it('G5 SMS: a platform that cannot be reached fails the step and may be asked again; an unanswered request is never repeated', async () => {
    const p = await person('sms-down', { phone: true });
    const event = { templateCode: 'registration-submitted', caseKey: p.registrationNo, eventKey: newEvent() };
    const unreachable = composeNotify(ctx.db, ctx.security, { ...channels, sms: new SmsGateway({ baseUrl: 'http://127.0.0.1:9', appId: smsAppId, appSecret: smsAppSecret }) });
    await expect(unreachable.notify(event)).rejects.toThrow(NotifyError);
    expect((await messagesOfEvent(event.eventKey))[0]).toMatchObject({ status: 'pending', sms_requested_at: null });
    expect(await notifications.notify(event)).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(await textsTo(p.phone)).toHaveLength(1);

    // The platform takes the request but its answer never comes: the text may be out, so it is not sent again.
    const q = await person('sms-silent', { phone: true });
    const silentEvent = { templateCode: 'registration-submitted', caseKey: q.registrationNo, eventKey: newEvent() };
    const never: typeof fetch = (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)));
    const silent = composeNotify(ctx.db, ctx.security, { ...channels, sms: new SmsGateway({ baseUrl: smsUrl, appId: smsAppId, appSecret: smsAppSecret, timeoutMs: 50, fetch: never }) });
    expect(await silent.notify(silentEvent)).toMatchObject({ status: 'unconfirmed', channel: 'sms' });
    expect(await notifications.notify(silentEvent)).toMatchObject({ status: 'unconfirmed', alreadyHandled: true });
    expect(await textsTo(q.phone)).toEqual([]);
  });

  it('G5 an unknown template or case fails the step and writes nothing', async () => {
    const p = await person('bad-event', { suishenban: true });
    const mine = () => ctx.db<MessageRow>('messages').where({ user_id: p.userId }).orderBy('id').pluck('id');
    const before = await mine();
    const events = [newEvent(), newEvent(), newEvent()] as const;
    await expect(notifications.notify({ templateCode: 'no-such-template', caseKey: p.registrationNo, eventKey: events[0] })).rejects.toThrow('消息模板no-such-template不存在');
    await expect(notifications.notify({ templateCode: 'registration-submitted', caseKey: 'BM0000000000', eventKey: events[1] })).rejects.toThrow('未找到要通知的业务');
    await expect(notifications.notify({ templateCode: 'licence-decided', caseKey: p.registrationNo, eventKey: events[2] })).rejects.toThrow('尚不支持发送消息');
    expect(await ctx.db('messages').whereIn('event_key', events).count<{ count: string }[]>({ count: '*' })).toEqual([{ count: '0' }]);
    expect(await mine()).toEqual(before);
    expect(await pushesTo(p.sub)).toEqual([]);
  });
});

/** A flow with one notify step (its own topic, so the run's shared workers never take it), re-entered by a loop. */
const TOPIC = 'test-notify-g5';
const model = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="test-notify-g5" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="notifyReturned" name="通知：退回修改" camunda:type="external" camunda:topic="${TOPIC}">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="notifyTemplate">registration-returned</camunda:inputParameter>
        <camunda:inputParameter name="notifyParams">{"reason":"学历信息：请上传毕业证书"}</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>again</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:exclusiveGateway id="g" default="done"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>again</bpmn:outgoing><bpmn:outgoing>done</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="again" sourceRef="g" targetRef="notifyReturned"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\${rounds == 1}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="e"><bpmn:incoming>done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="notifyReturned"/><bpmn:sequenceFlow id="f2" sourceRef="notifyReturned" targetRef="g"/><bpmn:sequenceFlow id="done" sourceRef="g" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>`;

const engineRest = (path: string, init: RequestInit = {}) =>
  fetch(`${ctx.env.engineRestUrl}${path}`, {
    ...init,
    headers: { authorization: `Basic ${Buffer.from(`${ctx.env.engineUser}:${ctx.env.enginePassword}`).toString('base64')}` },
  });

/** The messages one instance of the test flow wrote (its event keys start with the instance id). */
const messagesOfInstance = (caseKey: string, instanceId: string) =>
  ctx.db<MessageRow>('messages').where({ case_key: caseKey }).whereLike('event_key', `${instanceId}:%`).orderBy([{ column: 'created_at' }, { column: 'event_key' }]);

describe('G5 the notify step in a running process', () => {
  let client: TaskClient;
  beforeAll(async () => {
    await ctx.engine.deploy('test-notify-g5', [{ fileName: 'test-notify-g5.bpmn', content: model }]);
    client = new TaskClient({ baseUrl: ctx.env.engineRestUrl, username: ctx.env.engineUser, password: ctx.env.enginePassword, workerId: 'test-notify-g5', log: pino({ level: 'silent' }), asyncResponseTimeoutMs: 1_000 });
    const handler = notifyHandler(notifications);
    // Each pass counts itself in `rounds`: the gateway loops back after the first, so the flow notifies twice.
    const rounds = new Map<string, number>();
    client.register({
      ...handler,
      topic: TOPIC,
      retries: 1,
      backoffMs: [300],
      async handle(task) {
        await handler.handle(task);
        const round = (rounds.get(task.processInstanceId) ?? 0) + 1;
        rounds.set(task.processInstanceId, round);
        return { kind: 'complete', variables: { rounds: round } };
      },
    });
    client.start();
  });
  afterAll(() => client?.stop());

  it('G5 the step reads its template from the input mapping and notifies once per entry into the step (a loop notifies again)', async () => {
    const p = await person('flow', { suishenban: true });
    const instance = await ctx.engine.startProcess('test-notify-g5', p.registrationNo, { registrationNo: p.registrationNo });
    await eventually(async () => (await ctx.engine.processInstance(instance.id).catch(() => null)) === null, 'the instance to end', 20_000);
    const pushes = await pushesTo(p.sub);
    expect(pushes).toHaveLength(2);
    expect(pushes.every((m) => m.title === '报名被退回修改' && m.content.includes('学历信息：请上传毕业证书'))).toBe(true);
    // This flow's messages only (the registration process's own 报名已提交 is the global workers').
    const rows = await messagesOfInstance(p.registrationNo, instance.id);
    expect(rows.map((r) => r.event_key.split(':')[0])).toEqual([instance.id, instance.id]);
    expect(rows.map((r) => r.template_code)).toEqual(['registration-returned', 'registration-returned']);
    expect(new Set(rows.map((r) => r.event_key)).size).toBe(2);
    expect(rows.every((r) => r.status === 'sent' && r.channel === 'suishenban')).toBe(true);
  });

  it('G5 随申办 down: the engine retries the step and raises an incident an operator sees; nothing is marked sent', async () => {
    const p = await person('flow-down', { suishenban: true, phone: true });
    let instanceId: string | undefined;
    // This file's 随申办 sandbox: only this file's private worker (topic test-notify-g5) pushes to it.
    await suishenbanSandboxSettings(sandbox.url, { down: true });
    try {
      const instance = await ctx.engine.startProcess('test-notify-g5', p.registrationNo, { registrationNo: p.registrationNo });
      instanceId = instance.id;
      const incidents = await eventually(async () => {
        const res = await engineRest(`/incident?processInstanceId=${instance.id}`);
        const found = (await res.json()) as Array<{ incidentMessage: string }>;
        return found.length ? found : undefined;
      }, 'an incident', 20_000);
      expect(incidents[0]!.incidentMessage).toContain('随申办推送失败');
      const rows = await messagesOfInstance(p.registrationNo, instance.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ template_code: 'registration-returned', status: 'pending', channel: null, attempts: 2, sent_at: null, sms_requested_at: null });
      expect(await textsTo(p.phone)).toEqual([]);
      expect(await pushesTo(p.sub)).toEqual([]);
    } finally {
      await suishenbanSandboxSettings(sandbox.url, { down: false });
      // The case stays with its incident until an operator acts; this one is cleared away.
      if (instanceId) await engineRest(`/process-instance/${instanceId}?skipCustomListeners=true`, { method: 'DELETE' });
    }
  });
});

describe('G5 消息中心 (message centre)', () => {
  it('G5 lists my messages newest first with the unread count; reading one marks it read; another person cannot read it (IDOR)', async () => {
    const p = await person('centre', { suishenban: true });
    // What the person's centre already holds: their registration process's own 报名已提交 (global workers, handled by now).
    const earlier = (await p.agent.get('/api/me/messages?page=1&pageSize=100')).body as MessagePage;
    const earlierIds = earlier.items.map((m) => m.id);
    expect(earlierIds).toEqual(await ctx.db<MessageRow>('messages').where({ user_id: p.userId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).pluck('id'));
    const first = await notifications.notify({ templateCode: 'registration-submitted', caseKey: p.registrationNo, eventKey: newEvent() });
    const second = await notifications.notify({ templateCode: 'registration-rejected', caseKey: p.registrationNo, eventKey: newEvent() });

    const list = await p.agent.get('/api/me/messages?page=1&pageSize=10');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const page = list.body as MessagePage;
    expect(page).toMatchObject({ total: earlier.total + 2, unread: earlier.unread + 2, page: 1, pageSize: 10 });
    expect(page.items.map((m) => m.id)).toEqual([second.messageId, first.messageId, ...earlierIds].slice(0, 10));
    expect(page.items[1]).toMatchObject({
      title: '报名已提交',
      link: `/portal/registrations/${p.registrationNo}`,
      caseType: 'exam-registration',
      caseKey: p.registrationNo,
      channel: 'suishenban',
      status: 'sent',
      readAt: null,
    });
    expect((await p.agent.get('/api/me/messages/unread-count')).body).toEqual({ unread: earlier.unread + 2 });

    const read = await p.agent.post(`/api/me/messages/${first.messageId}/read`);
    expect(read.status).toBe(200);
    expect((read.body as MessageView).readAt).not.toBeNull();
    const again = await p.agent.post(`/api/me/messages/${first.messageId}/read`);
    expect((again.body as MessageView).readAt).toBe((read.body as MessageView).readAt);
    expect((await p.agent.get('/api/me/messages/unread-count')).body).toEqual({ unread: earlier.unread + 1 });
    const unreadIds = ((await p.agent.get('/api/me/messages?unreadOnly=true&pageSize=100')).body as MessagePage).items.map((m) => m.id);
    expect(unreadIds).toEqual([second.messageId, ...earlier.items.filter((m) => m.readAt === null).map((m) => m.id)]);
    expect(unreadIds).not.toContain(first.messageId);

    const intruder = await person('intruder', {});
    await expectNoAccess(intruder.agent, [{ method: 'post', path: `/api/me/messages/${second.messageId}/read` }]);
    expect(((await intruder.agent.get('/api/me/messages')).body as MessagePage).items.map((m) => m.id)).not.toContain(second.messageId);
    expect((await ctx.db<MessageRow>('messages').where({ id: second.messageId }).first())!.read_at).toBeNull();

    expect((await p.agent.post('/api/me/messages/read-all')).body).toEqual({ unread: 0 });
  });

  it('G5 bad paging or message ids are refused with the field at fault; signed out is 401', async () => {
    const p = await person('centre-bad', {});
    const badPage = await p.agent.get('/api/me/messages?pageSize=0');
    expect(badPage.status).toBe(400);
    expect(badPage.body.fields).toEqual([{ field: 'pageSize', message: '每页条数须为1至100' }]);
    const badId = await p.agent.post('/api/me/messages/not-a-uuid/read');
    expect(badId.status).toBe(400);
    expect(badId.body.fields).toEqual([{ field: 'id', message: '消息编号格式不正确' }]);
    const unknown = await p.agent.post(`/api/me/messages/${crypto.randomUUID()}/read`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('消息不存在');
    const anonymous = await (await import('supertest')).default(ctx.app.app).get('/api/me/messages');
    expect(anonymous.status).toBe(401);
  });
});

describe('G5 message templates an admin edits', () => {
  it('G5 an edit changes the next message; bad placeholders are refused with field errors and nothing is saved; a stale version is a conflict', async () => {
    const admin = await signIn(ctx.app, 'examadmin');
    // A template no flow of the run sends yet: the global workers' messages (other files' cases) never see this edit.
    const code = 'ticket-ready';
    const original = (await admin.get(`/api/message-templates/${code}`)).body as MessageTemplateView;
    expect(original).toMatchObject({ code, channels: ['suishenban', 'sms'] });
    expect(original.params).toEqual(expect.arrayContaining(['name', 'registrationNo', 'examName', 'majorName']));
    const list = (await admin.get('/api/message-templates')).body as MessageTemplateView[];
    expect(list.map((t) => t.code)).toEqual(expect.arrayContaining(['registration-submitted', 'registration-returned', 'registration-approved', 'registration-rejected', 'payment-paid', 'receipt-ready', 'ticket-ready', 'score-released', 'certificate-issued', 'licence-decided']));

    const bad = await admin.put(`/api/message-templates/${code}`).send({ ...original, title: '报名{{name', body: '{{name}}，您的身份证号{{idNumber}}已登记' });
    expect(bad.status).toBe(400);
    const fields = Object.fromEntries((bad.body.fields as Array<{ field: string; message: string }>).map((f) => [f.field, f.message]));
    expect(fields.title).toBe('占位符须写成{{名称}}，请检查是否缺少或多出花括号');
    expect(fields.body).toMatch(/^不支持的占位符\{\{idNumber\}\}，可用的占位符：\{\{name\}\}/);
    const empty = await admin.put(`/api/message-templates/${code}`).send({ ...original, body: ' ', channels: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.fields).toEqual(expect.arrayContaining([{ field: 'body', message: '请填写消息内容' }, { field: 'channels', message: '请至少选择一个发送渠道' }]));
    expect((await admin.get(`/api/message-templates/${code}`)).body).toEqual(original);

    const body = '【新版】{{name}}：报名{{registrationNo}}已收到。';
    try {
      const saved = await admin.put(`/api/message-templates/${code}`).send({ title: '报名已受理', body, channels: ['suishenban', 'sms'], version: original.version });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body).toMatchObject({ title: '报名已受理', body, version: original.version + 1, updatedBy: 'examadmin' });
      const stale = await admin.put(`/api/message-templates/${code}`).send({ title: 'x', body, channels: ['sms'], version: original.version });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'MESSAGE_TEMPLATE_CHANGED', fields: [{ field: 'version' }] });
      const audited: string[] = await ctx.db('audit_log').where({ action: 'message-template.update', actor: 'examadmin', object_id: code }).pluck('result');
      expect(audited).toEqual(expect.arrayContaining(['success', 'failure']));

      const p = await person('edited', { suishenban: true });
      const outcome = await notifications.notify({ templateCode: code, caseKey: p.registrationNo, eventKey: newEvent() });
      const [push] = await pushesTo(p.sub);
      expect(push).toMatchObject({ title: '报名已受理', content: `【新版】${(await ctx.db('registrations').where({ registration_no: p.registrationNo }).first<{ full_name: string }>('full_name')).full_name}：报名${p.registrationNo}已收到。` });
      expect(await ctx.db<MessageRow>('messages').where({ id: outcome.messageId }).first()).toMatchObject({ template_version: original.version + 1, title: '报名已受理' });
    } finally {
      const current = (await admin.get(`/api/message-templates/${code}`)).body as MessageTemplateView;
      await admin.put(`/api/message-templates/${code}`).send({ title: original.title, body: original.body, channels: original.channels, version: current.version });
    }
  });

  it('G5 only holders of message-template:manage (exam admin, system admin) see or change templates', async () => {
    const sysadmin = await signIn(ctx.app, 'sysadmin');
    expect((await sysadmin.get('/api/message-templates')).status).toBe(200);
    const { agent: candidate } = await newCandidate(ctx, 'tpl-deny', { confirmGuide: false, photo: false });
    expect((await candidate.get('/api/message-templates')).status).toBe(403);
    const original = (await sysadmin.get('/api/message-templates/payment-paid')).body as MessageTemplateView;
    expect((await candidate.put('/api/message-templates/payment-paid').send({ ...original, body: '改' })).status).toBe(403);
    expect((await sysadmin.get('/api/message-templates/payment-paid')).body).toEqual(original);
    expect((await sysadmin.get('/api/message-templates/no-such')).status).toBe(404);
  });
});
