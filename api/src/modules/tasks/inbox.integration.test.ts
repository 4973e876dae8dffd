import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import type { InboxTask, SavedInboxFilter, TaskComment } from '../../contracts/task';
import { DataScope } from '../../auth/data-scope';
import { UserRepository } from '../../auth/user.repository';
import { hashPassword } from '../../auth/password';
import { createStandardExam } from '../exams/demo-exam';
import { expectNoAccess } from '../../../../tests/support/idor';
import { createTestContext, eventually, newCandidate, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';
import { registrationCase } from '../../../../tests/support/inbox';

let ctx: TestContext;
let r1: supertest.Agent;
let r2: supertest.Agent;
let outsider: supertest.Agent;
let outsiderName: string;

const HAN = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜';
function uniqueName(): string {
  let n = Date.now() + Math.floor(Math.random() * 1e6);
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += HAN[n % HAN.length];
    n = Math.floor(n / HAN.length);
  }
  return `欧${out}`;
}

async function tab(agent: supertest.Agent, query: Record<string, string>): Promise<InboxTask[]> {
  const res = await agent.get('/api/tasks').query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as InboxTask[];
}

/** A new case of the demo exam waiting for qualification review; its task as reviewer1 sees it. */
async function newCase(label: string): Promise<{ registrationNo: string; fullName: string; task: InboxTask; agent: supertest.Agent; application: Record<string, unknown> }> {
  const fullName = uniqueName();
  const { agent } = await newCandidate(ctx, label);
  const application = await validApplication(ctx, { fullName });
  const created = await agent.post('/api/registrations').send(application);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const registrationNo = created.body.registrationNo as string;
  const task = await eventually(async () => (await tab(r1, { q: registrationNo }))[0], `the review task of ${registrationNo}`);
  return { registrationNo, fullName, task, agent, application };
}

async function leafActivities(processInstanceId: string): Promise<string[]> {
  type Node = { activityId: string; childActivityInstances: Node[] };
  const walk = (n: Node): string[] => (n.childActivityInstances.length ? n.childActivityInstances.flatMap(walk) : [n.activityId]);
  return walk(await ctx.engine.activityInstances(processInstanceId));
}

beforeAll(async () => {
  ctx = createTestContext();
  r1 = await signIn(ctx.app, 'reviewer1');
  r2 = await signIn(ctx.app, 'reviewer2');
  // A reviewer of another exam only.
  const code = `I${String(Date.now()).slice(-6)}`;
  const examId = await createStandardExam(ctx.db, { code, name: `${code} 收件箱测试考试`, shortName: code, majorCodes: ['chemical'], publish: true });
  outsiderName = `ro${code}`.toLowerCase();
  const id = await new UserRepository(ctx.db, ctx.security).upsertUser(
    { username: outsiderName, displayName: outsiderName, kind: 'staff', passwordHash: await hashPassword('Review@2026'), bureau: null },
    ['exam-reviewer'],
  );
  await new DataScope(ctx.db).assignReviewer(examId, id);
  outsider = await signIn(ctx.app, outsiderName, 'Review@2026');
});
afterAll(() => ctx.close());

