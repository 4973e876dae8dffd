import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import type { CaseView, OperationsIncidentList } from '../../contracts/cases';
import type { InboxTask } from '../../contracts/task';
import { expectNoAccess } from '../../../../tests/support/idor';
import { createTestContext, eventually, newCandidate, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';

let ctx: TestContext;
let reviewer: supertest.Agent;
beforeAll(async () => {
  ctx = createTestContext();
  reviewer = await signIn(ctx.app, 'reviewer1');
});
afterAll(() => ctx.close());

const REVIEWER_NAME = '王审核';

describe('case view (U8, U9)', () => {
  it('U8 U9 shows the path taken, the current step, the opinion in the timeline and the documents; candidates see their own, without staff names', async () => {
    const { agent: candidate } = await newCandidate(ctx, 'case');
    const created = await candidate.post('/api/registrations').send(await validApplication(ctx));
    expect(created.status).toBe(201);
    const no = created.body.registrationNo as string;

    const task = await eventually(async () => ((await reviewer.get('/api/tasks')).body as InboxTask[]).find((t) => t.businessKey === no), 'the review task');
    // While under review the current step is the review task.
    const underReview = (await reviewer.get(`/api/cases/${no}`)).body as CaseView;
    expect(underReview.instances[0]!.currentElements).toEqual(['Task_QualificationReview']);

    await reviewer.post(`/api/tasks/${task.id}/claim`).expect(204);
    await reviewer.post(`/api/tasks/${task.id}/complete`).send({ decision: 'approve', comment: '材料齐全，同意报考' }).expect(204);

    const view = await eventually(async () => {
      const res = await reviewer.get(`/api/cases/${no}`);
      expect(res.status).toBe(200);
      const v = res.body as CaseView;
      return v.instances[0]?.currentElements.includes('Task_AwaitPayment') ? v : undefined;
    }, 'the case to wait for payment');
    expect(view.staffView).toBe(true);
    expect(view.instances).toHaveLength(1);
    const instance = view.instances[0]!;
    expect(instance.processKey).toBe('exam-registration');
    expect(instance.instanceId).toMatch(/.+/);
    expect(instance.diagramXml).toContain('id="Task_AwaitPayment"');
    expect(instance.currentElements).toEqual(['Task_AwaitPayment']);
    // The path in order: eligibility decided, reviewed, order created.
    const passed = instance.passedElements;
    const at = (id: string) => passed.indexOf(id);
    expect(at('Task_Eligibility')).toBeGreaterThanOrEqual(0);
    expect(at('Task_Eligibility')).toBeLessThan(at('Task_QualificationReview'));
    expect(at('Task_QualificationReview')).toBeLessThan(at('Task_PaymentOrder'));
    expect(passed).not.toContain('Task_AwaitPayment');
    expect(instance.activities.find((a) => a.activityId === 'Task_QualificationReview')).toMatchObject({ actor: REVIEWER_NAME, canceled: false });
    expect(instance.activities.find((a) => a.activityId === 'Task_QualificationReview')!.endedAt).not.toBeNull();

    // The timeline: sorted by time, the engine's review step and our event with the opinion.
    const times = view.timeline.map((e) => e.at);
    expect([...times].sort()).toEqual(times);
    expect(view.timeline).toContainEqual(expect.objectContaining({ source: 'business', title: '资格审核通过', detail: '材料齐全，同意报考', actor: REVIEWER_NAME }));
    expect(view.timeline).toContainEqual(expect.objectContaining({ source: 'engine', title: '资格审核', actor: REVIEWER_NAME, state: 'done' }));
    expect(view.timeline).toContainEqual(expect.objectContaining({ source: 'engine', title: '待缴费', state: 'current' }));
    const reviewed = view.timeline.findIndex((e) => e.title === '资格审核通过');
    const submitted = view.timeline.findIndex((e) => e.title === '确认报名信息并签署告知承诺书');
    expect(submitted).toBeGreaterThanOrEqual(0);
    expect(submitted).toBeLessThan(reviewed);

    expect(view.documents.map((d) => d.kind)).toEqual(['registration-form', 'commitment']);
    expect(view.documents[0]!.url).toBe(`/api/registrations/${no}/form.pdf`);
    expect(view.documents[1]!.digest).toMatch(/^[0-9a-f]{64}$/);

    // The candidate: the same path, no engine ids, staff only as 审核人员.
    const own = await candidate.get(`/api/cases/${no}`);
    expect(own.status).toBe(200);
    const mine = own.body as CaseView;
    expect(mine.staffView).toBe(false);
    expect(mine.instances[0]!.instanceId).toBeNull();
    expect(mine.instances[0]!.currentElements).toEqual(['Task_AwaitPayment']);
    expect(mine.timeline).toContainEqual(expect.objectContaining({ title: '资格审核通过', detail: '材料齐全，同意报考', actor: '审核人员' }));
    expect(JSON.stringify(mine)).not.toContain(REVIEWER_NAME);
    expect(JSON.stringify(mine)).not.toContain('reviewer1');
    expect(JSON.stringify(mine)).not.toContain(instance.instanceId!);

    // Exam admins read every case; other candidates none.
    expect((await (await signIn(ctx.app, 'examadmin')).get(`/api/cases/${no}`)).status).toBe(200);
    const { agent: intruder } = await newCandidate(ctx, 'case-x');
    await expectNoAccess(intruder, [{ method: 'get', path: `/api/cases/${no}` }]);

    const bad = await reviewer.get('/api/cases/not-a-key');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{ field: 'businessKey', message: '业务编号格式不正确' }]);
  });
});

