import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import type { ExamAdminView, ExamListItem, MajorView } from '../../contracts/exams';
import type { ExamSummary } from '../../contracts/registration';
import { apiAgent, confirmGuide, createTestContext, newCandidate, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';
import { createStandardExam } from './demo-exam';

let ctx: TestContext;
let admin: supertest.Agent;

beforeAll(async () => {
  ctx = createTestContext();
  admin = await signIn(ctx.app, 'examadmin');
});
afterAll(() => ctx.close());

// Exams of this file are held in 2031, so queries by year see no other test's exams.
const YEAR = 2031;
let seq = 0;
/** A fresh exam code (upper-case letters and digits, unique per run). */
const newCode = () => `S${String(Date.now()).slice(-7)}${++seq}`;

/** 基本信息 of an exam held on `examDay` (2031): registration in March, payment by 8 April, tickets from 20 May. */
function basic(code: string, examDay = '2031-06-14', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code,
    name: `${code} 考试设置测试`,
    shortName: code,
    year: YEAR,
    registrationStart: '2031-03-01T09:00:00+08:00',
    registrationEnd: '2031-04-01T17:00:00+08:00',
    paymentDeadline: '2031-04-08T17:00:00+08:00',
    ticketPrintStart: '2031-05-20T09:00:00+08:00',
    ticketPrintEnd: `${examDay}T16:30:00+08:00`,
    ...overrides,
  };
}

const questionTypes = [
  { type: '单项选择题', count: 20, marks: 1 },
  { type: '案例分析题', count: 4, marks: 20 },
];
const law = { code: 'law', name: '安全生产法律法规', shortName: '法律法规', majorCode: null, questionTypes: [{ type: '单项选择题', count: 70, marks: 1 }, { type: '多项选择题', count: 15, marks: 2 }] };
const practice = (major: string) => ({ code: `practice-${major}`, name: `安全生产实务（${major}）`, shortName: '安全生产实务', majorCode: major, questionTypes });

