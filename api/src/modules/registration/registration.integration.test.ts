import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import type { RegistrationView, TimelineEntry } from '../../contracts/registration';
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

const countRegistrations = async () => Number((await ctx.db('registrations').count<{ count: string }[]>('* as count'))[0]!.count);

/** Submits an application and waits until the pre-check worker has handed it to the reviewers. */
async function submitAndAwaitReview(agent: supertest.Agent, overrides: Record<string, unknown> = {}): Promise<{ registration: RegistrationView; task: InboxTask }> {
  const res = await agent.post('/api/registrations').send(await validApplication(ctx, overrides));
  expect(res.status).toBe(201);
  const registration = res.body as RegistrationView;
  const task = await eventually(async () => {
    const inbox = await reviewer.get('/api/tasks?tab=todo');
    return (inbox.body as InboxTask[]).find((t) => t.businessKey === registration.registrationNo);
  }, 'the review task');
  return { registration, task };
}

describe('registration API (M15, M04, U9)', () => {
  it('M15 stores the application, starts exam-registration with the registration number as business key, and the pre-check worker records its result', async () => {
    const { agent } = await newCandidate(ctx, 'submit');
    const { registration, task } = await submitAndAwaitReview(agent, { education: 'college', educationMajorRelated: false, safetyWorkYears: 1 });
    expect(registration.registrationNo).toMatch(/^BM\d+\d{6}$/);
    expect(registration.idNumberMasked).toMatch(/^310\*+\d{3}[\dX]$/);

    const row = await ctx.db('registrations').where({ registration_no: registration.registrationNo }).first();
    const instance = await ctx.engine.processInstance(row.process_instance_id);
    expect(instance.businessKey).toBe(registration.registrationNo);

    expect(task.precheckPassed).toBe(false);
    expect(task.precheckMessage).toBe('大专学历（其他专业）要求从事安全生产工作满3年，填报1年，不足');
    expect(task.candidateNameMasked).toBe('张**');
    const view = (await agent.get(`/api/registrations/${registration.registrationNo}`)).body as RegistrationView;
    expect(view.status).toBe('under-review');
    expect(view.statusLabel).toBe('待资格审核');
  });

  it('M15 refuses an invalid application with field errors in Chinese and writes nothing', async () => {
    const { agent } = await newCandidate(ctx, 'invalid');
    const before = await countRegistrations();
    const res = await agent.post('/api/registrations').send(await validApplication(ctx, { idNumber: '31010119900101123X', phone: '123', fullName: '<script>' }));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION');
    const fields = Object.fromEntries((res.body.fields as Array<{ field: string; message: string }>).map((f) => [f.field, f.message]));
    expect(fields.phone).toBe('手机号码应为11位中国大陆手机号');
    expect(fields.fullName).toBe('姓名只能包含汉字、字母、间隔号');

    const badChecksum = await agent.post('/api/registrations').send(await validApplication(ctx, { idNumber: '310101199001011237' }));
    expect(badChecksum.status).toBe(400);
    expect(badChecksum.body.fields).toEqual([{ field: 'idNumber', message: '身份证号码校验位不正确，请核对' }]);

    const missing = await agent.post('/api/registrations').send({});
    expect(missing.status).toBe(400);
    expect((missing.body.fields as Array<{ field: string }>).map((f) => f.field)).toEqual(expect.arrayContaining(['examId', 'levelCode', 'majorCode', 'fullName', 'idNumber', 'phone']));

    const closedExam = await agent.post('/api/registrations').send(await validApplication(ctx, { examId: 999999 }));
    expect(closedExam.status).toBe(400);
    expect(closedExam.body.fields[0].field).toBe('examId');
    expect(await countRegistrations()).toBe(before);
  });

  it('M15 refuses a second registration of the same person for the same exam', async () => {
    const { agent } = await newCandidate(ctx, 'dup');
    const application = await validApplication(ctx);
    expect((await agent.post('/api/registrations').send(application)).status).toBe(201);
    const again = await agent.post('/api/registrations').send({ ...application, majorCode: 'other' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'DUPLICATE_REGISTRATION', message: '您已报名过该考试，不能重复报名' });
    // The same ID number from another account is the same person.
    const { agent: other } = await newCandidate(ctx, 'dup2');
    expect((await other.post('/api/registrations').send(application)).status).toBe(409);
  });

  it('U9 the reviewer approves: the case moves on and the candidate sees the timeline up to 等待缴费', async () => {
    const { agent } = await newCandidate(ctx, 'approve');
    const { registration, task } = await submitAndAwaitReview(agent);
    // Completing before claiming is refused.
    expect((await reviewer.post(`/api/tasks/${task.id}/complete`).send({ decision: 'approve' })).status).toBe(403);
    expect((await reviewer.post(`/api/tasks/${task.id}/claim`)).status).toBe(204);
    const other = await signIn(ctx.app, 'reviewer2');
    expect((await other.post(`/api/tasks/${task.id}/claim`)).status).toBe(409);
    expect((await reviewer.post(`/api/tasks/${task.id}/complete`).send({ decision: 'approve', comment: '材料齐全' })).status).toBe(204);

    const view = await eventually(async () => {
      const v = (await agent.get(`/api/registrations/${registration.registrationNo}`)).body as RegistrationView;
      return v.status === 'approved' ? v : undefined;
    }, 'the approval to be recorded');
    expect(view.statusLabel).toBe('审核通过，待缴费');
    expect(view.reviewComment).toBe('材料齐全');

    const timeline = (await agent.get(`/api/registrations/${registration.registrationNo}/timeline`)).body as TimelineEntry[];
    expect(timeline.map((e) => [e.title, e.state])).toEqual([
      ['提交报名', 'done'],
      ['资格预检通过', 'done'],
      ['资格审核通过', 'done'],
      ['等待缴费', 'current'],
    ]);
    expect(timeline[2]!.actor).toBe('王审核');

    const row = await ctx.db('registrations').where({ registration_no: registration.registrationNo }).first();
    await eventually(
      async () => (await ctx.engine.historicActivities(row.process_instance_id)).some((a) => a.activityId === 'Task_AwaitPayment' && a.endTime === null),
      'the case to wait for payment',
    );
  });

  it('U9 the reviewer rejects with a reason: the case ends and the candidate sees why', async () => {
    const { agent } = await newCandidate(ctx, 'reject');
    const { registration, task } = await submitAndAwaitReview(agent);
    await reviewer.post(`/api/tasks/${task.id}/claim`).expect(204);
    const noReason = await reviewer.post(`/api/tasks/${task.id}/complete`).send({ decision: 'reject' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields).toEqual([{ field: 'comment', message: '不通过时必须填写理由' }]);
    await reviewer.post(`/api/tasks/${task.id}/complete`).send({ decision: 'reject', comment: '工作年限证明不足' }).expect(204);

    await eventually(async () => ((await agent.get(`/api/registrations/${registration.registrationNo}`)).body as RegistrationView).status === 'rejected', 'the rejection');
    const timeline = (await agent.get(`/api/registrations/${registration.registrationNo}/timeline`)).body as TimelineEntry[];
    expect(timeline.at(-1)).toMatchObject({ title: '资格审核不通过', detail: '工作年限证明不足', state: 'failed' });
    const row = await ctx.db('registrations').where({ registration_no: registration.registrationNo }).first();
    await eventually(async () => (await ctx.engine.historicActivities(row.process_instance_id)).some((a) => a.activityId === 'End_Rejected'), 'the rejected end event');
  });

  it('S1 a candidate cannot see, download or act on another candidate\'s registration (IDOR)', async () => {
    const { agent: owner } = await newCandidate(ctx, 'owner');
    const { agent: intruder } = await newCandidate(ctx, 'intruder');
    const { registration, task } = await submitAndAwaitReview(owner);
    await expectNoAccess(intruder, [
      { method: 'get', path: `/api/registrations/${registration.registrationNo}` },
      { method: 'get', path: `/api/registrations/${registration.registrationNo}/timeline` },
      { method: 'get', path: `/api/registrations/${registration.registrationNo}/form.pdf` },
      { method: 'get', path: '/api/tasks' },
      { method: 'post', path: `/api/tasks/${task.id}/claim` },
      { method: 'post', path: `/api/tasks/${task.id}/complete`, body: { decision: 'approve' } },
    ]);
    expect((await intruder.get('/api/registrations/mine')).body).toEqual([]);
    expect((await (await import('supertest')).default(ctx.app.app).get('/api/registrations/mine')).status).toBe(401);
  });

  it('M04 the candidate downloads the registration form as a PDF', async () => {
    const { agent } = await newCandidate(ctx, 'pdf');
    const res = await agent.post('/api/registrations').send(await validApplication(ctx));
    const pdf = await agent.get(`/api/registrations/${res.body.registrationNo}/form.pdf`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('registration and its case stay together (M15)', () => {
  it('M15 when the engine cannot start the case, the application is refused with 503 and nothing is stored', async () => {
    const { createApp } = await import('../../app');
    const { EngineClient } = await import('../../engine/engine-client');
    const pino = (await import('pino')).default;
    const { apiAgent, loginBody } = await import('../../../../tests/support/test-env');
    const { app: deadEngineApp } = {
      app: createApp({
        config: { sessionSecret: 'x'.repeat(32), sessionIdleMinutes: 30, databaseUrl: ctx.env.databaseUrl },
        db: ctx.db,
        engine: new EngineClient('http://127.0.0.1:9/engine-rest', 'u', 'p', 2_000),
        documents: undefined as never,
        security: ctx.security,
        log: pino({ level: 'silent' }),
      }),
    };
    const { username } = await newCandidate(ctx, 'nodeng');
    const agent = await apiAgent(deadEngineApp);
    expect((await agent.post('/api/auth/login').send(await loginBody(agent, username, 'Test@2026'))).status).toBe(200);
    const before = await countRegistrations();
    const res = await agent.post('/api/registrations').send(await validApplication(ctx));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 'UNAVAILABLE', message: '报名系统暂时繁忙，报名未提交，请稍后再试' });
    expect(await countRegistrations()).toBe(before);
  });

  it('M15 a registration left without its case gets it on resume, and an existing case is linked, never started twice', async () => {
    const { RegistrationRepository } = await import('./registration.repository');
    const { RegistrationService } = await import('./registration.service');
    const { ExamRepository } = await import('../exams/exam.repository');
    const { DataScope } = await import('../../auth/data-scope');
    const repo = new RegistrationRepository(ctx.db, ctx.security);
    const exams = new ExamRepository(ctx.db);
    const service = new RegistrationService(ctx.db, repo, exams, ctx.engine, new DataScope(ctx.db));
    const code = `R${String(Date.now()).slice(-6)}`;
    const day = 86_400_000;
    const examId = await exams.create(
      { code, name: `${code} 续办测试`, short_name: code, year: 2026, registration_start: new Date(Date.now() - day), registration_end: new Date(Date.now() + day), status: 'published' },
      ['other'],
    );
    /** A registration committed by an API that stopped before it started the case. */
    const orphan = async (no: string, username: string) => {
      const user = await ctx.db('users').where({ username }).first();
      const idNumber = String((await validApplication(ctx)).idNumber);
      await ctx.db.transaction((trx) =>
        repo.insert(trx, {
          registration_no: no,
          exam_id: examId,
          user_id: user.id,
          level_code: 'full',
          major_code: 'other',
          full_name: '断点续办',
          id_number: idNumber,
          phone: '13800000000',
          employer: '上海某单位',
          education: 'bachelor',
          education_major_related: true,
          safety_work_years: 2,
          status: 'submitted',
        }),
      );
    };
    const lost = `BM${code}000001`;
    const linked = `BM${code}000002`;
    await orphan(lost, 'candidate1');
    await orphan(linked, 'candidate2');
    const already = await ctx.engine.startProcess('exam-registration', linked, { registrationNo: linked, examCode: code });

    await service.resumeUnstartedCases(-60_000);
    const rows = await ctx.db('registrations').whereIn('registration_no', [lost, linked]).orderBy('registration_no');
    expect(rows.every((r) => r.process_instance_id)).toBe(true);
    expect(rows[1].process_instance_id).toBe(already.id);
    expect(await ctx.engine.processInstancesByBusinessKey('exam-registration', linked)).toHaveLength(1);
    await eventually(async () => (await ctx.db('registrations').where({ registration_no: lost }).first()).status === 'under-review', 'the resumed case to run');
  });
});