const PROBE_KEY = 'h12-incident-probe';
const PROBE_TOPIC = 'h12-incident-probe';
const probeBpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_Probe" targetNamespace="http://bpm.example/test">
  <bpmn:process id="${PROBE_KEY}" name="异常探针" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Probe" />
    <bpmn:serviceTask id="Task_Probe" name="探针外部任务" camunda:type="external" camunda:topic="${PROBE_TOPIC}" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Probe" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;

/** Talks to the engine as a test-local worker would (no worker of the run handles the probe topic). */
async function engineCall(path: string, body: unknown): Promise<unknown> {
  const auth = `Basic ${Buffer.from(`${ctx.env.engineUser}:${ctx.env.enginePassword}`).toString('base64')}`;
  const res = await fetch(`${ctx.env.engineRestUrl}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

async function fetchProbeTask(businessKey: string): Promise<{ id: string }> {
  return eventually(async () => {
    const locked = (await engineCall('/external-task/fetchAndLock', {
      workerId: 'h12-test-worker',
      maxTasks: 1,
      topics: [{ topicName: PROBE_TOPIC, lockDuration: 30_000, businessKey }],
    })) as Array<{ id: string }>;
    return locked[0];
  }, 'the probe task to be fetched');
}

describe('operations (U10)', () => {
  it('U10 an incident is listed with its cause; 重试 gives the task retries, the incident disappears and the case goes on', async () => {
    await ctx.engine.deploy('h12-incident-probe', [{ fileName: 'h12-incident-probe.bpmn', content: probeBpmn }]);
    const businessKey = `PROBE-${Date.now()}`;
    const started = await ctx.engine.startProcess(PROBE_KEY, businessKey, {});
    const failing = await fetchProbeTask(businessKey);
    await engineCall(`/external-task/${failing.id}/failure`, { workerId: 'h12-test-worker', errorMessage: '下游接口超时（探针）', retries: 0, retryTimeout: 0 });

    const admin = await signIn(ctx.app, 'sysadmin');
    const list = await admin.get('/api/operations/incidents');
    expect(list.status).toBe(200);
    const body = list.body as OperationsIncidentList;
    expect(body.cockpitUrl).toBe(`${ctx.env.engineRestUrl.replace(/\/engine-rest$/, '')}/operaton/app/cockpit/`);
    const incident = body.incidents.find((i) => i.businessKey === businessKey);
    expect(incident).toMatchObject({
      type: '外部任务失败',
      processKey: PROBE_KEY,
      activityId: 'Task_Probe',
      activityName: '探针外部任务',
      message: '下游接口超时（探针）',
      retries: 0,
      retryable: true,
    });

    // Only operators; bad and unknown ids answer 400 / 404 and change nothing.
    for (const agent of [reviewer, await signIn(ctx.app, 'examadmin')]) {
      expect((await agent.get('/api/operations/incidents')).status).toBe(403);
      expect((await agent.post(`/api/operations/incidents/${incident!.id}/retry`)).status).toBe(403);
    }
    const bad = await admin.post('/api/operations/incidents/bad%20id!/retry');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{ field: 'id', message: '异常编号格式不正确' }]);
    expect((await admin.post('/api/operations/incidents/00000000-0000-0000-0000-000000000000/retry')).status).toBe(404);
    expect((await ctx.engine.externalTask(failing.id)).retries).toBe(0);

    const retried = await admin.post(`/api/operations/incidents/${incident!.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ id: incident!.id, retries: 1 });
    expect((await ctx.engine.externalTask(failing.id)).retries).toBe(1);
    const after = (await admin.get('/api/operations/incidents')).body as OperationsIncidentList;
    expect(after.incidents.some((i) => i.id === incident!.id)).toBe(false);
    expect(await ctx.db('audit_log').where({ action: 'incident.retry', object_id: incident!.id, result: 'success' }).first()).toBeDefined();
    // A second retry of the handled incident: 404.
    expect((await admin.post(`/api/operations/incidents/${incident!.id}/retry`)).status).toBe(404);

    // The engine hands the task out again; this time it succeeds and the case ends.
    const again = await fetchProbeTask(businessKey);
    expect(again.id).toBe(failing.id);
    await engineCall(`/external-task/${again.id}/complete`, { workerId: 'h12-test-worker' });
    const history = await ctx.engine.historicActivities(started.id);
    expect(history.map((a) => a.activityId)).toContain('End');
  });
});
