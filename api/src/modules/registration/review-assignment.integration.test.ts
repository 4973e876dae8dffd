import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import type { InboxTask } from '../../contracts/task';
import type { AutoAssignResult, BulkApproveResult, ReviewerConflict } from '../../contracts/review-assignment';
import { DataScope } from '../../auth/data-scope';
import { UserRepository } from '../../auth/user.repository';
import { hashPassword } from '../../auth/password';
import { createStandardExam } from '../exams/demo-exam';
import { sampleScore } from './bulk-approve.service';
import { registrationSeal } from '../../security/security-specs';
import { expectNoAccess } from '../../../../tests/support/idor';
import { confirmGuide, createTestContext, eventually, newCandidate, signIn, uniqueIdNumber, validApplication, type TestContext } from '../../../../tests/support/test-env';

let ctx: TestContext;
let admin: supertest.Agent;
beforeAll(async () => {
  ctx = createTestContext();
  admin = await signIn(ctx.app, 'examadmin');
});
afterAll(async () => {
  // The settings are global: leave the defaults for the other files of the run.
  await admin.put('/api/review-settings').send({ bulkSampleRate: 0.2, sampleSeed: null });
  await ctx.db('exam_review_settings').update({ auto_assign: false });
  await ctx.close();
});

async function reviewer(username: string, examIds: number[]): Promise<supertest.Agent> {
  const id = await new UserRepository(ctx.db, ctx.security).upsertUser({ username, displayName: username, kind: 'staff', passwordHash: await hashPassword('Review@2026'), bureau: null }, ['exam-reviewer']);
  for (const examId of examIds) await new DataScope(ctx.db).assignReviewer(examId, id);
  return signIn(ctx.app, username, 'Review@2026');
}

async function newExam(prefix: string): Promise<number> {
  const code = `${prefix}${String(Date.now()).slice(-5)}`;
  return createStandardExam(ctx.db, { code, name: `${code} 审核分配测试`, shortName: code, majorCodes: ['chemical'], publish: true });
}