async function ok(res: supertest.Response, status = 200): Promise<ExamAdminView> {
  if (res.status !== status) throw new Error(`${res.request.method} ${res.request.url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ExamAdminView;
}

async function createExam(code = newCode(), examDay?: string): Promise<ExamAdminView> {
  return ok(await admin.post('/api/exams').send(basic(code, examDay)), 201);
}

/** A draft exam ready to publish: 2 majors, law + 2 实务 on `examDay`, the three levels bound. */
async function completeExam(examDay = '2031-06-14'): Promise<ExamAdminView> {
  const { exam } = await createExam(newCode(), examDay);
  const base = `/api/exams/${exam.id}`;
  await ok(await admin.put(`${base}/majors`).send({ majorCodes: ['chemical', 'construction'] }));
  for (const subject of [law, practice('chemical'), practice('construction')]) await ok(await admin.post(`${base}/subjects`).send(subject), 201);
  await ok(
    await admin.put(`${base}/sessions`).send({
      sessions: [
        { subjectCode: 'law', startsAt: `${examDay}T09:00:00+08:00`, endsAt: `${examDay}T11:00:00+08:00` },
        { subjectCode: 'practice-chemical', startsAt: `${examDay}T14:00:00+08:00`, endsAt: `${examDay}T16:30:00+08:00` },
        { subjectCode: 'practice-construction', startsAt: `${examDay}T14:00:00+08:00`, endsAt: `${examDay}T16:30:00+08:00` },
      ],
    }),
  );
  for (const level of ['full', 'additional', 'single'] as const) {
    await ok(await admin.post(`${base}/levels`).send({ code: level }), 201);
    for (const major of ['chemical', 'construction']) await ok(await admin.put(`${base}/levels/${level}/majors/${major}`));
    for (const subject of ['law', 'practice-chemical', 'practice-construction']) {
      if (level !== 'additional' || subject !== 'law') await ok(await admin.put(`${base}/levels/${level}/subjects/${subject}`));
    }
  }
  return ok(await admin.get(base));
}

const auditOf = (action: string, objectId: string) => ctx.db('audit_log').where({ action, object_id: objectId }).orderBy('id').select('actor', 'result');

describe('exams (M17)', () => {
  it('M17 creates an exam with its schedule, reads it back, edits it; every change is audited', async () => {
    const code = newCode();
    const created = await ok(await admin.post('/api/exams').send(basic(code.toLowerCase())), 201);
    expect(created.exam).toMatchObject({
      code,
      name: `${code.toLowerCase()} 考试设置测试`,
      year: YEAR,
      status: 'draft',
      registrationStart: '2031-03-01T01:00:00.000Z',
      paymentDeadline: '2031-04-08T09:00:00.000Z',
      ticketPrintStart: '2031-05-20T01:00:00.000Z',
      sessions: [],
    });
    expect(created).toMatchObject({ majors: [], subjects: [], levels: [], registrationCount: 0, publishedAt: null });
    // A new exam cannot be published yet, and says why.
    expect(created.problems.map((p) => p.field)).toEqual(['sessions', 'majors', 'subjects', 'levels']);

    const id = created.exam.id;
    const edited = await ok(await admin.put(`/api/exams/${id}`).send(basic(code, '2031-06-14', { name: '2031年度上海市初级注册安全工程师职业资格考试', paymentDeadline: '2031-04-10T17:00:00+08:00' })));
    expect(edited.exam).toMatchObject({ name: '2031年度上海市初级注册安全工程师职业资格考试', paymentDeadline: '2031-04-10T09:00:00.000Z' });
    expect((await ok(await admin.get(`/api/exams/${id}`))).exam.name).toBe('2031年度上海市初级注册安全工程师职业资格考试');

    expect(await auditOf('exam.create', String(id))).toEqual([{ actor: 'examadmin', result: 'success' }]);
    expect(await auditOf('exam.update', String(id))).toEqual([{ actor: 'examadmin', result: 'success' }]);
  });

  it('M17 a bad schedule, a malformed or taken code: 4xx naming the field, nothing written', async () => {
    const code = newCode();
    const late = await admin.post('/api/exams').send(basic(code, undefined, { paymentDeadline: '2031-03-20T17:00:00+08:00', ticketPrintEnd: '2031-05-01T00:00:00+08:00' }));
    expect(late.status).toBe(400);
    expect(late.body.fields).toEqual([
      { field: 'paymentDeadline', message: '缴费截止时间不能早于网上报名结束时间' },
      { field: 'ticketPrintEnd', message: '准考证打印结束时间应晚于开始时间' },
    ]);
    const malformed = await admin.post('/api/exams').send(basic('考试', undefined, { year: 1999, registrationStart: 'soon' }));
    expect(malformed.status).toBe(400);
    expect(malformed.body.fields).toEqual([
      { field: 'code', message: '考试代码为2至16位字母或数字' },
      { field: 'year', message: '考试年度应在2000至2100之间' },
      { field: 'registrationStart', message: '网上报名开始时间格式不正确' },
    ]);
    expect(await ctx.db('exams').where({ code })).toHaveLength(0);

    const first = await createExam(code);
    const taken = await admin.post('/api/exams').send(basic(code));
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'EXAM_CODE_TAKEN', fields: [{ field: 'code', message: '考试代码已被其他考试使用' }] });
    const other = await createExam();
    const renamed = await admin.put(`/api/exams/${other.exam.id}`).send(basic(code));
    expect(renamed.status).toBe(409);
    expect(await ctx.db('exams').where({ code })).toEqual([expect.objectContaining({ id: first.exam.id })]);
    const badEdit = await admin.put(`/api/exams/${first.exam.id}`).send(basic(code, undefined, { name: '改了名字', ticketPrintStart: '2031-04-01T00:00:00+08:00' }));
    expect(badEdit.status).toBe(400);
    expect(badEdit.body.fields).toEqual([{ field: 'ticketPrintStart', message: '准考证打印开始时间应晚于缴费截止时间' }]);
    expect((await ok(await admin.get(`/api/exams/${first.exam.id}`))).exam.name).toBe(first.exam.name);
    expect((await admin.get('/api/exams/999999')).status).toBe(404);
    expect((await admin.put('/api/exams/999999').send(basic(newCode()))).status).toBe(404);
  });

  it('M17 exams are queried by the year and month of their exam date', async () => {
    const june = await completeExam('2031-06-14');
    const july = await completeExam('2031-07-12');
    const codes = async (query: string) => ((await admin.get(`/api/exams?${query}`)).body as ExamListItem[]).map((e) => e.code);

    expect(await codes(`year=${YEAR}&month=6`)).toContain(june.exam.code);
    expect(await codes(`year=${YEAR}&month=6`)).not.toContain(july.exam.code);
    expect(await codes(`year=${YEAR}&month=7`)).toEqual(expect.arrayContaining([july.exam.code]));
    expect(await codes(`year=${YEAR}&month=7`)).not.toContain(june.exam.code);
    expect(await codes(`year=${YEAR}`)).toEqual(expect.arrayContaining([june.exam.code, july.exam.code]));
    expect(await codes(`month=7`)).not.toContain(june.exam.code);
    expect(await codes(`year=${YEAR - 1}`)).not.toContain(june.exam.code);
    expect(await codes(`year=${YEAR}&status=published`)).not.toContain(june.exam.code);

    const row = ((await admin.get(`/api/exams?year=${YEAR}&month=6`)).body as ExamListItem[]).find((e) => e.code === june.exam.code);
    expect(row).toMatchObject({ status: 'draft', examStartsAt: '2031-06-14T01:00:00.000Z', majorCount: 2, subjectCount: 3, levelCount: 3, registrationCount: 0 });

    const bad = await admin.get('/api/exams?year=abc&month=13');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([
      { field: 'year', message: '考试年度格式不正确' },
      { field: 'month', message: '考试月份应为1至12' },
    ]);
  });

  it('M17 sessions: one per subject of the exam, ending after they start', async () => {
    const view = await completeExam();
    const base = `/api/exams/${view.exam.id}`;
    const unknown = await admin.put(`${base}/sessions`).send({ sessions: [{ subjectCode: 'practice-metallurgy', startsAt: '2031-06-14T14:00:00+08:00', endsAt: '2031-06-14T16:30:00+08:00' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual([{ field: 'sessions.0.subjectCode', message: '本考试没有科目「practice-metallurgy」' }]);
    const backwards = await admin.put(`${base}/sessions`).send({ sessions: [{ subjectCode: 'law', startsAt: '2031-06-14T11:00:00+08:00', endsAt: '2031-06-14T09:00:00+08:00' }] });
    expect(backwards.status).toBe(400);
    expect(backwards.body.fields).toEqual([{ field: 'sessions.0.endsAt', message: '结束时间应晚于开考时间' }]);
    expect((await ok(await admin.get(base))).exam.sessions).toEqual(view.exam.sessions);
    expect(view.exam.sessions.map((s) => s.subjectCode)).toEqual(['law', 'practice-chemical', 'practice-construction']);
  });
});

describe('majors (M18)', () => {
  it('M18 the catalogue holds the five Shanghai majors; an admin adds a major and chooses it for an exam', async () => {
    const catalogue = (await admin.get('/api/majors')).body as MajorView[];
    expect(catalogue.slice(0, 5).map((m) => m.name)).toEqual(['化工安全', '金属冶炼安全', '建筑施工安全', '道路运输安全', '其他安全(不包括消防安全)']);

    const code = `mine-${Date.now() % 1_000_000}`;
    const added = await admin.post('/api/majors').send({ code, name: `金属非金属矿山安全${code}` });
    expect(added.status).toBe(201);
    expect((added.body as MajorView[]).at(-1)).toEqual({ code, name: `金属非金属矿山安全${code}` });
    expect(await auditOf('major.create', code)).toEqual([{ actor: 'examadmin', result: 'success' }]);

    const again = await admin.post('/api/majors').send({ code, name: '另一个名字' });
    expect(again.status).toBe(409);
    expect(again.body.fields).toEqual([{ field: 'code', message: '专业目录中已有该专业代码' }]);
    const sameName = await admin.post('/api/majors').send({ code: `${code}-b`, name: '化工安全' });
    expect(sameName.status).toBe(409);
    expect(sameName.body.fields).toEqual([{ field: 'name', message: '专业目录中已有该专业名称' }]);
    const bad = await admin.post('/api/majors').send({ code: 'Mine Safety', name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['code', 'name']);

    const { exam } = await createExam();
    const chosen = await ok(await admin.put(`/api/exams/${exam.id}/majors`).send({ majorCodes: ['chemical', code] }));
    expect(chosen.majors.map((m) => m.code)).toEqual(['chemical', code]);
  });

  it('M18 unknown majors and removing a major still in use are refused, nothing changed', async () => {
    const view = await completeExam();
    const base = `/api/exams/${view.exam.id}`;
    // A draft exam: structure may change, but not into a dangling state.
    const unknown = await admin.put(`${base}/majors`).send({ majorCodes: ['chemical', 'construction', 'coal-mining'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual([{ field: 'majorCodes', message: '专业目录中没有专业「coal-mining」' }]);
    const inUse = await admin.put(`${base}/majors`).send({ majorCodes: ['chemical'] });
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ code: 'MAJOR_IN_USE', fields: [{ field: 'majorCodes' }] });
    expect(inUse.body.message).toContain('建筑施工安全');
    const duplicate = await admin.put(`${base}/majors`).send({ majorCodes: ['chemical', 'chemical'] });
    expect(duplicate.status).toBe(400);
    expect((await ok(await admin.get(base))).majors.map((m) => m.code)).toEqual(['chemical', 'construction']);
    // Adding one that nothing uses yet is fine.
    expect((await ok(await admin.put(`${base}/majors`).send({ majorCodes: ['chemical', 'construction', 'other'] }))).majors).toHaveLength(3);
  });
});

describe('subjects (M19)', () => {
  it('M19 adds, edits and deletes subjects with their question types; bad input names the field', async () => {
    const { exam } = await createExam();
    const base = `/api/exams/${exam.id}`;
    await ok(await admin.put(`${base}/majors`).send({ majorCodes: ['chemical'] }));
    const added = await ok(await admin.post(`${base}/subjects`).send(law), 201);
    expect(added.subjects).toEqual([{ ...law, feeFen: 7000 }]);

    const outside = await admin.post(`${base}/subjects`).send(practice('metallurgy'));
    expect(outside.status).toBe(400);
    expect(outside.body.fields).toEqual([{ field: 'majorCode', message: '该专业不在本次考试的专业中，请先在「专业」中添加' }]);
    const taken = await admin.post(`${base}/subjects`).send({ ...practice('chemical'), code: 'law' });
    expect(taken.status).toBe(409);
    expect(taken.body.fields).toEqual([{ field: 'code', message: '本考试已有该科目代码' }]);
    const bad = await admin.post(`${base}/subjects`).send({ ...practice('chemical'), name: '', questionTypes: [{ type: '案例分析题', count: 4, marks: 0 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([
      { field: 'name', message: '科目名称至少2个字' },
      { field: 'questionTypes.0.marks', message: '每题分值应大于0' },
    ]);
    expect(await ctx.db('exam_subjects').where({ exam_id: exam.id }).pluck('code')).toEqual(['law']);

    await ok(await admin.post(`${base}/subjects`).send(practice('chemical')), 201);
    const edited = await ok(await admin.put(`${base}/subjects/practice-chemical`).send({ ...practice('chemical'), code: 'practice-chem', name: '安全生产实务（化工安全）', questionTypes: [{ type: '案例分析题', count: 5, marks: 20 }] }));
    expect(edited.subjects.find((s) => s.code === 'practice-chem')).toEqual({
      code: 'practice-chem',
      name: '安全生产实务（化工安全）',
      shortName: '安全生产实务',
      majorCode: 'chemical',
      feeFen: 7000,
      questionTypes: [{ type: '案例分析题', count: 5, marks: 20 }],
    });
    expect((await admin.put(`${base}/subjects/practice-chemical`).send(practice('chemical'))).status).toBe(404);

    const deleted = await ok(await admin.delete(`${base}/subjects/practice-chem`));
    expect(deleted.subjects.map((s) => s.code)).toEqual(['law']);
    expect((await admin.delete(`${base}/subjects/practice-chem`)).status).toBe(404);
    expect(await auditOf('exam.subject.delete', `${exam.id}/practice-chem`)).toEqual([
      { actor: 'examadmin', result: 'success' },
      { actor: 'examadmin', result: 'failure' },
    ]);
  });

  it('M19 a subject bound to a level or scheduled in a session cannot be deleted', async () => {
    const view = await completeExam();
    const base = `/api/exams/${view.exam.id}`;
    const bound = await admin.delete(`${base}/subjects/practice-chemical`);
    expect(bound.status).toBe(409);
    expect(bound.body).toMatchObject({ code: 'SUBJECT_IN_USE', message: '科目「安全生产实务（chemical）」已被报考级别考全科、考增项、考单科和考试场次使用，不能删除' });

    for (const level of ['full', 'additional', 'single']) await ok(await admin.delete(`${base}/levels/${level}/subjects/practice-chemical`));
    const scheduled = await admin.delete(`${base}/subjects/practice-chemical`);
    expect(scheduled.status).toBe(409);
    expect(scheduled.body.message).toBe('科目「安全生产实务（chemical）」已被考试场次使用，不能删除');

    await ok(await admin.put(`${base}/sessions`).send({ sessions: view.exam.sessions.filter((s) => s.subjectCode !== 'practice-chemical') }));
    expect((await ok(await admin.delete(`${base}/subjects/practice-chemical`))).subjects.map((s) => s.code)).toEqual(['law', 'practice-construction']);
  });
});

describe('levels (M20)', () => {
  it('M20 adds 考全科, 考增项 and 考单科, binds and unbinds majors and subjects, deletes a level', async () => {
    const { exam } = await createExam();
    const base = `/api/exams/${exam.id}`;
    await ok(await admin.put(`${base}/majors`).send({ majorCodes: ['chemical', 'construction'] }));
    for (const subject of [law, practice('chemical'), practice('construction')]) await ok(await admin.post(`${base}/subjects`).send(subject), 201);

    const levels = await ok(await admin.post(`${base}/levels`).send({ code: 'additional' }), 201);
    expect(levels.levels).toEqual([{ code: 'additional', name: '考增项', requiresCertificate: true, majorCodes: [], subjectCodes: [] }]);
    await ok(await admin.post(`${base}/levels`).send({ code: 'full' }), 201);
    await ok(await admin.post(`${base}/levels`).send({ code: 'single', name: '单科报考', requiresCertificate: false }), 201);
    const duplicate = await admin.post(`${base}/levels`).send({ code: 'full' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.fields).toEqual([{ field: 'code', message: '本考试已设置该报考级别' }]);
    expect((await admin.post(`${base}/levels`).send({ code: 'double' })).body.fields).toEqual([{ field: 'code', message: '请选择报考级别' }]);

    await ok(await admin.put(`${base}/levels/full/majors/construction`));
    await ok(await admin.put(`${base}/levels/full/majors/chemical`));
    await ok(await admin.put(`${base}/levels/full/majors/chemical`)); // binding twice is binding once
    await ok(await admin.put(`${base}/levels/full/subjects/practice-chemical`));
    const bound = await ok(await admin.put(`${base}/levels/full/subjects/law`));
    // Display order: levels full/additional/single, majors by catalogue, public subjects first.
    expect(bound.levels.map((l) => l.code)).toEqual(['full', 'additional', 'single']);
    expect(bound.levels[0]).toEqual({ code: 'full', name: '考全科', requiresCertificate: false, majorCodes: ['chemical', 'construction'], subjectCodes: ['law', 'practice-chemical'] });
    expect(bound.levels[2]).toMatchObject({ name: '单科报考' });

    const notInExam = await admin.put(`${base}/levels/full/majors/metallurgy`);
    expect(notInExam.status).toBe(400);
    expect(notInExam.body.fields).toEqual([{ field: 'majorCode', message: '该专业不在本次考试的专业中，请先在「专业」中添加' }]);
    expect((await admin.put(`${base}/levels/full/subjects/practice-metallurgy`)).status).toBe(404);
    expect((await admin.put(`${base}/levels/full/majors/Bad_Code`)).status).toBe(400);

    const unbound = await ok(await admin.delete(`${base}/levels/full/majors/construction`));
    expect(unbound.levels[0]!.majorCodes).toEqual(['chemical']);
    const notBound = await admin.delete(`${base}/levels/full/majors/construction`);
    expect(notBound.status).toBe(404);
    expect(notBound.body.message).toBe('该报考级别未绑定此专业');
    expect((await ok(await admin.delete(`${base}/levels/full/subjects/practice-chemical`))).levels[0]!.subjectCodes).toEqual(['law']);

    const renamed = await ok(await admin.put(`${base}/levels/additional`).send({ name: '增报专业', requiresCertificate: true }));
    expect(renamed.levels[1]).toMatchObject({ code: 'additional', name: '增报专业', requiresCertificate: true });

    const deleted = await ok(await admin.delete(`${base}/levels/full`));
    expect(deleted.levels.map((l) => l.code)).toEqual(['additional', 'single']);
    expect(await ctx.db('exam_level_majors').where({ exam_id: exam.id })).toEqual([]);
    expect((await admin.delete(`${base}/levels/full`)).status).toBe(404);
    expect(await auditOf('exam.level.bind-major', `${exam.id}/full/chemical`)).toHaveLength(2);
    expect(await auditOf('exam.level.delete', `${exam.id}/full`)).toEqual([
      { actor: 'examadmin', result: 'success' },
      { actor: 'examadmin', result: 'failure' },
    ]);
  });
});

describe('fees (M21)', () => {
  it('M21 a subject costs 70 yuan unless set; fees are set per subject in fen; bad fees change nothing', async () => {
    const { exam } = await createExam();
    const base = `/api/exams/${exam.id}`;
    await ok(await admin.put(`${base}/majors`).send({ majorCodes: ['chemical'] }));
    await ok(await admin.post(`${base}/subjects`).send(law), 201);
    await ok(await admin.post(`${base}/subjects`).send({ ...practice('chemical'), feeFen: 8000 }), 201);

    const set = await ok(await admin.put(`${base}/fees`).send({ fees: [{ subjectCode: 'law', feeFen: 6550 }] }));
    expect(set.subjects.map((s) => [s.code, s.feeFen])).toEqual([
      ['law', 6550],
      ['practice-chemical', 8000],
    ]);

    const bad = await admin.put(`${base}/fees`).send({ fees: [{ subjectCode: 'law', feeFen: 70.5 }, { subjectCode: 'practice-chemical', feeFen: -100 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([
      { field: 'fees.0.feeFen', message: '费用须精确到分' },
      { field: 'fees.1.feeFen', message: '费用不能为负数' },
    ]);
    const unknown = await admin.put(`${base}/fees`).send({ fees: [{ subjectCode: 'law', feeFen: 1 }, { subjectCode: 'practice-road', feeFen: 7000 }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual([{ field: 'fees.1.subjectCode', message: '本考试没有科目「practice-road」' }]);
    expect(await ctx.db('exam_subjects').where({ exam_id: exam.id }).orderBy('code').pluck('fee_fen')).toEqual([6550, 8000]);
    expect(await auditOf('exam.fees', String(exam.id))).toEqual([
      { actor: 'examadmin', result: 'success' },
      { actor: 'examadmin', result: 'failure' },
      { actor: 'examadmin', result: 'failure' },
    ]);
  });
});

describe('publishing (M22)', () => {
  it('M22 publishing an inconsistent exam answers every problem at once and publishes nothing', async () => {
    const view = await completeExam();
    const base = `/api/exams/${view.exam.id}`;
    await ok(await admin.put(`${base}/fees`).send({ fees: [{ subjectCode: 'practice-construction', feeFen: 0 }] }));
    await ok(await admin.delete(`${base}/levels/full/subjects/law`));
    await ok(await admin.delete(`${base}/levels/single/majors/chemical`));
    await ok(await admin.delete(`${base}/levels/single/majors/construction`));
    await ok(await admin.put(`${base}/sessions`).send({ sessions: view.exam.sessions.filter((s) => s.subjectCode !== 'practice-chemical') }));

    const refused = await admin.post(`${base}/publish`);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('EXAM_NOT_PUBLISHABLE');
    expect(refused.body.message).toBe(`考试信息不完整或不一致，共${refused.body.fields.length}个问题，请修正后再发布`);
    expect(refused.body.fields).toEqual([
      { field: 'subjects.practice-construction.feeFen', message: '科目「安全生产实务（construction）」的费用应大于0元' },
      { field: 'levels.full.subjectCodes', message: '报考级别「考全科」须绑定公共科目' },
      { field: 'levels.single.majorCodes', message: '报考级别「考单科」未绑定专业' },
      { field: 'levels.single.subjectCodes', message: '报考级别「考单科」绑定了科目「安全生产实务（chemical）」，但未绑定其所属专业「化工安全」' },
      { field: 'levels.single.subjectCodes', message: '报考级别「考单科」绑定了科目「安全生产实务（construction）」，但未绑定其所属专业「建筑施工安全」' },
      { field: 'sessions.practice-chemical', message: '科目「安全生产实务（chemical）」未设置考试时间' },
    ]);
    const after = await ok(await admin.get(base));
    expect(after.exam.status).toBe('draft');
    expect(after.problems).toEqual(refused.body.fields);
    expect(await auditOf('exam.publish', String(view.exam.id))).toEqual([{ actor: 'examadmin', result: 'failure' }]);
  });

  it('M22 a published exam is frozen; names and dates change only if it stays consistent; unpublishing makes it a draft again', async () => {
    const view = await completeExam('2031-06-14');
    const id = view.exam.id;
    const base = `/api/exams/${id}`;
    expect(view.problems).toEqual([]);
    const published = await ok(await admin.post(`${base}/publish`));
    expect(published.exam.status).toBe('published');
    expect(Date.parse(published.publishedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect((await admin.post(`${base}/publish`)).status).toBe(409);

    const frozen = [
      await admin.put(`${base}/majors`).send({ majorCodes: ['chemical', 'construction', 'other'] }),
      await admin.post(`${base}/subjects`).send(practice('chemical')),
      await admin.put(`${base}/subjects/law`).send({ ...law, name: '法律法规' }),
      await admin.delete(`${base}/subjects/law`),
      await admin.put(`${base}/fees`).send({ fees: [{ subjectCode: 'law', feeFen: 1 }] }),
      await admin.post(`${base}/levels`).send({ code: 'full' }),
      await admin.delete(`${base}/levels/single`),
      await admin.delete(`${base}/levels/full/majors/chemical`),
      await admin.put(`${base}/levels/full/subjects/law`),
      await admin.put(base).send(basic(newCode())),
      await admin.put(base).send(basic(view.exam.code, '2031-06-14', { year: 2032 })),
    ];
    for (const res of frozen) {
      expect(res.status, `${res.request.method} ${res.request.url}`).toBe(409);
      expect(res.body.code).toBe('EXAM_PUBLISHED');
      expect(res.body.message).toBe('考试已发布，不能修改考试代码、考试年度、专业、科目、报考级别和费用；如需修改，请先取消发布');
    }
    const unchanged = await ok(await admin.get(base));
    expect({ ...unchanged, updatedAt: '' }).toEqual({ ...published, updatedAt: '' });

    // Extending the registration window keeps the exam consistent; opening ticket printing after the exam does not.
    const extended = await ok(await admin.put(base).send(basic(view.exam.code, '2031-06-14', { registrationEnd: '2031-04-05T17:00:00+08:00', name: '延长报名' })));
    expect(extended.exam).toMatchObject({ status: 'published', name: '延长报名', registrationEnd: '2031-04-05T09:00:00.000Z' });
    const broken = await admin.put(base).send(basic(view.exam.code, '2031-06-14', { ticketPrintStart: '2031-06-14T10:00:00+08:00' }));
    expect(broken.status).toBe(422);
    expect(broken.body).toMatchObject({ code: 'EXAM_INCONSISTENT', fields: [{ field: 'ticketPrintStart', message: '准考证打印开始时间应早于首场考试开始时间' }] });
    const movedSession = await admin.put(`${base}/sessions`).send({ sessions: view.exam.sessions.filter((s) => s.subjectCode !== 'law') });
    expect(movedSession.status).toBe(422);
    expect(movedSession.body.fields).toEqual([{ field: 'sessions.law', message: '科目「安全生产法律法规」未设置考试时间' }]);
    const current = await ok(await admin.get(base));
    expect(current.exam.ticketPrintStart).toBe(published.exam.ticketPrintStart);
    expect(current.exam.sessions).toEqual(published.exam.sessions);

    const draft = await ok(await admin.post(`${base}/unpublish`));
    expect(draft.exam.status).toBe('draft');
    expect(draft.publishedAt).toBeNull();
    expect((await admin.post(`${base}/unpublish`)).status).toBe(409);
    expect((await ok(await admin.put(`${base}/fees`).send({ fees: [{ subjectCode: 'law', feeFen: 7500 }] }))).subjects[0]!.feeFen).toBe(7500);
    expect(await auditOf('exam.publish', String(id))).toEqual([
      { actor: 'examadmin', result: 'success' },
      { actor: 'examadmin', result: 'failure' },
    ]);
    expect(await auditOf('exam.unpublish', String(id))).toEqual([
      { actor: 'examadmin', result: 'success' },
      { actor: 'examadmin', result: 'failure' },
    ]);
  });

  it('M22 a published exam open now shows its levels, subjects and fees to candidates; once someone registered it cannot be unpublished', async () => {
    const code = newCode();
    const examId = await createStandardExam(ctx.db, { code, name: `${code} 报名中的考试`, shortName: code, publish: true });
    const { agent } = await newCandidate(ctx, 'exam-setup', { confirmGuide: false });
    const open = ((await agent.get('/api/exams/open')).body as ExamSummary[]).find((e) => e.id === examId);
    expect(open).toBeDefined();
    expect(Date.parse(open!.paymentDeadline)).toBeGreaterThan(Date.parse(open!.registrationEnd));
    expect(open!.majors).toHaveLength(5);
    expect(open!.levels.map((l) => [l.code, l.requiresCertificate, l.majorCodes.length, l.subjectCodes.length])).toEqual([
      ['full', false, 5, 6],
      ['additional', true, 5, 5],
      ['single', false, 5, 6],
    ]);
    expect(open!.subjects[0]).toMatchObject({ code: 'law', name: '安全生产法律法规', majorCode: null, feeFen: 7000 });
    expect(open!.subjects.find((s) => s.code === 'practice-chemical')).toMatchObject({ name: '安全生产实务（化工安全）', majorCode: 'chemical', feeFen: 7000 });

    await confirmGuide(agent, examId);
    const registered = await agent.post('/api/registrations').send(await validApplication(ctx, { examId }));
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);

    const refused = await admin.post(`/api/exams/${examId}/unpublish`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'EXAM_HAS_REGISTRATIONS', message: '该考试已有1条报名记录，不能取消发布' });
    const still = await ok(await admin.get(`/api/exams/${examId}`));
    expect(still).toMatchObject({ exam: { status: 'published' }, registrationCount: 1, problems: [] });
  });
});

describe('access to exam set-up (M17-M22)', () => {
  it('M17 M22 candidates and reviewers are refused (403), anonymous callers 401; the refusals are audited', async () => {
    const view = await createExam();
    const { agent: candidate, username } = await newCandidate(ctx, 'exam-setup-403', { confirmGuide: false, photo: false });
    const reviewer = await signIn(ctx.app, 'reviewer1');
    const anonymous = await apiAgent(ctx.app);
    for (const agent of [candidate, reviewer]) {
      expect((await agent.get('/api/exams')).status).toBe(403);
      expect((await agent.get(`/api/exams/${view.exam.id}`)).status).toBe(403);
      expect((await agent.post('/api/exams').send(basic(newCode()))).status).toBe(403);
      expect((await agent.post(`/api/exams/${view.exam.id}/publish`)).status).toBe(403);
      expect((await agent.post('/api/majors').send({ code: 'hacked', name: '越权专业' })).status).toBe(403);
    }
    expect((await anonymous.get('/api/exams')).status).toBe(401);
    expect((await anonymous.put(`/api/exams/${view.exam.id}/fees`).send({ fees: [{ subjectCode: 'law', feeFen: 1 }] })).status).toBe(401);
    expect(await ctx.db('majors').where({ code: 'hacked' })).toHaveLength(0);
    expect(await ctx.db('audit_log').where({ actor: username, action: 'exam.publish', result: 'denied' })).toHaveLength(1);
  });
});
