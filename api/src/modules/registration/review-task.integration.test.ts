import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxTask } from '../../contracts/task';
import { DataScope } from '../../auth/data-scope';
import { UserRepository } from '../../auth/user.repository';
import { hashPassword } from '../../auth/password';
import { createStandardExam } from '../exams/demo-exam';
import { expectNoAccess } from '../../../../tests/support/idor';
import { confirmGuide, createTestContext, eventually, newCandidate, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

async function reviewer(username: string): Promise<number> {
  return new UserRepository(ctx.db, ctx.security).upsertUser({ username, displayName: username, kind: 'staff', passwordHash: await hashPassword('Review@2026'), bureau: null }, ['exam-reviewer']);
}

describe('reviewer data scope (S1)', () => {
  it('S1 a reviewer sees, claims and reads only the cases of exams assigned to them; exam admins read all', async () => {
    const code = `S${String(Date.now()).slice(-6)}`;
    // A complete published exam (subjects, levels, fees), open for registration now.
    const examId = await createStandardExam(ctx.db, { code, name: `${code} 范围测试考试`, shortName: code, majorCodes: ['chemical'], publish: true });
    const assignedId = await reviewer(`ra${code}`.toLowerCase());
    await reviewer(`rb${code}`.toLowerCase());
    await new DataScope(ctx.db).assignReviewer(examId, assignedId);
    const assigned = await signIn(ctx.app, `ra${code}`.toLowerCase(), 'Review@2026');
    const other = await signIn(ctx.app, `rb${code}`.toLowerCase(), 'Review@2026');

    const { agent: candidate } = await newCandidate(ctx, 'scope');
    await confirmGuide(candidate, examId);
    const created = await candidate.post('/api/registrations').send(await validApplication(ctx, { examId }));
    expect(created.status).toBe(201);
    const registrationNo = created.body.registrationNo as string;

    const task = await eventually(async () => ((await assigned.get('/api/tasks')).body as InboxTask[]).find((t) => t.businessKey === registrationNo), 'the task in the assigned inbox');
    expect(((await other.get('/api/tasks')).body as InboxTask[]).some((t) => t.businessKey === registrationNo)).toBe(false);
    await expectNoAccess(other, [
      { method: 'post', path: `/api/tasks/${task.id}/claim` },
      { method: 'get', path: `/api/registrations/${registrationNo}` },
      { method: 'get', path: `/api/registrations/${registrationNo}/form.pdf` },
    ]);
    expect((await assigned.get(`/api/registrations/${registrationNo}`)).status).toBe(200);
    expect((await (await signIn(ctx.app, 'examadmin')).get(`/api/registrations/${registrationNo}`)).status).toBe(200);
  });
});
