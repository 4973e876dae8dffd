import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import type { RegistrationView, TimelineEntry } from '../../contracts/registration';
import type { InboxTask } from '../../contracts/task';
import { expectNoAccess } from '../../../../tests/support/idor';
import { createTestContext, demoExamId, eventually, idNumberFor, newCandidate, portraitJpeg, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';
import { pdfText } from '../../../../tests/support/pdf';
import { verifyCommitment } from './commitment-signature';
import { registrationCase } from '../../../../tests/support/inbox';

let ctx: TestContext;
let reviewer: supertest.Agent;

beforeAll(async () => {
  ctx = createTestContext();
  reviewer = await signIn(ctx.app, 'reviewer1');
});
afterAll(() => ctx.close());

/** Registrations of one user (other test files write registrations at the same time). */
const countRegistrations = async (username: string) =>
  Number((await ctx.db('registrations as r').join('users as u', 'u.id', 'r.user_id').where('u.username', username).count<{ count: string }[]>('* as count'))[0]!.count);

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
  it('M15 stores the confirmed form, starts exam-registration with the registration number as business key, and the DMN decision is recorded in plain Chinese', async () => {
    const { agent } = await newCandidate(ctx, 'submit');
    const { registration, task } = await submitAndAwaitReview(agent);
    expect(registration.registrationNo).toMatch(/^BM\d+\d{6}$/);
    expect(registration.idNumberMasked).toMatch(/^310\*+\d{3}[\dX]$/);
    expect(registration.editable).toBe(false);
    expect(registration.signedAt).not.toBeNull();

    const row = await ctx.db('registrations').where({ registration_no: registration.registrationNo }).first();
    const instance = await ctx.engine.processInstance(row.process_instance_id);
    expect(instance.businessKey).toBe(registration.registrationNo);

    const { year } = await ctx.db('exams').where({ id: registration.examId }).first();
    expect(registrationCase(task).precheckPassed).toBe(true);
    expect(registrationCase(task).precheckMessage).toBe(
      `大专学历（安全工程或相关专业）要求从事安全生产业务满2年（计算至${year}年12月31日，不含全日制学习时间）；按您填报的工作经历计算为${Number(row.safety_work_years)}年，符合报考条件。按工作年限报考，须核验工作经历`,
    );
    expect(registrationCase(task).candidateNameMasked).toBe('张**');
    const view = (await agent.get(`/api/registrations/${registration.registrationNo}`)).body as RegistrationView;
    expect(view).toMatchObject({ status: 'under-review', statusLabel: '待资格审核', district: '浦东新区', feeTotalFen: 14000, manualReview: true });
    expect(view.educations).toEqual([expect.objectContaining({ level: 'college', major: '安全工程', majorRelated: true, fullTime: true })]);
    expect(view.workPeriods).toHaveLength(1);
    expect(view.subjects.map((s) => s.code)).toEqual(expect.arrayContaining(['law', 'practice-chemical']));
  });

  it('M15 the check computes years to 31 December without full-time study, subjects and fee, and explains ineligibility; submitting it is refused', async () => {
    const { agent, username } = await newCandidate(ctx, 'check');
    const year = new Date().getFullYear();
    const { year: examYear } = await ctx.db('exams').where({ id: await demoExamId(ctx) }).first();
    const notEnough = await validApplication(ctx, {
      educations: [{ level: 'college', school: '上海某职业学院', major: '市场营销', fullTime: true, startDate: `${year - 4}-09-01`, graduationDate: `${year - 1}-07-01`, certificateNo: 'DZ2023000001' }],
      workPeriods: [
        { employer: '上海某物流公司', post: '仓库安全员', startDate: `${year - 2}-01-01`, endDate: `${year - 1}-06-30`, safetyWork: true },
        { employer: '上海某物流公司', post: '销售', startDate: `${year - 1}-07-01`, endDate: null, safetyWork: false },
      ],
    });
    const check = await agent.post('/api/registrations/check').send(notEnough);
    expect(check.status).toBe(200);
    // Only the safety work from Jan of year-2 to the end of June of year-1 counts, less the full-time study overlap (to 1 July of year-1).
    expect(check.body).toMatchObject({ eligible: false, countedUntil: `${examYear}-12-31`, qualifyingEducation: { level: 'college', majorRelated: false }, feeTotalFen: 14000 });
    expect(check.body.safetyWorkYears).toBe(0);
    expect(check.body.explanation).toBe(
      `大专学历（其他专业）要求从事安全生产业务满3年（计算至${examYear}年12月31日，不含全日制学习时间）；按您填报的工作经历计算为0年，不足3年，不符合报考条件`,
    );
    const before = await countRegistrations(username);
    const refused = await agent.post('/api/registrations').send(notEnough);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'NOT_ELIGIBLE', fields: [{ field: 'workPeriods', message: check.body.explanation }] });
    expect(await countRegistrations(username)).toBe(before);

    const ok = await agent.post('/api/registrations/check').send(await validApplication(ctx));
    expect(ok.body).toMatchObject({ eligible: true, manualReview: true, qualifyingEducation: { level: 'college', major: '安全工程', majorRelated: true } });
    expect(ok.body.safetyWorkYears).toBeGreaterThanOrEqual(year - 2012);
  });

  it('M15 a bachelor engaged in safety work is accepted without manual review and waits for payment (待缴费)', async () => {
    const { agent } = await newCandidate(ctx, 'auto');
    const res = await agent.post('/api/registrations').send(
      await validApplication(ctx, {
        educations: [{ level: 'bachelor', school: '同济大学', major: '土木工程', fullTime: true, startDate: '2010-09-01', graduationDate: '2014-07-01', certificateNo: '102471201405000321' }],
        workPeriods: [{ employer: '上海某建设集团', post: '安全员', startDate: '2014-08-01', endDate: null, safetyWork: true }],
      }),
    );
    expect(res.status).toBe(201);
    const view = await eventually(async () => {
      const v = (await agent.get(`/api/registrations/${res.body.registrationNo}`)).body as RegistrationView;
      return v.status === 'approved' ? v : undefined;
    }, 'the automatic acceptance');
    expect(view.statusLabel).toBe('待缴费');
    expect(view.manualReview).toBe(false);
    const row = await ctx.db('registrations').where({ registration_no: res.body.registrationNo }).first();
    await eventually(async () => (await ctx.engine.historicActivities(row.process_instance_id)).some((a) => a.activityId === 'Task_AwaitPayment' && a.endTime === null), 'the payment wait');
    expect((await ctx.engine.historicActivities(row.process_instance_id)).map((a) => a.activityId)).not.toContain('Task_QualificationReview');
  });

  it('M15 refuses bad input with a field-level message in Chinese and writes nothing', async () => {
    const { agent, username } = await newCandidate(ctx, 'invalid');
    const year = new Date().getFullYear();
    const before = await countRegistrations(username);
    const fieldsOf = (res: { body: { fields?: Array<{ field: string; message: string }> } }) => Object.fromEntries((res.body.fields ?? []).map((f) => [f.field, f.message]));
    const send = async (overrides: Record<string, unknown>) => agent.post('/api/registrations').send(await validApplication(ctx, overrides));

    const basic = await send({ idNumber: '31010119900101123X', phone: '123', fullName: '<script>alert(1)</script>' });
    expect(basic.status).toBe(400);
    expect(fieldsOf(basic)).toMatchObject({ phone: '手机号码应为11位中国大陆手机号', fullName: '姓名只能包含汉字、字母、间隔号' });
    expect(fieldsOf(await send({ idNumber: '310101199001011237' }))).toEqual({ idNumber: '身份证号码校验位不正确，请核对' });
    expect(fieldsOf(await send({ idNumber: idNumberFor('31010119900231123') }))).toEqual({ idNumber: '身份证号码中的出生日期不正确' });
    expect(fieldsOf(await send({ idNumber: idNumberFor(`310101${year - 16}0101123`) }))).toEqual({ idNumber: '报考人员须年满18周岁' });
    expect(fieldsOf(await send({ phone: '13900000000' }))).toEqual({ phone: '手机号码须与已验证绑定的手机号码一致' });
    expect(fieldsOf(await send({ district: '火星区' }))).toHaveProperty('district');
    expect(fieldsOf(await send({ workPeriods: [{ employer: '上海某公司', post: '安全员', startDate: `${year + 1}-01-01`, endDate: null, safetyWork: true }] }))).toEqual({
      'workPeriods[0].startDate': '开始日期不能晚于今天',
    });
    const overlapping = await send({
      workPeriods: [
        { employer: '上海甲公司', post: '安全员', startDate: '2012-01-01', endDate: '2018-12-31', safetyWork: true },
        { employer: '上海乙公司', post: '安全主管', startDate: '2018-06-01', endDate: null, safetyWork: true },
      ],
    });
    expect(fieldsOf(overlapping)).toEqual({ 'workPeriods[1].startDate': '与第1段工作经历的时间重叠' });
    expect(fieldsOf(await send({ workPeriods: [] }))).toEqual({ workPeriods: '请至少填写一段工作经历' });
    expect(fieldsOf(await send({ levelCode: 'single' }))).toEqual({ subjectCode: '考单科须选择一个报考科目' });
    expect(Object.keys(fieldsOf(await send({ levelCode: 'additional' })))).toEqual(['certificateNo', 'certificateAttachmentId']);
    expect(fieldsOf(await send({ commitmentAccepted: false }))).toEqual({ commitmentAccepted: '请阅读并签署告知承诺书' });

    const missing = await agent.post('/api/registrations').send({});
    expect(missing.status).toBe(400);
    expect((missing.body.fields as Array<{ field: string }>).map((f) => f.field)).toEqual(
      expect.arrayContaining(['examId', 'levelCode', 'majorCode', 'fullName', 'idNumber', 'phone', 'district', 'educations', 'workPeriods']),
    );
    const closedExam = await send({ examId: 999999 });
    expect(closedExam.status).toBe(400);
    expect(fieldsOf(closedExam)).toEqual({ examId: '该考试不在报名时间内，无法报名' });
    expect(await countRegistrations(username)).toBe(before);
  });

  it('M08 M09 M10 applying needs the bound phone, a checked photo and the confirmed guide', async () => {
    const fieldsOf = (res: { body: { fields?: Array<{ field: string; message: string }> } }) => Object.fromEntries((res.body.fields ?? []).map((f) => [f.field, f.message]));
    const { agent: noPhone } = await newCandidate(ctx, 'nophone', { bindPhone: false });
    expect(fieldsOf(await noPhone.post('/api/registrations').send(await validApplication(ctx)))).toEqual({ phone: '请先绑定并验证手机号码' });
    const { agent: noPhoto } = await newCandidate(ctx, 'nophoto', { photo: false });
    expect(fieldsOf(await noPhoto.post('/api/registrations').send(await validApplication(ctx)))).toEqual({ photo: '请先上传符合要求的照片' });
    const { agent: noGuide } = await newCandidate(ctx, 'noguide', { confirmGuide: false });
    expect(fieldsOf(await noGuide.post('/api/registrations').send(await validApplication(ctx)))).toEqual({ examId: '请先阅读并确认报考指南' });
  });

  it('M11 考单科 sits the one chosen subject; 考增项 sits 实务 only with the certificate uploaded; fees follow the subjects', async () => {
    const { agent } = await newCandidate(ctx, 'levels');
    const single = await agent.post('/api/registrations/check').send(await validApplication(ctx, { levelCode: 'single', subjectCode: 'law' }));
    expect(single.status).toBe(200);
    expect(single.body.subjects.map((s: { code: string }) => s.code)).toEqual(['law']);
    expect(single.body.feeTotalFen).toBe(7000);

    const notPdf = await agent.post('/api/registrations/attachments/certificate').set('content-type', 'application/octet-stream').send(Buffer.from('not a certificate'));
    expect(notPdf.status).toBe(400);
    expect(notPdf.body.fields[0].field).toBe('certificateAttachmentId');
    const upload = await agent.post('/api/registrations/attachments/certificate').set('content-type', 'image/jpeg').send(await portraitJpeg(800, 600, '#ffffff'));
    expect(upload.status).toBe(201);
    const additional = await agent.post('/api/registrations/check').send(
      await validApplication(ctx, { levelCode: 'additional', certificateNo: 'AQ2024310000123', certificateAttachmentId: upload.body.id }),
    );
    expect(additional.status).toBe(200);
    expect(additional.body.subjects.map((s: { code: string }) => s.code)).toEqual(['practice-chemical']);
    expect(additional.body).toMatchObject({ feeTotalFen: 7000, manualReview: true });
    // Someone else's upload does not count.
    const { agent: other } = await newCandidate(ctx, 'levels2');
    const stolen = await other.post('/api/registrations/check').send(await validApplication(ctx, { levelCode: 'additional', certificateNo: 'AQ2024310000123', certificateAttachmentId: upload.body.id }));
    expect(stolen.status).toBe(400);
    expect(stolen.body.fields).toEqual([{ field: 'certificateAttachmentId', message: '考增项须上传已取得的证书' }]);
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

  it('M03 M15 the confirmation is an SM2 signature over the canonical form; the form is locked until the candidate withdraws it', async () => {
    const { agent } = await newCandidate(ctx, 'lock');
    const application = await validApplication(ctx);
    const { registration } = await submitAndAwaitReview(agent, application);
    const row = await ctx.db('registrations').where({ registration_no: registration.registrationNo }).first();
    const signature = await ctx.db('registration_signatures').where({ registration_id: row.id }).first();
    expect(verifyCommitment(ctx.security.sm2, signature.content, signature.signature)).toBe(true);
    expect(verifyCommitment(ctx.security.sm2, { ...signature.content, signedAt: new Date(0).toISOString() }, signature.signature)).toBe(false);
    expect(JSON.stringify(signature.content)).not.toContain(String(application.idNumber));
    expect(signature.digest).toBe(registration.signatureDigest);

    const locked = await agent.put(`/api/registrations/${registration.registrationNo}`).send({ ...application, employer: '上海另一家公司' });
    expect(locked.status).toBe(409);
    expect(locked.body.code).toBe('REGISTRATION_LOCKED');

    const withdrawn = await agent.post(`/api/registrations/${registration.registrationNo}/withdraw`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'draft', editable: true, withdrawable: false, signedAt: null });
    await eventually(async () => (await ctx.engine.historicActivities(row.process_instance_id)).some((a) => a.activityId === 'End_Withdrawn'), 'the case to end at 已撤回确认');
    expect((await agent.post(`/api/registrations/${registration.registrationNo}/withdraw`)).status).toBe(409);

    const edited = await agent.put(`/api/registrations/${registration.registrationNo}`).send({ ...application, employer: '上海另一家公司' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'submitted', employer: '上海另一家公司', editable: false });
    const after = await ctx.db('registrations').where({ registration_no: registration.registrationNo }).first();
    expect(after.process_instance_id).not.toBe(row.process_instance_id);
    expect(await ctx.db('registration_signatures').where({ registration_id: row.id }).whereNull('withdrawn_at').count()).toEqual([{ count: '1' }]);
  });

  it('M15 the reviewer returns the form with marked items; the candidate corrects and re-signs; the case re-decides and the reviewer approves (待缴费)', async () => {
    const { agent } = await newCandidate(ctx, 'return');
    const application = await validApplication(ctx);
    const { registration, task } = await submitAndAwaitReview(agent, application);
    await reviewer.post(`/api/tasks/${task.id}/claim`).expect(204);
    const noItems = await reviewer.post(`/api/tasks/${task.id}/complete`).send({ decision: 'return' });
    expect(noItems.status).toBe(400);
    expect(noItems.body.fields).toEqual([{ field: 'returnItems', message: '退回修改时请标注需要修改的项目' }]);
    await reviewer
      .post(`/api/tasks/${task.id}/complete`)
      .send({ decision: 'return', comment: '请补充', returnItems: [{ item: 'workPeriods', note: '请填写2011年以来的完整工作经历及岗位' }] })
      .expect(204);
    const returned = await eventually(async () => {
      const v = (await agent.get(`/api/registrations/${registration.registrationNo}`)).body as RegistrationView;
      return v.status === 'returned' ? v : undefined;
    }, 'the return to be recorded');
    expect(returned).toMatchObject({ statusLabel: '退回修改', editable: true, returnItems: [{ item: 'workPeriods', note: '请填写2011年以来的完整工作经历及岗位' }] });
    const timeline = (await agent.get(`/api/registrations/${registration.registrationNo}/timeline`)).body as TimelineEntry[];
    expect(timeline.at(-1)).toMatchObject({ title: '待修改报名信息', detail: '工作经历：请填写2011年以来的完整工作经历及岗位', state: 'current' });
    const row = await ctx.db('registrations').where({ registration_no: registration.registrationNo }).first();
    await eventually(async () => (await ctx.engine.queryTasks({ processInstanceBusinessKey: registration.registrationNo, taskDefinitionKey: 'Task_CandidateCorrection' })).length === 1, 'the correction task');

    // Another candidate cannot complete it.
    const { agent: intruder } = await newCandidate(ctx, 'return-x');
    expect([403, 404]).toContain((await intruder.put(`/api/registrations/${registration.registrationNo}`).send(application)).status);

    const corrected = await agent.put(`/api/registrations/${registration.registrationNo}`).send({
      ...application,
      workPeriods: [
        { employer: '上海某化工有限公司', post: '安全管理员', startDate: '2011-08-01', endDate: '2019-12-31', safetyWork: true },
        { employer: '上海某化工有限公司', post: '安全主管', startDate: '2020-01-01', endDate: null, safetyWork: true },
      ],
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body.workPeriods).toHaveLength(2);
    const again = await eventually(async () => {
      const inbox = await reviewer.get('/api/tasks?tab=todo');
      return (inbox.body as InboxTask[]).find((t) => t.businessKey === registration.registrationNo);
    }, 'the review task after the correction');
    expect(again.id).not.toBe(task.id);
    await reviewer.post(`/api/tasks/${again.id}/claim`).expect(204);
    await reviewer.post(`/api/tasks/${again.id}/complete`).send({ decision: 'approve', comment: '材料齐全' }).expect(204);
    const approved = await eventually(async () => {
      const v = (await agent.get(`/api/registrations/${registration.registrationNo}`)).body as RegistrationView;
      return v.status === 'approved' ? v : undefined;
    }, 'the approval');
    expect(approved.statusLabel).toBe('待缴费');
    const activities = (await ctx.engine.historicActivities(row.process_instance_id)).map((a) => a.activityId);
    expect(activities.filter((a) => a === 'Task_Eligibility')).toHaveLength(2);
    expect(activities).toContain('Task_CandidateCorrection');
  });

  it('U9 the reviewer approves: the case moves on and the candidate sees the timeline up to 待缴费', async () => {
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
    expect(view.statusLabel).toBe('待缴费');
    expect(view.reviewComment).toBe('材料齐全');

    const timeline = (await agent.get(`/api/registrations/${registration.registrationNo}/timeline`)).body as TimelineEntry[];
    expect(timeline.map((e) => [e.title, e.state])).toEqual([
      ['确认报名信息并签署告知承诺书', 'done'],
      ['报考条件判定完成，转资格审核', 'done'],
      ['资格审核通过', 'done'],
      ['待缴费', 'current'],
    ]);
    // The candidate sees the office, staff see the name.
    expect(timeline[2]!.actor).toBe('资格审核人员');
    const staffView = (await signIn(ctx.app, 'examadmin')).get(`/api/registrations/${registration.registrationNo}/timeline`);
    expect(((await staffView).body as TimelineEntry[])[2]!.actor).toBe('王审核');

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
    expect((await agent.post(`/api/registrations/${registration.registrationNo}/withdraw`)).status).toBe(409);
  });

  it('S1 a candidate cannot see, download or act on another candidate\'s registration (IDOR)', async () => {
    const { agent: owner } = await newCandidate(ctx, 'owner');
    const { agent: intruder } = await newCandidate(ctx, 'intruder');
    const { registration, task } = await submitAndAwaitReview(owner);
    await expectNoAccess(intruder, [
      { method: 'get', path: `/api/registrations/${registration.registrationNo}` },
      { method: 'get', path: `/api/registrations/${registration.registrationNo}/timeline` },
      { method: 'get', path: `/api/registrations/${registration.registrationNo}/form.pdf` },
      { method: 'post', path: `/api/registrations/${registration.registrationNo}/withdraw` },
      { method: 'get', path: '/api/tasks' },
      { method: 'post', path: `/api/tasks/${task.id}/claim` },
      { method: 'post', path: `/api/tasks/${task.id}/complete`, body: { decision: 'approve' } },
    ]);
    expect((await intruder.get('/api/registrations/mine')).body).toEqual([]);
    expect((await (await import('supertest')).default(ctx.app.app).get('/api/registrations/mine')).status).toBe(401);
  });

  it('M04 the candidate downloads the registration form as a PDF with the photo, education and work history', async () => {
    const { agent } = await newCandidate(ctx, 'pdf');
    const res = await agent.post('/api/registrations').send(await validApplication(ctx));
    const pdf = await agent.get(`/api/registrations/${res.body.registrationNo}/form.pdf`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const body = pdf.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(body);
    expect(text).toContain('上海应用技术学院');
    expect(text).toContain('安全管理员');
    expect(text).toContain(res.body.registrationNo);
    // The photo is embedded as an image.
    expect(body.includes(Buffer.from('/Subtype /Image')) || body.includes(Buffer.from('/Subtype/Image'))).toBe(true);
  });
});

describe('registration and its case stay together (M15)', () => {
  /** The API with an engine client that fails as told; everything else is the test context's. */
  async function appWithEngine(engine: import('../../engine/engine-client').EngineClient): Promise<{ agent: supertest.Agent; username: string }> {
    const { createApp } = await import('../../app');
    const pino = (await import('pino')).default;
    const { apiAgent, loginBody } = await import('../../../../tests/support/test-env');
    const app = createApp({
      config: { sessionSecret: 'x'.repeat(32), sessionIdleMinutes: 30, databaseUrl: ctx.env.databaseUrl },
      db: ctx.db,
      engine,
      documents: undefined as never,
      security: ctx.security,
      log: pino({ level: 'silent' }),
    });
    const { username } = await newCandidate(ctx, 'nodeng');
    const agent = await apiAgent(app);
    expect((await agent.post('/api/auth/login').send(await loginBody(agent, username, 'Test@2026'))).status).toBe(200);
    return { agent, username };
  }

  it('M15 when the engine cannot start the case, the application is refused with 503 and nothing is stored', async () => {
    const { EngineError } = await import('../../engine/engine-client');
    // Decisions evaluate, starting the case fails.
    const engine = Object.create(ctx.engine) as typeof ctx.engine;
    engine.startProcess = () => Promise.reject(new EngineError(503, 'Unavailable', 'engine stopping'));
    const { agent, username } = await appWithEngine(engine);
    const before = await countRegistrations(username);
    const res = await agent.post('/api/registrations').send(await validApplication(ctx));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 'UNAVAILABLE', message: '报名系统暂时繁忙，报名未提交，请稍后再试' });
    expect(await countRegistrations(username)).toBe(before);
  });

  it('M15 when the engine cannot evaluate the eligibility decision, the candidate is told to retry and nothing is stored', async () => {
    const { EngineClient } = await import('../../engine/engine-client');
    const { agent, username } = await appWithEngine(new EngineClient('http://127.0.0.1:9/engine-rest', 'u', 'p', 2_000));
    const before = await countRegistrations(username);
    const res = await agent.post('/api/registrations').send(await validApplication(ctx));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 'UNAVAILABLE', message: '报考条件判定暂时不可用，请稍后再试' });
    expect(await countRegistrations(username)).toBe(before);
  });

  it('M15 a registration left without its case gets it on resume, and an existing case is linked, never started twice', async () => {
    const { RegistrationRepository } = await import('./registration.repository');
    const { RegistrationService } = await import('./registration.service');
    const { ExamRepository } = await import('../exams/exam.repository');
    const repo = new RegistrationRepository(ctx.db, ctx.security);
    const exams = new ExamRepository(ctx.db);
    const service = new RegistrationService(ctx.db, ctx.security, ctx.engine, { registrations: repo });
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
          identity_type: 'mainland',
          gender: 'M',
          birth_date: '1990-01-01',
          district: '黄浦区',
          subject_codes: 'law',
          fee_total_fen: 7000,
          safety_work_months: 24,
          photo_id: null,
          certificate_no: null,
          certificate_attachment_id: null,
          signed_at: new Date(),
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
    // A bachelor engaged in safety work: the resumed case decides and accepts it without a reviewer.
    await eventually(async () => (await ctx.db('registrations').where({ registration_no: lost }).first()).status === 'approved', 'the resumed case to run');
  });
});