/** Submits a registration for the exam and waits for its review task in `inbox`'s list. */
async function caseWithTask(examId: number, inbox: supertest.Agent, overrides: Record<string, unknown> = {}): Promise<{ registrationNo: string; taskId: string }> {
  const { agent } = await newCandidate(ctx, 'u7');
  await confirmGuide(agent, examId);
  const created = await agent.post('/api/registrations').send(await validApplication(ctx, { examId, ...overrides }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const registrationNo = created.body.registrationNo as string;
  const task = await eventually(async () => ((await inbox.get('/api/tasks').query({ pageSize: 200 })).body as InboxTask[]).find((t) => t.businessKey === registrationNo), `the review task of ${registrationNo}`);
  return { registrationNo, taskId: task.id };
}

const openTask = async (taskId: string) => (await ctx.engine.queryTasks({ processDefinitionKey: 'exam-registration' }, 0, 10_000)).find((t) => t.id === taskId);

describe('guarded bulk approve (U7)', () => {
  it('U7 bulk approve approves only all-checks-passed tasks, holds back the drawn sample, refuses not-eligible ones and never rejects', async () => {
    const examId = await newExam('B');
    const otherExamId = await newExam('X');
    const stamp = String(Date.now()).slice(-6);
    const ra = await reviewer(`u7ba${stamp}`, [examId]);
    const outsider = await reviewer(`u7bx${stamp}`, [otherExamId]);

    const a = await caseWithTask(examId, ra);
    const b = await caseWithTask(examId, ra);
    const c = await caseWithTask(examId, ra);
    // The form check refuses ineligible forms at submission, so a 'not eligible' decision reaches a
    // reviewer when the DMN changed in between (redeployed by a designer): write that decision as
    // the eligibility worker records it, sealed like every registration write.
    const d = await caseWithTask(examId, ra);
    await ctx.db.transaction(async (trx) => {
      await trx('registrations').where({ registration_no: d.registrationNo }).update({ precheck_passed: false, precheck_message: '不足2年，不符合报考条件', eligibility_rule: 'college-related' });
      const row = await trx('registrations').where({ registration_no: d.registrationNo }).first();
      await trx('registrations').where({ id: row.id }).update({ row_mac: ctx.security.seal.seal('registrations', registrationSeal.fields(row)) });
    });

    // A fixed seed under which A is drawn for individual review and B, C are not.
    const rate = 0.5;
    let seed = '';
    for (let i = 0; i < 1000 && !seed; i++) {
      const s = `u7-seed-${i}`;
      if (sampleScore(s, a.taskId) < rate && sampleScore(s, b.taskId) >= rate && sampleScore(s, c.taskId) >= rate) seed = s;
    }
    expect(seed).not.toBe('');

    // Only exam admins edit the settings; bad values are refused with the field at fault.
    expect((await ra.put('/api/review-settings').send({ bulkSampleRate: rate, sampleSeed: seed })).status).toBe(403);
    const bad = await admin.put('/api/review-settings').send({ bulkSampleRate: 1.5, sampleSeed: seed });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('bulkSampleRate');
    expect((await admin.get('/api/review-settings')).body).toEqual({ bulkSampleRate: 0.2, sampleSeed: null });
    expect((await admin.put('/api/review-settings').send({ bulkSampleRate: rate, sampleSeed: seed })).body).toEqual({ bulkSampleRate: rate, sampleSeed: seed });

    // A reviewer of another exam reaches none of these tasks: refused, nothing drawn, nothing done.
    const intrusion = (await outsider.post('/api/tasks/bulk-approve').send({ taskIds: [b.taskId] })).body as BulkApproveResult;
    expect(intrusion.approved).toEqual([]);
    expect(intrusion.refused).toEqual([{ taskId: b.taskId, businessKey: null, reason: '该待办不属于您的岗位' }]);
    expect(await ctx.db('review_sample_draws').where({ task_id: b.taskId }).first()).toBeUndefined();
    const candidate = (await newCandidate(ctx, 'u7c', { photo: false })).agent;
    expect((await candidate.post('/api/tasks/bulk-approve').send({ taskIds: [b.taskId] })).status).toBe(403);
    const empty = await ra.post('/api/tasks/bulk-approve').send({ taskIds: [] });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain('taskIds');

    const res = await ra.post('/api/tasks/bulk-approve').send({ taskIds: [a.taskId, b.taskId, c.taskId, d.taskId] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const result = res.body as BulkApproveResult;
    expect(result.approved.map((x) => x.taskId).sort()).toEqual([b.taskId, c.taskId].sort());
    expect(result.heldBack).toEqual([{ taskId: a.taskId, businessKey: a.registrationNo, reason: '抽样复核' }]);
    expect(result.refused).toHaveLength(1);
    expect(result.refused[0]).toMatchObject({ taskId: d.taskId, businessKey: d.registrationNo });
    expect(result.refused[0]!.reason).toContain('不符合');

    // Each approval is an ordinary approval: the case moves on with the bulk comment.
    for (const ok of [b, c]) {
      const row = await eventually(
        async () => ctx.db('registrations').where({ registration_no: ok.registrationNo }).whereNot({ status: 'under-review' }).first<{ status: string; review_comment: string; reviewed_by: string }>(),
        `the outcome of ${ok.registrationNo}`,
      );
      expect(row).toMatchObject({ review_comment: '批量审核通过', reviewed_by: `u7ba${stamp}` });
      expect(row.status).not.toBe('rejected');
    }
    // The held-back and the refused task stay open and unclaimed; nothing was rejected.
    expect(await openTask(a.taskId)).toMatchObject({ assignee: null });
    expect(await openTask(d.taskId)).toMatchObject({ assignee: null });
    expect((await ctx.db('registrations').where({ registration_no: d.registrationNo }).first<{ status: string }>('status')).status).toBe('under-review');
    expect((await ra.post('/api/tasks/bulk-reject').send({ taskIds: [d.taskId] })).status).toBe(404);
    const audited = await ctx.db('audit_log').where({ action: 'task.complete', object_id: b.taskId }).first();
    expect(audited).toBeDefined();

    // The draw is kept: with no sample at all, A is still held back (retrying cannot dodge the sample).
    await admin.put('/api/review-settings').send({ bulkSampleRate: 0, sampleSeed: null });
    const again = (await ra.post('/api/tasks/bulk-approve').send({ taskIds: [a.taskId] })).body as BulkApproveResult;
    expect(again.heldBack.map((x) => x.taskId)).toEqual([a.taskId]);
    expect(again.approved).toEqual([]);
    // A held-back task is still approved individually.
    expect((await ra.post(`/api/tasks/${a.taskId}/claim`)).status).toBe(204);
    expect((await ra.post(`/api/tasks/${a.taskId}/complete`).send({ decision: 'approve', comment: '逐件审核通过' })).status).toBe(204);
  });
});

describe('fair assignment with 回避 (U7)', () => {
  it('U7 automatic assignment balances load and never gives a reviewer a case they declared a conflict with', async () => {
    const examId = await newExam('A');
    const stamp = String(Date.now()).slice(-6);
    const ra = await reviewer(`u7aa${stamp}`, [examId]);
    const rb = await reviewer(`u7ab${stamp}`, [examId]);
    const relativeId = uniqueIdNumber();

    // Declarations: bad ones refused with the field at fault and nothing written.
    const before = await ctx.db('reviewer_conflicts').count<{ count: string }[]>('* as count');
    const noEmployer = await ra.post('/api/reviewer-conflicts').send({ kind: 'same-employer' });
    expect(noEmployer.status).toBe(400);
    expect(JSON.stringify(noEmployer.body)).toContain('employer');
    const noId = await rb.post('/api/reviewer-conflicts').send({ kind: 'relative', note: '表弟' });
    expect(noId.status).toBe(400);
    expect(JSON.stringify(noId.body)).toContain('idNumber');
    expect(await ctx.db('reviewer_conflicts').count<{ count: string }[]>('* as count')).toEqual(before);

    const employerConflict = await ra.post('/api/reviewer-conflicts').send({ kind: 'same-employer', employer: '上海甲化工 有限公司' });
    expect(employerConflict.status).toBe(201);
    const relative = await rb.post('/api/reviewer-conflicts').send({ kind: 'relative', idNumber: relativeId, note: '表弟' });
    expect(relative.status).toBe(201);
    expect(relative.body).toMatchObject({ kind: 'relative', hasIdNumber: true, employer: null });
    expect(JSON.stringify(relative.body)).not.toContain(relativeId);
    const stored = await ctx.db('reviewer_conflicts').where({ id: (relative.body as ReviewerConflict).id }).first();
    expect(stored.id_number_idx).toBe(ctx.security.index('id-number', relativeId));
    expect(JSON.stringify(stored)).not.toContain(relativeId);

    // Conflicts are private to their owner (IDOR).
    expect(((await rb.get('/api/reviewer-conflicts')).body as ReviewerConflict[]).map((x) => x.id)).not.toContain((employerConflict.body as ReviewerConflict).id);
    await expectNoAccess(rb, [{ method: 'delete', path: `/api/reviewer-conflicts/${(employerConflict.body as ReviewerConflict).id}` }]);
    expect(((await ra.get('/api/reviewer-conflicts')).body as ReviewerConflict[]).map((x) => x.id)).toContain((employerConflict.body as ReviewerConflict).id);

    // Cases in a known order (automatic assignment off while they arrive).
    const r1 = await caseWithTask(examId, ra, { employer: '上海甲化工有限公司' }); // ra has a conflict
    const r2 = await caseWithTask(examId, ra, { idNumber: relativeId, employer: '上海乙物流有限公司' }); // rb's relative
    const r3 = await caseWithTask(examId, ra, { employer: '上海丙建设有限公司' });
    const r4 = await caseWithTask(examId, ra, { employer: '上海丁化工有限公司' });
    const r5 = await caseWithTask(examId, ra, { employer: '上海甲化工（集团）有限公司' });

    // Only exam admins switch automatic assignment and run it.
    expect((await ra.put(`/api/review-settings/exams/${examId}`).send({ autoAssign: true })).status).toBe(403);
    expect((await ra.post('/api/tasks/auto-assign')).status).toBe(403);
    expect((await admin.put('/api/review-settings/exams/99999999').send({ autoAssign: true })).status).toBe(404);
    const on = await admin.put(`/api/review-settings/exams/${examId}`).send({ autoAssign: true });
    expect(on.body).toMatchObject({ examId, autoAssign: true, reviewerCount: 2 });

    const run = await admin.post('/api/tasks/auto-assign');
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const result = run.body as AutoAssignResult;
    const to = (x: { taskId: string }) => result.assigned.find((y) => y.taskId === x.taskId)?.reviewer;
    // Both at 0: r1 would go to ra by the tie-break, but ra declared its employer.
    expect(to(r1)).toBe(`u7ab${stamp}`);
    // rb declared the candidate of r2 as a relative (matched through the ID number's blind index).
    expect(to(r2)).toBe(`u7aa${stamp}`);
    // Balanced: 1-1, then the tie goes to ra, then rb is the less loaded.
    expect(to(r3)).toBe(`u7aa${stamp}`);
    expect(to(r4)).toBe(`u7ab${stamp}`);
    // r5 is from a different employer than ra's (甲化工（集团）), so it goes by load: tie -> ra.
    expect(to(r5)).toBe(`u7aa${stamp}`);
    for (const x of [r1, r2, r3, r4, r5]) expect((await openTask(x.taskId))?.assignee).toBe(to(x));

    // A run with nothing new assigns nothing again.
    expect(((await admin.post('/api/tasks/auto-assign')).body as AutoAssignResult).assigned.filter((x) => [r1, r2, r3, r4, r5].some((r) => r.taskId === x.taskId))).toEqual([]);

    // A case both reviewers must avoid stays unassigned, for a person to decide.
    await ra.post('/api/reviewer-conflicts').send({ kind: 'other', employer: '上海戊化工有限公司', note: '曾任职' });
    await rb.post('/api/reviewer-conflicts').send({ kind: 'same-employer', employer: '上海戊化工有限公司' });
    await admin.put(`/api/review-settings/exams/${examId}`).send({ autoAssign: false });
    const r6 = await caseWithTask(examId, ra, { employer: '上海戊化工有限公司' });
    await admin.put(`/api/review-settings/exams/${examId}`).send({ autoAssign: true });
    const last = (await admin.post('/api/tasks/auto-assign')).body as AutoAssignResult;
    expect(last.assigned.find((x) => x.taskId === r6.taskId)).toBeUndefined();
    expect(last.unassigned.find((x) => x.taskId === r6.taskId)?.reason).toBe('该考试的审核员均需回避，请人工指派');
    expect((await openTask(r6.taskId))?.assignee).toBeNull();

    // Withdrawing one's own conflict works.
    expect((await ra.delete(`/api/reviewer-conflicts/${(employerConflict.body as ReviewerConflict).id}`)).status).toBe(204);
  });
});