describe('role inboxes and task actions (U5, U6)', () => {
  let a: Awaited<ReturnType<typeof newCase>>;
  let b: Awaited<ReturnType<typeof newCase>>;

  it('U5 to-do tab: search by registration number or name part, SLA colour, due-date sort', async () => {
    a = await newCase('inbox-a');
    b = await newCase('inbox-b');
    expect(a.task.sla).toBe('ok'); // due in five days
    expect(registrationCase(a.task).candidateNameMasked).not.toBe(a.fullName);
    const byName = await tab(r1, { q: a.fullName.slice(2, 5) });
    expect(byName.map((t) => t.businessKey)).toEqual([a.registrationNo]);
    expect(await tab(r1, { q: a.registrationNo.slice(0, -1) })).toEqual([]); // the number matches exactly only
    expect((await tab(r2, { q: b.registrationNo }))[0]?.id).toBe(b.task.id); // the group's unclaimed task

    expect((await r1.post(`/api/tasks/${a.task.id}/claim`)).status).toBe(204);
    const bad = await r1.put(`/api/tasks/${a.task.id}/dates`).send({ due: '明天' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('due');
    expect((await r1.put(`/api/tasks/${a.task.id}/dates`).send({ due: new Date(Date.now() - 3_600_000).toISOString() })).status).toBe(204);
    expect((await tab(r1, { q: a.registrationNo }))[0]?.sla).toBe('overdue');
    const soon = new Date(Date.now() + 12 * 3_600_000).toISOString();
    const followUp = new Date(Date.now() + 3_600_000).toISOString();
    expect((await r1.put(`/api/tasks/${a.task.id}/dates`).send({ due: soon, followUp })).status).toBe(204);
    const row = (await tab(r1, { q: a.registrationNo }))[0]!;
    expect(row.sla).toBe('due-soon');
    expect(new Date(row.due!).getTime()).toBe(new Date(soon).getTime());
    expect(new Date(row.followUp!).getTime()).toBe(new Date(followUp).getTime());

    const sorted = (await tab(r1, { sort: 'due', order: 'asc', pageSize: '200' })).map((t) => t.businessKey);
    expect(sorted.indexOf(a.registrationNo)).toBeGreaterThanOrEqual(0);
    expect(sorted.indexOf(a.registrationNo)).toBeLessThan(sorted.indexOf(b.registrationNo));
    const bySort = await r1.get('/api/tasks').query({ sort: 'priority' });
    expect(bySort.status).toBe(400);
  });

  it('U5 saved filters per user: save, overwrite by name, list, delete; bad input refused', async () => {
    const saved = await r1.post('/api/tasks/filters').send({ name: '逾期优先', query: { tab: 'todo', sort: 'due', order: 'asc' } });
    expect(saved.status).toBe(201);
    const again = await r1.post('/api/tasks/filters').send({ name: '逾期优先', query: { tab: 'todo', sort: 'due', order: 'desc', q: '欧' } });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(saved.body.id);
    const mine = (await r1.get('/api/tasks/filters')).body as SavedInboxFilter[];
    expect(mine.filter((f) => f.name === '逾期优先')).toEqual([{ id: saved.body.id, name: '逾期优先', query: { tab: 'todo', sort: 'due', order: 'desc', q: '欧' } }]);
    expect(((await r2.get('/api/tasks/filters')).body as SavedInboxFilter[]).some((f) => f.id === saved.body.id)).toBe(false);
    const bad = await r1.post('/api/tasks/filters').send({ name: '', query: { tab: 'nope' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('name');
    expect((await r2.delete(`/api/tasks/filters/${saved.body.id}`)).status).toBe(404);
    expect((await r1.delete(`/api/tasks/filters/${saved.body.id}`)).status).toBe(204);
    expect(((await r1.get('/api/tasks/filters')).body as SavedInboxFilter[]).some((f) => f.id === saved.body.id)).toBe(false);
  });

  it('U6 转办 only to a colleague of the same group; the receiver has it in the to-do tab', async () => {
    const refused = await r1.post(`/api/tasks/${a.task.id}/assign`).send({ username: outsiderName });
    expect(refused.status).toBe(400);
    expect(refused.body.fields?.[0]?.field ?? JSON.stringify(refused.body)).toContain('username');
    expect((await r1.post(`/api/tasks/${a.task.id}/assign`).send({ username: 'candidate1' })).status).toBe(400);
    expect((await r2.post(`/api/tasks/${a.task.id}/assign`).send({ username: 'reviewer2' })).status).toBe(403); // not the assignee
    expect((await r1.post(`/api/tasks/${a.task.id}/assign`).send({ username: 'reviewer2' })).status).toBe(204);
    expect((await tab(r2, { q: a.registrationNo }))[0]?.assignee).toBe('reviewer2');
    expect(await tab(r1, { q: a.registrationNo })).toEqual([]);
  });

  it('U6 委派 and resolve: the delegate cannot complete, hands back with an opinion, the owner has it again', async () => {
    expect((await r2.post(`/api/tasks/${a.task.id}/delegate`).send({ username: outsiderName })).status).toBe(400);
    expect((await r2.post(`/api/tasks/${a.task.id}/delegate`).send({ username: 'reviewer1' })).status).toBe(204);
    const delegated = (await tab(r1, { q: a.registrationNo }))[0]!;
    expect(delegated).toMatchObject({ assignee: 'reviewer1', owner: 'reviewer2', delegationState: 'PENDING' });
    const early = await r1.post(`/api/tasks/${a.task.id}/complete`).send({ decision: 'approve' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('TASK_DELEGATED');
    expect((await r2.post(`/api/tasks/${a.task.id}/resolve`).send({})).status).toBe(409); // not the delegate
    expect((await r1.post(`/api/tasks/${a.task.id}/resolve`).send({ comment: '材料齐全，建议通过' })).status).toBe(204);
    expect((await tab(r2, { q: a.registrationNo }))[0]).toMatchObject({ assignee: 'reviewer2', delegationState: 'RESOLVED' });
  });

  it('U6 催办 is recorded and shown as a badge; 抄送 appears in the receiver\'s CC tab', async () => {
    const urged = await r1.post(`/api/tasks/${a.task.id}/urge`).send({ note: '请尽快审核' });
    expect(urged.status).toBe(201);
    expect(urged.body.notified).toBe('reviewer2');
    expect((await tab(r2, { q: a.registrationNo }))[0]?.urgeCount).toBe(1);
    expect((await tab(r1, { q: b.registrationNo }))[0]?.urgeCount).toBe(0);

    const refused = await r2.post(`/api/tasks/${a.task.id}/cc`).send({ usernames: [outsiderName] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('usernames');
    expect((await r2.post(`/api/tasks/${a.task.id}/cc`).send({ usernames: ['reviewer1'], note: '请知悉' })).status).toBe(204);
    const cc = (await tab(r1, { tab: 'cc', q: a.registrationNo }))[0];
    expect(cc).toMatchObject({ id: a.task.id, businessKey: a.registrationNo, ccBy: 'reviewer2', ccNote: '请知悉', currentStep: '资格审核' });
    expect(await tab(r2, { tab: 'cc', q: a.registrationNo })).toEqual([]);
  });

  it('U6 加签 blocks completion until the co-signer approves; comments are listed with their authors', async () => {
    expect((await r2.post(`/api/tasks/${a.task.id}/cosigners`).send({ username: outsiderName })).status).toBe(400);
    expect((await r2.post(`/api/tasks/${a.task.id}/cosigners`).send({ username: 'reviewer1' })).status).toBe(204);
    expect((await r2.post(`/api/tasks/${a.task.id}/cosigners`).send({ username: 'reviewer1' })).status).toBe(409);
    expect((await tab(r2, { q: a.registrationNo }))[0]?.pendingCosigners).toEqual(['reviewer1']);
    const blocked = await r2.post(`/api/tasks/${a.task.id}/complete`).send({ decision: 'approve' });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('COSIGN_PENDING');
    expect((await r1.post(`/api/tasks/${a.task.id}/cosign`).send({ comment: '' })).status).toBe(400);
    expect((await r2.post(`/api/tasks/${a.task.id}/cosign`).send({ comment: '同意' })).status).toBe(409); // not a co-signer
    expect((await r1.post(`/api/tasks/${a.task.id}/cosign`).send({ comment: '同意通过' })).status).toBe(204);
    expect((await r1.post(`/api/tasks/${a.task.id}/cosign`).send({ comment: '同意通过' })).status).toBe(409);
    const signers = (await r2.get(`/api/tasks/${a.task.id}/cosigners`)).body as Array<{ username: string; approvedAt: string | null }>;
    expect(signers).toHaveLength(1);
    expect(signers[0]?.approvedAt).not.toBeNull();

    expect((await r2.post(`/api/tasks/${a.task.id}/comments`).send({ message: '  ' })).status).toBe(400);
    expect((await r2.post(`/api/tasks/${a.task.id}/comments`).send({ message: '学历材料已核对' })).status).toBe(201);
    const comments = (await r1.get(`/api/tasks/${a.task.id}/comments`)).body as TaskComment[];
    expect(comments.map((c) => [c.userId, c.message])).toEqual(
      expect.arrayContaining([
        ['reviewer1', '【委派意见】材料齐全，建议通过'],
        ['reviewer1', '【加签意见】同意通过'],
        ['reviewer2', '学历材料已核对'],
      ]),
    );
  });

  it('U6 撤回 before the next step acts brings the review back; refused once the case moved on; done and handled tabs', async () => {
    const returned = await r2
      .post(`/api/tasks/${a.task.id}/complete`)
      .send({ decision: 'return', comment: '请补充', returnItems: [{ item: 'educations', note: '请上传毕业证书' }] });
    expect(returned.status, JSON.stringify(returned.body)).toBe(204);
    expect((await r1.post(`/api/tasks/${a.task.id}/withdraw`)).status).toBe(404); // not theirs
    const instance = a.task.processInstanceId!;
    await eventually(async () => (await leafActivities(instance)).includes('Task_CandidateCorrection'), 'the case waiting for the candidate');
    const withdrawn = await r2.post(`/api/tasks/${a.task.id}/withdraw`);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(await leafActivities(instance)).toEqual(['Task_QualificationReview']);
    const again = (await tab(r2, { q: a.registrationNo }))[0]!;
    expect(again).toMatchObject({ id: withdrawn.body.taskId, assignee: 'reviewer2' });
    expect((await r2.get(`/api/registrations/${a.registrationNo}`)).body.status).toBe('under-review');
    expect((await r2.post(`/api/tasks/${a.task.id}/withdraw`)).status).toBe(409);

    expect((await r2.post(`/api/tasks/${again.id}/complete`).send({ decision: 'approve' })).status).toBe(204);
    await eventually(async () => {
      const steps = await leafActivities(instance);
      return steps.length > 0 && !steps.some((s) => ['Task_RecordReviewOutcome', 'Task_PaymentOrder', 'Notify_Approved'].includes(s));
    }, 'the approved case waiting for payment');
    const late = await r2.post(`/api/tasks/${again.id}/withdraw`);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('WITHDRAW_TOO_LATE');

    const done = await tab(r2, { tab: 'done', q: a.registrationNo });
    expect(done.map((t) => t.id).sort()).toEqual([a.task.id, again.id].sort());
    expect(done.every((t) => t.completedAt)).toBe(true);
    expect(await tab(r1, { tab: 'done', q: a.registrationNo })).toEqual([]);
    const handled = await tab(r2, { tab: 'handled', q: a.registrationNo });
    expect(handled.map((t) => [t.businessKey, t.id])).toEqual([[a.registrationNo, again.id]]);
    expect(await tab(r2, { q: a.registrationNo })).toEqual([]);
  });

  it('U6 退回 to an earlier step: refused with a clear message when the case has no earlier manual step', async () => {
    expect((await r1.post(`/api/tasks/${b.task.id}/claim`)).status).toBe(204);
    expect((await r1.post(`/api/tasks/${b.task.id}/return-previous`).send({})).status).toBe(400);
    const res = await r1.post(`/api/tasks/${b.task.id}/return-previous`).send({ comment: '请重新办理' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('NO_PREVIOUS_STEP');
    expect((await tab(r1, { q: b.registrationNo }))[0]?.id).toBe(b.task.id);
  });

  it('U6 退回 to the previous manual step: after a correction the reviewer sends the case back to the candidate', async () => {
    const c = await newCase('inbox-c');
    const instance = c.task.processInstanceId!;
    expect((await r1.post(`/api/tasks/${c.task.id}/claim`)).status).toBe(204);
    const items = [{ item: 'workPeriods', note: '请填写完整的工作经历' }];
    expect((await r1.post(`/api/tasks/${c.task.id}/complete`).send({ decision: 'return', comment: '请补充', returnItems: items })).status).toBe(204);
    await eventually(async () => (await leafActivities(instance)).includes('Task_CandidateCorrection'), 'the correction task');
    await eventually(async () => (await c.agent.get(`/api/registrations/${c.registrationNo}`)).body.status === 'returned', 'the return recorded');
    const workPeriods = [
      { employer: '上海某化工有限公司', post: '安全管理员', startDate: '2011-08-01', endDate: '2019-12-31', safetyWork: true },
      { employer: '上海某化工有限公司', post: '安全主管', startDate: '2020-01-01', endDate: null, safetyWork: true },
    ];
    expect((await c.agent.put(`/api/registrations/${c.registrationNo}`).send({ ...c.application, workPeriods })).status).toBe(200);
    const second = await eventually(async () => (await tab(r1, { q: c.registrationNo })).find((t) => t.id !== c.task.id), 'the review after the correction');
    expect((await r1.post(`/api/tasks/${second.id}/claim`)).status).toBe(204);
    const back = await r1.post(`/api/tasks/${second.id}/return-previous`).send({ comment: '工作经历仍不完整' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.returnedTo).toBe('考生修改报名信息');
    expect(await leafActivities(instance)).toEqual(['Task_CandidateCorrection']);
    expect((await c.agent.get(`/api/registrations/${c.registrationNo}`)).body.status).toBe('returned');
    expect(await tab(r1, { q: c.registrationNo })).toEqual([]);
    // The candidate corrects again and the case comes back to review.
    expect((await c.agent.put(`/api/registrations/${c.registrationNo}`).send({ ...c.application, workPeriods })).status).toBe(200);
    await eventually(async () => (await tab(r1, { q: c.registrationNo })).length === 1, 'the review after the second correction');
  });

  it('U6 IDOR: a reviewer of another exam sees none of these tasks and can act on none', async () => {
    expect(await tab(outsider, { q: b.registrationNo })).toEqual([]);
    expect(await tab(outsider, { tab: 'cc' })).toEqual([]);
    const id = b.task.id;
    await expectNoAccess(outsider, [
      { method: 'post', path: `/api/tasks/${id}/assign`, body: { username: 'reviewer2' } },
      { method: 'post', path: `/api/tasks/${id}/delegate`, body: { username: 'reviewer2' } },
      { method: 'post', path: `/api/tasks/${id}/resolve`, body: {} },
      { method: 'post', path: `/api/tasks/${id}/urge`, body: {} },
      { method: 'post', path: `/api/tasks/${id}/cc`, body: { usernames: ['reviewer2'] } },
      { method: 'post', path: `/api/tasks/${id}/cosigners`, body: { username: 'reviewer2' } },
      { method: 'post', path: `/api/tasks/${id}/cosign`, body: { comment: '同意通过' } },
      { method: 'get', path: `/api/tasks/${id}/cosigners` },
      { method: 'get', path: `/api/tasks/${id}/comments` },
      { method: 'post', path: `/api/tasks/${id}/comments`, body: { message: '看看' } },
      { method: 'put', path: `/api/tasks/${id}/dates`, body: { due: new Date().toISOString() } },
      { method: 'post', path: `/api/tasks/${id}/return-previous`, body: { comment: '请重新办理' } },
      { method: 'post', path: `/api/tasks/${a.task.id}/withdraw` },
    ]);
    expect((await r1.get(`/api/tasks/${id}/comments`)).status).toBe(200);
  });
});
