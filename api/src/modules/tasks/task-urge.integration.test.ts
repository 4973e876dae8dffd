import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import type { MessagePage } from '../../contracts/notifications';
import type { InboxTask } from '../../contracts/task';
import type { RoleCode } from '../../contracts/auth';
import { DataScope } from '../../auth/data-scope';
import { UserRepository } from '../../auth/user.repository';
import { hashPassword } from '../../auth/password';
import { createStandardExam } from '../exams/demo-exam';
import type { MessageRow } from '../notifications/message.repository';
import { confirmGuide, createTestContext, eventually, newCandidate, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';

let ctx: TestContext;
let examId: number;
const stamp = String(Date.now()).slice(-6);
const PASSWORD = 'Review@2026';

/** A staff account assigned to the test exam, with the given roles and display name. */
async function staff(suffix: string, displayName: string, roles: RoleCode[] = ['exam-reviewer']): Promise<{ id: number; username: string }> {
  const username = `urge${suffix}${stamp}`;
  const id = await new UserRepository(ctx.db, ctx.security).upsertUser({ username, displayName, kind: 'staff', passwordHash: await hashPassword(PASSWORD), bureau: null }, roles);
  await new DataScope(ctx.db).assignReviewer(examId, id);
  return { id, username };
}

const urgeMessages = (userId: number, taskId: string): Promise<MessageRow[]> =>
  ctx.db<MessageRow>('messages').where({ user_id: userId, template_code: 'task-urged', case_key: taskId }).orderBy('created_at');

beforeAll(async () => {
  ctx = createTestContext();
  const code = `G${stamp}`;
  examId = await createStandardExam(ctx.db, { code, name: `${code} 催办测试考试`, shortName: code, majorCodes: ['chemical'], publish: true });
});
afterAll(() => ctx.close());

describe('催办 reaches the person (U6)', () => {
  it('U6 催办 messages the group of an unclaimed task, then the assignee, exactly once per urge, never the urger, never by SMS; one urge per person and task per 10 minutes', async () => {
    const a = await staff('a', '钱催办');
    const b = await staff('b', '孙审核');
    const c = await staff('c', '李审核');
    const disabled = await staff('d', '周停用');
    await ctx.db('users').where({ id: disabled.id }).update({ enabled: false });
    const notReviewer = await staff('e', '吴考务', ['exam-admin']);
    const ra = await signIn(ctx.app, a.username, PASSWORD);
    const rb = await signIn(ctx.app, b.username, PASSWORD);
    const rc = await signIn(ctx.app, c.username, PASSWORD);

    const { agent: candidate } = await newCandidate(ctx, 'urge');
    await confirmGuide(candidate, examId);
    const created = await candidate.post('/api/registrations').send(await validApplication(ctx, { examId }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const no = created.body.registrationNo as string;
    const task = await eventually(async () => ((await rb.get('/api/tasks').query({ q: no })).body as InboxTask[])[0], `the review task of ${no}`);
    const unreadBefore = ((await rb.get('/api/me/messages/unread-count')).body as { unread: number }).unread;

    // Unclaimed: every enabled reviewer of the group hears of it, the urger does not.
    const first = await ra.post(`/api/tasks/${task.id}/urge`).send({ note: '考生来电询问进度' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    for (const who of [b, c]) {
      const [message, ...more] = await urgeMessages(who.id, task.id);
      expect(more).toEqual([]);
      expect(message).toMatchObject({ title: `催办：报名${no}`, status: 'centre-only', channel: null, sms_requested_at: null, link: `/inbox/review?q=${no}` });
      expect(message!.body).toBe(`钱催办催办您尽快办理报名${no}的“资格审核”待办。催办说明：考生来电询问进度`);
    }
    for (const who of [a, disabled, notReviewer]) expect(await urgeMessages(who.id, task.id)).toEqual([]);

    // The reviewer finds it in their message centre.
    const page = (await rb.get('/api/me/messages').query({ unreadOnly: 'true' })).body as MessagePage;
    expect(page.items.find((m) => m.title === `催办：报名${no}`)).toMatchObject({ caseType: 'review-task', caseKey: task.id, readAt: null });
    expect(((await rb.get('/api/me/messages/unread-count')).body as { unread: number }).unread).toBe(unreadBefore + 1);

    // Again within 10 minutes: refused, nothing recorded, nobody messaged.
    const again = await ra.post(`/api/tasks/${task.id}/urge`).send({ note: '再催一次' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'URGE_TOO_SOON' });
    expect(again.body.message).toMatch(/^您已催办过该待办，同一待办10分钟内只能催办一次，请(10|9)分钟后再试$/);
    expect(await urgeMessages(b.id, task.id)).toHaveLength(1);
    expect(await ctx.db('task_urges').where({ task_id: task.id })).toHaveLength(1);

    // Claimed: only the assignee is told. Two urges at once by one person count once.
    expect((await rb.post(`/api/tasks/${task.id}/claim`)).status).toBe(204);
    const both = await Promise.all([rc.post(`/api/tasks/${task.id}/urge`).send({}), rc.post(`/api/tasks/${task.id}/urge`).send({})]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.status === 201)?.body).toEqual({ notified: b.username });
    const toAssignee = await urgeMessages(b.id, task.id);
    expect(toAssignee).toHaveLength(2);
    expect(toAssignee[1]!.body).toBe(`李审核催办您尽快办理报名${no}的“资格审核”待办。催办说明：请尽快办理`);
    expect(await urgeMessages(c.id, task.id)).toHaveLength(1); // only the first urge's
    expect(await urgeMessages(a.id, task.id)).toEqual([]);
    expect(((await rb.get('/api/tasks').query({ q: no })).body as InboxTask[])[0]?.urgeCount).toBe(2);

    // Nothing about urges ever leaves the message centre.
    const sent: MessageRow[] = await ctx.db('messages').where({ template_code: 'task-urged', case_key: task.id });
    expect(sent.every((m) => m.status === 'centre-only' && m.channel === null && m.sms_requested_at === null)).toBe(true);
  });
});
