import { pdfText } from '../../../../tests/support/pdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExamGuideView, GuideConfirmation } from '../../contracts/guide';
import { confirmGuide, createTestContext, demoExamId, newCandidate, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';
import { ExamRepository } from '../exams/exam.repository';

let ctx: TestContext;
let examId: number;

beforeAll(async () => {
  ctx = createTestContext();
  examId = await demoExamId(ctx);
});
afterAll(() => ctx.close());

describe('exam guide (M02)', () => {
  it('M02 the guide of an exam states its window, majors, levels, fees, the education table and photo rules', async () => {
    const { agent } = await newCandidate(ctx, 'guide-read', { confirmGuide: false });
    const res = await agent.get(`/api/exams/${examId}/guide`);
    expect(res.status).toBe(200);
    const guide = res.body as ExamGuideView;
    const exam = await ctx.db('exams').where({ id: examId }).first();
    expect(guide).toMatchObject({ examId, examName: exam.name, year: exam.year, organiser: '上海市职业能力考试院', confirmation: null });
    expect(guide.version).toMatch(/^[0-9a-f]{16}$/);
    expect(guide.registrationStart).toBe(new Date(exam.registration_start).toISOString());
    expect(guide.majors).toEqual(['化工安全', '金属冶炼安全', '建筑施工安全', '道路运输安全', '其他安全(不包括消防安全)']);
    expect(guide.levels.find((l) => l.label === '考全科')).toMatchObject({ subjects: ['安全生产法律法规', '安全生产实务'], fee: 140 });
    expect(guide.levels.find((l) => l.label === '考增项')).toMatchObject({ subjects: ['安全生产实务'], fee: 70 });
    expect(guide.subjects.map((s) => s.fee)).toEqual([70, 70]);
    expect(guide.educationTable[0]).toMatchObject({ education: '中专学历' });
    expect(guide.educationTable[0]!.related).toContain('满4年');
    expect(guide.educationTable[0]!.other).toContain('满5年');
    expect(guide.educationTable[1]!.related).toContain('满2年');
    expect(guide.educationTable.at(-1)!.education).toBe('本科及以上学历');
    expect(guide.photoRules.join('')).toContain('295×413');
    // The same guide twice has the same version.
    expect(((await agent.get(`/api/exams/${examId}/guide`)).body as ExamGuideView).version).toBe(guide.version);
  });

  it('M02 the guide downloads as a PDF with its Chinese text', async () => {
    const { agent } = await newCandidate(ctx, 'guide-pdf', { confirmGuide: false });
    const res = await agent.get(`/api/exams/${examId}/guide.pdf`).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    for (const expected of ['上海市初级注册安全工程师职业资格考试报考指南', '报考条件', '安全工程或相关专业', '化工安全', '考全科', '140元', '70元', '照片要求', '上海市职业能力考试院']) {
      expect(text, expected).toContain(expected);
    }
  }, 60_000);

  it('M02 only published exams have a guide; staff without registration:create cannot read it', async () => {
    const { agent } = await newCandidate(ctx, 'guide-404', { confirmGuide: false });
    expect((await agent.get('/api/exams/999999/guide')).status).toBe(404);
    expect((await agent.get('/api/exams/abc/guide')).status).toBe(400);
    expect((await agent.post('/api/exams/999999/guide/confirm').send({ version: '0123456789abcdef' })).status).toBe(404);
    const reviewer = await signIn(ctx.app, 'reviewer1');
    expect((await reviewer.get(`/api/exams/${examId}/guide`)).status).toBe(403);
  });
});

describe('guide confirmation (M10)', () => {
  it('M10 confirming records user, exam, guide version and time, once, and is audited', async () => {
    const { agent, username } = await newCandidate(ctx, 'guide-confirm', { confirmGuide: false });
    const before = Date.now();
    const first = await confirmGuide(agent, examId);
    const version = ((await agent.get(`/api/exams/${examId}/guide`)).body as ExamGuideView).version;
    expect(first).toMatchObject({ examId, version });
    expect(new Date(first.confirmedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(first.confirmedAt).getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const again = await agent.post(`/api/exams/${examId}/guide/confirm`).send({ version });
    expect(again.status).toBe(200);
    expect(again.body as GuideConfirmation).toEqual(first);

    const user = await ctx.db('users').where({ username }).first<{ id: number }>('id');
    const rows = await ctx.db('guide_confirmations').where({ user_id: user!.id });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ exam_id: examId, guide_version: version });
    expect(new Date(rows[0].confirmed_at).toISOString()).toBe(first.confirmedAt);
    expect(((await agent.get(`/api/exams/${examId}/guide`)).body as ExamGuideView).confirmation).toEqual(first);

    const audit = await ctx.db('audit_log').where({ actor: username, action: 'guide.confirm' }).select('result', 'object_id');
    expect(audit).toEqual([
      { result: 'success', object_id: String(examId) },
      { result: 'success', object_id: String(examId) },
    ]);
  });

  it('M10 a stale or malformed guide version is refused and nothing is recorded', async () => {
    const { agent, username } = await newCandidate(ctx, 'guide-stale', { confirmGuide: false });
    const stale = await agent.post(`/api/exams/${examId}/guide/confirm`).send({ version: 'ffffffffffffffff' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'GUIDE_CHANGED' });
    expect((await agent.post(`/api/exams/${examId}/guide/confirm`).send({})).status).toBe(400);
    const user = await ctx.db('users').where({ username }).first<{ id: number }>('id');
    expect(await ctx.db('guide_confirmations').where({ user_id: user!.id })).toHaveLength(0);
  });

  it('M10 an application is refused until the candidate confirmed the guide of that exam, and accepted after', async () => {
    const { agent } = await newCandidate(ctx, 'guide-submit', { confirmGuide: false });
    const application = await validApplication(ctx);
    const refused = await agent.post('/api/registrations').send(application);
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([{ field: 'examId', message: '请先阅读并确认报考指南' }]);
    expect((await agent.get('/api/registrations/mine')).body).toEqual([]);

    // Confirming another exam's guide does not count.
    const day = 86_400_000;
    const code = `G${String(Date.now()).slice(-6)}`;
    const otherExam = await new ExamRepository(ctx.db).create(
      { code, name: `${code} 指南测试考试`, short_name: code, year: 2026, registration_start: new Date(Date.now() - day), registration_end: new Date(Date.now() + day), status: 'published' },
      ['chemical'],
    );
    await confirmGuide(agent, otherExam);
    expect((await agent.post('/api/registrations').send(application)).status).toBe(400);

    await confirmGuide(agent, examId);
    const accepted = await agent.post('/api/registrations').send(application);
    expect(accepted.status).toBe(201);
  });
});
