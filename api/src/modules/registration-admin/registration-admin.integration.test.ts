import ExcelJS from 'exceljs';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../contracts/auth';
import type { RegistrationAdminDetail, RegistrationSearchPage, RegistrationStatistics } from '../../contracts/registration-admin';
import type { EducationLevel, LevelCode, RegistrationStatus } from '../../contracts/registration';
import { transportKey } from '../../contracts/security';
import { DataScope } from '../../auth/data-scope';
import { hashPassword } from '../../auth/password';
import { UserRepository } from '../../auth/user.repository';
import { ExamRepository } from '../exams/exam.repository';
import { RegistrationRepository } from '../registration/registration.repository';
import { expectNoAccess } from '../../../../tests/support/idor';
import { createTestContext, encryptForTransport, idNumberFor, signIn, uniqueIdNumber, type TestContext } from '../../../../tests/support/test-env';

let ctx: TestContext;
let repo: RegistrationRepository;
let admin: supertest.Agent;
beforeAll(async () => {
  ctx = createTestContext();
  repo = new RegistrationRepository(ctx.db, ctx.security);
  admin = await signIn(ctx.app, 'examadmin');
});
afterAll(() => ctx.close());

const api = '/api/registration-admin';
let serial = 0;
const unique = () => `${process.pid % 1000}${Date.now() % 100000}${++serial}`;

interface Person {
  name: string;
  level: LevelCode;
  major: 'chemical' | 'construction';
  district: string | null;
  gender: 'M' | 'F' | null;
  birth: string | null;
  education: EducationLevel;
  status: RegistrationStatus;
  subjects: string;
  fee: number;
  certificate?: string;
}

/**
 * Four registrations of one exam (year 2026). None is `submitted`: a submitted row without a case
 * would be picked up by the resume step of the registration module.
 */
const people: Person[] = [
  { name: '张三丰', level: 'full', major: 'chemical', district: '浦东新区', gender: 'M', birth: '1990-05-01', education: 'bachelor', status: 'under-review', subjects: 'law,practice-chemical', fee: 14000 },
  { name: '李四', level: 'full', major: 'construction', district: '黄浦区', gender: 'F', birth: '1975-01-01', education: 'college', status: 'returned', subjects: 'law,practice-construction', fee: 14000 },
  { name: '王五', level: 'additional', major: 'chemical', district: '浦东新区', gender: 'M', birth: '2003-03-03', education: 'master', status: 'approved', subjects: 'practice-chemical', fee: 7000, certificate: 'ZS123456' },
  { name: '张小明', level: 'full', major: 'chemical', district: null, gender: null, birth: null, education: 'secondary', status: 'rejected', subjects: 'law,practice-chemical', fee: 14000 },
];

interface Seeded {
  examId: number;
  code: string;
  rows: Array<{ no: string; id: number; idNumber: string; phone: string }>;
}

async function newUser(label: string, roles: RoleCode[]): Promise<{ id: number; username: string }> {
  const username = `h3-${label}-${unique()}`.slice(0, 60);
  const kind = roles.includes('candidate') ? 'candidate' : 'staff';
  const id = await new UserRepository(ctx.db, ctx.security).upsertUser({ username, displayName: `测试${label}`, kind, passwordHash: await hashPassword('Test@2026'), bureau: null }, roles);
  return { id, username };
}

/** An exam with two majors, 公共科目 law, one practice subject per major, levels full and additional (certificate), and the four people. */
async function seedExam(label: string): Promise<Seeded> {
  const code = `H${unique()}`.slice(0, 16).toUpperCase();
  const day = 86_400_000;
  const examId = await new ExamRepository(ctx.db).create(
    { code, name: `${label}测试考试${code}`, short_name: code, year: 2026, registration_start: new Date(Date.now() - 10 * day), registration_end: new Date(Date.now() + 10 * day), status: 'published' },
    ['chemical', 'construction'],
  );
  const subjects = await ctx.db('exam_subjects')
    .insert([
      { exam_id: examId, code: 'law', name: '安全生产法律法规', short_name: '法规', major_code: null, fee_fen: 7000 },
      { exam_id: examId, code: 'practice-chemical', name: '安全生产实务（化工安全）', short_name: '化工实务', major_code: 'chemical', fee_fen: 7000 },
      { exam_id: examId, code: 'practice-construction', name: '安全生产实务（建筑施工安全）', short_name: '建筑实务', major_code: 'construction', fee_fen: 8000 },
    ])
    .returning<Array<{ id: number; code: string }>>(['id', 'code']);
  const levels = await ctx.db('exam_levels')
    .insert([
      { exam_id: examId, level_code: 'full', name: '考全科', requires_certificate: false },
      { exam_id: examId, level_code: 'additional', name: '考增项', requires_certificate: true },
    ])
    .returning<Array<{ id: number; level_code: string }>>(['id', 'level_code']);
  for (const level of levels) {
    await ctx.db('exam_level_majors').insert(['chemical', 'construction'].map((major_code) => ({ exam_id: examId, level_id: level.id, major_code })));
    const bound = subjects.filter((s) => level.level_code === 'full' || s.code !== 'law');
    await ctx.db('exam_level_subjects').insert(bound.map((s) => ({ exam_id: examId, level_id: level.id, subject_id: s.id })));
  }

  const rows: Seeded['rows'] = [];
  for (const [i, p] of people.entries()) {
    const user = await newUser(`cand${i}`, ['candidate']);
    const idNumber = p.birth ? idNumberFor(`310101${p.birth.replaceAll('-', '')}${String(100 + i)}`) : uniqueIdNumber();
    const phone = `1390000${String(1000 + i)}`;
    const no = `BM${code}${String(i + 1).padStart(6, '0')}`;
    const id = await ctx.db.transaction((trx) =>
      repo.insert(trx, {
        registration_no: no,
        exam_id: examId,
        user_id: user.id,
        level_code: p.level,
        major_code: p.major,
        full_name: p.name,
        id_number: idNumber,
        phone,
        employer: '上海某化工有限公司',
        education: p.education,
        education_major_related: true,
        safety_work_years: 3,
        status: p.status,
        identity_type: 'mainland',
        gender: p.gender,
        birth_date: p.birth,
        district: p.district,
        subject_codes: p.subjects,
        fee_total_fen: p.fee,
        safety_work_months: 36,
        photo_id: null,
        certificate_no: p.certificate ?? null,
        certificate_attachment_id: null,
        signed_at: new Date(),
      }),
    );
    rows.push({ no, id, idNumber, phone });
  }
  return { examId, code, rows };
}

const search = (agent: supertest.Agent, params: Record<string, string | number>) => agent.get(`${api}/registrations`).query(params);
const numbersOf = (res: supertest.Response) => (res.body as RegistrationSearchPage).items.map((i) => i.registrationNo);

async function transportPublicKey(agent: supertest.Agent): Promise<string> {
  return transportKey.parse((await agent.get('/api/security/transport-key')).body).publicKey;
}

/** A correction as the console sends it: the phone SM2-encrypted. */
async function correct(agent: supertest.Agent, no: string, body: Record<string, unknown>): Promise<supertest.Response> {
  return agent.post(`${api}/registrations/${no}/corrections`).send(encryptForTransport(await transportPublicKey(agent), body, ['phone']));
}

/** Everything a correction could touch: the stored row (seal included) and its correction records. */
async function snapshot(id: number) {
  return {
    row: await ctx.db('registrations').where({ id }).first(),
    corrections: await ctx.db('registration_corrections').where({ registration_id: id }).count<{ count: string }[]>('* as count'),
    events: await ctx.db('registration_events').where({ registration_id: id }).count<{ count: string }[]>('* as count'),
  };
}

describe('registration data for exam admins (M23)', () => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedExam('查询');
  });

  it('M23 search by exact ID number finds the row through the blind index; another ID number finds nothing; ID and phone are masked', async () => {
    const target = seeded.rows[1]!;
    const found = await search(admin, { idNumber: target.idNumber });
    expect(found.status).toBe(200);
    expect(numbersOf(found)).toEqual([target.no]);
    const row = (found.body as RegistrationSearchPage).items[0]!;
    expect(row).toMatchObject({ fullName: '李四', status: 'returned', statusLabel: '退回修改', district: '黄浦区', majorName: '建筑施工安全' });
    expect(row.idNumberMasked).toBe(`${target.idNumber.slice(0, 3)}***********${target.idNumber.slice(-4)}`);
    expect(row.phoneMasked).toBe(`${target.phone.slice(0, 3)}****${target.phone.slice(-4)}`);
    expect(JSON.stringify(found.body)).not.toContain(target.idNumber);
    expect(JSON.stringify(found.body)).not.toContain(target.phone);

    const other = await search(admin, { idNumber: uniqueIdNumber() });
    expect(other.status).toBe(200);
    expect((other.body as RegistrationSearchPage).total).toBe(0);
    // Lower-case x is the same ID number.
    const withX = seeded.rows.find((r) => r.idNumber.endsWith('X'));
    if (withX) expect(numbersOf(await search(admin, { idNumber: withX.idNumber.toLowerCase() }))).toEqual([withX.no]);
  });

  it('M23 search by part of the name, by status, level, major and district, with paging and sorting', async () => {
    const examId = seeded.examId;
    const [zhang, li, wang, xiaoming] = seeded.rows.map((r) => r.no);
    expect(numbersOf(await search(admin, { examId, fullName: '张', sort: 'registrationNo', order: 'asc' }))).toEqual([zhang, xiaoming]);
    expect(numbersOf(await search(admin, { examId, fullName: '三丰' }))).toEqual([zhang]);
    // LIKE wildcards are searched for as text, not as patterns.
    expect((await search(admin, { examId, fullName: '_' })).body.total).toBe(0);
    expect((await search(admin, { examId, fullName: '%' })).body.total).toBe(0);
    expect(numbersOf(await search(admin, { examId, status: 'approved' }))).toEqual([wang]);
    expect(numbersOf(await search(admin, { examId, status: 'rejected' }))).toEqual([xiaoming]);
    expect(numbersOf(await search(admin, { examId, levelCode: 'additional' }))).toEqual([wang]);
    expect(numbersOf(await search(admin, { examId, majorCode: 'construction' }))).toEqual([li]);
    expect(numbersOf(await search(admin, { examId, district: '浦东新区', sort: 'registrationNo', order: 'asc' }))).toEqual([zhang, wang]);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await search(admin, { examId, submittedFrom: today, submittedTo: today })).body.total).toBe(4);
    expect((await search(admin, { examId, submittedTo: '2020-01-01' })).body.total).toBe(0);

    const page1 = await search(admin, { examId, pageSize: 3, page: 1, sort: 'registrationNo', order: 'desc' });
    expect(page1.body).toMatchObject({ total: 4, page: 1, pageSize: 3 });
    expect(numbersOf(page1)).toEqual([xiaoming, wang, li]);
    expect(numbersOf(await search(admin, { examId, pageSize: 3, page: 2, sort: 'registrationNo', order: 'desc' }))).toEqual([zhang]);

    const audit = await ctx.db('audit_log').where({ actor: 'examadmin', action: 'registration.search', object_id: String(examId) }).count<{ count: string }[]>('* as count');
    expect(Number(audit[0]!.count)).toBeGreaterThan(0);
  });

  it('M23 a bad search is refused with 400 naming the field', async () => {
    const cases: Array<[Record<string, string | number>, string]> = [
      [{ idNumber: '12345' }, 'idNumber'],
      [{ pageSize: 101 }, 'pageSize'],
      [{ status: 'paid-twice' }, 'status'],
      [{ submittedFrom: '2026-02-30' }, 'submittedFrom'],
      [{ submittedFrom: '2026-03-02', submittedTo: '2026-03-01' }, 'submittedTo'],
      [{ sort: 'id_number' }, 'sort'],
      [{ examId: 'abc' }, 'examId'],
    ];
    for (const [query, field] of cases) {
      const res = await search(admin, query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.fields[0].field).toBe(field);
      expect(res.body.fields[0].message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('M23 details show the whole registration: education, work periods, subjects, timeline and signatures; the view is audited', async () => {
    const target = seeded.rows[0]!;
    await ctx.db.transaction(async (trx) => {
      await repo.writeHistory(
        trx,
        target.id,
        [{ level: 'bachelor', school: '上海理工大学', major: '安全工程', majorRelated: true, fullTime: true, startDate: '2008-09-01', graduationDate: '2012-07-01', certificateNo: 'BY20120001' }],
        [{ employer: '上海某化工有限公司', post: '安全员', startDate: '2012-08-01', endDate: null, safetyWork: true }],
      );
      await repo.addEvent(trx, target.id, { kind: 'submitted', title: '提交报名', actor: '张三丰', idempotencyKey: `h3-submitted:${target.no}` });
      await repo.addSignature(trx, { registrationId: target.id, userId: (await trx('registrations').where({ id: target.id }).first()).user_id, content: { letter: '告知承诺书' }, digest: 'ab'.repeat(32), signature: '3045', keyId: 'platform-v1', signedAt: new Date('2026-03-01T02:00:00Z'), templateVersion: 1 });
    });
    const res = await admin.get(`${api}/registrations/${target.no}`);
    expect(res.status).toBe(200);
    const d = res.body as RegistrationAdminDetail;
    expect(d).toMatchObject({
      registrationNo: target.no,
      fullName: '张三丰',
      levelCode: 'full',
      majorName: '化工安全',
      subjects: [
        { code: 'law', name: '安全生产法律法规' },
        { code: 'practice-chemical', name: '安全生产实务（化工安全）' },
      ],
      feeTotalFen: 14000,
      gender: 'M',
      birthDate: '1990-05-01',
      district: '浦东新区',
      status: 'under-review',
      safetyWorkMonths: 36,
    });
    expect(d.educations).toEqual([expect.objectContaining({ school: '上海理工大学', major: '安全工程', graduationDate: '2012-07-01' })]);
    expect(d.workPeriods).toEqual([expect.objectContaining({ post: '安全员', startDate: '2012-08-01', endDate: null })]);
    expect(d.events.map((e) => e.title)).toContain('提交报名');
    expect(d.signatures).toEqual([{ signedAt: '2026-03-01T02:00:00.000Z', digest: 'ab'.repeat(32), keyId: 'platform-v1', withdrawnAt: null }]);
    expect(d.correctable).toEqual(['fullName', 'employer', 'district', 'phone', 'levelCode', 'majorCode']);
    expect(JSON.stringify(d)).not.toContain(target.idNumber);
    expect(JSON.stringify(d)).not.toContain(target.phone);
    const audit = await ctx.db('audit_log').where({ actor: 'examadmin', action: 'registration.view', object_id: target.no }).first<{ result: string }>('result');
    expect(audit?.result).toBe('success');

    // Approved: level and major are no longer offered for correction.
    expect(((await admin.get(`${api}/registrations/${seeded.rows[2]!.no}`)).body as RegistrationAdminDetail).correctable).toEqual(['fullName', 'employer', 'district', 'phone']);
    expect((await admin.get(`${api}/registrations/BM${seeded.code}999999`)).status).toBe(404);

    const openapi = await admin.get('/api/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/registration-admin/registrations/{registrationNo}/corrections', '/registration-admin/statistics/export.xlsx']));
  });

  it('M23 a reviewer of another exam sees nothing of this one; a reviewer of this exam sees it but cannot correct; a candidate gets 403', async () => {
    const target = seeded.rows[0]!;
    // reviewer1 reviews the demo exam only.
    const outsider = await signIn(ctx.app, 'reviewer1');
    await expectNoAccess(outsider, [
      { method: 'get', path: `${api}/registrations?examId=${seeded.examId}` },
      { method: 'get', path: `${api}/registrations/${target.no}` },
      { method: 'get', path: `${api}/statistics?examId=${seeded.examId}&dimension=level` },
      { method: 'get', path: `${api}/statistics/export.xlsx?examId=${seeded.examId}&dimension=level` },
      { method: 'post', path: `${api}/registrations/${target.no}/corrections`, body: { fullName: '张三', reason: '身份证姓名为张三' } },
    ]);
    const all = await search(outsider, { idNumber: target.idNumber });
    expect(all.status).toBe(200);
    expect((all.body as RegistrationSearchPage).total).toBe(0);
    const options = await outsider.get(`${api}/options`);
    expect(options.body.exams.map((e: { id: number }) => e.id)).not.toContain(seeded.examId);

    const insider = await newUser('reviewer', ['exam-reviewer']);
    await new DataScope(ctx.db).assignReviewer(seeded.examId, insider.id);
    const reviewer = await signIn(ctx.app, insider.username, 'Test@2026');
    expect(numbersOf(await search(reviewer, { idNumber: target.idNumber }))).toEqual([target.no]);
    const detail = await reviewer.get(`${api}/registrations/${target.no}`);
    expect(detail.status).toBe(200);
    expect((detail.body as RegistrationAdminDetail).correctable).toEqual([]);
    expect((await correct(reviewer, target.no, { fullName: '张三', reason: '身份证姓名为张三' })).status).toBe(403);
    expect((await reviewer.get(`${api}/statistics`).query({ examId: seeded.examId, dimension: 'level' })).body.total).toBe(4);

    const candidate = await signIn(ctx.app, 'candidate1');
    for (const path of [`${api}/registrations`, `${api}/registrations/${target.no}`, `${api}/statistics?dimension=level`, `${api}/statistics/export.xlsx?dimension=level`, `${api}/options`]) {
      expect((await candidate.get(path)).status, path).toBe(403);
    }
    expect((await correct(candidate, target.no, { fullName: '张三', reason: '身份证姓名为张三' })).status).toBe(403);
  });

  it('M23 a row altered outside the application is left out of the search, and its details and corrections are refused', async () => {
    const target = seeded.rows[3]!;
    await ctx.db('registrations').where({ id: target.id }).update({ full_name: '张大明' });
    const found = await search(admin, { examId: seeded.examId, sort: 'registrationNo', order: 'asc' });
    expect(numbersOf(found)).toEqual(seeded.rows.slice(0, 3).map((r) => r.no));
    const detail = await admin.get(`${api}/registrations/${target.no}`);
    expect(detail.status).toBe(500);
    expect(detail.body.code).toBe('INTEGRITY');
    const corrections = await ctx.db('registration_corrections').where({ registration_id: target.id }).count<{ count: string }[]>('* as count');
    expect((await correct(admin, target.no, { employer: '上海另一化工有限公司', reason: '更正工作单位名称' })).status).toBe(500);
    expect(await ctx.db('registration_corrections').where({ registration_id: target.id }).count<{ count: string }[]>('* as count')).toEqual(corrections);
  });
});

describe('corrections of registrations (M23)', () => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedExam('更正');
  });

  it('M23 a correction stores before, after and reason in the same transaction, masks the phone, re-seals the row and is audited', async () => {
    const target = seeded.rows[0]!;
    const before = await snapshot(target.id);
    const res = await correct(admin, target.no, { fullName: '张三峰', phone: '13912345678', district: '闵行区', employer: '上海某化工有限公司', reason: '考生来电，身份证姓名为张三峰，手机号码已更换' });
    expect(res.status).toBe(201);
    const d = res.body as RegistrationAdminDetail;
    expect(d).toMatchObject({ fullName: '张三峰', district: '闵行区', phoneMasked: '139****5678' });
    // The employer given is the same as before: not a change, not recorded.
    expect(d.corrections.map((c) => c.field).sort()).toEqual(['district', 'fullName', 'phone']);
    expect(d.corrections.find((c) => c.field === 'fullName')).toMatchObject({ fieldLabel: '姓名', before: '张三丰', after: '张三峰', reason: '考生来电，身份证姓名为张三峰，手机号码已更换', correctedBy: 'examadmin', correctedByName: '钱考务' });
    expect(d.corrections.find((c) => c.field === 'phone')).toMatchObject({ before: '139****1000', after: '139****5678' });
    expect(d.events.map((e) => e.title)).toContain('报名信息已更正');

    const stored = await ctx.db('registration_corrections').where({ registration_id: target.id });
    expect(stored).toHaveLength(3);
    expect(JSON.stringify(stored)).not.toContain('13912345678');
    expect(JSON.stringify(stored)).not.toContain(target.phone);
    // The phone is stored as ciphertext; the row carries a new seal that holds on the next read.
    const row = await ctx.db('registrations').where({ id: target.id }).first();
    expect(row.phone).not.toContain('13912345678');
    expect(row.row_mac).not.toBe(before.row.row_mac);
    const reread = await repo.findByNo(target.no);
    expect(reread).toMatchObject({ full_name: '张三峰', phone: '13912345678', district: '闵行区' });
    expect((await admin.get(`${api}/registrations/${target.no}`)).status).toBe(200);
    expect(numbersOf(await search(admin, { examId: seeded.examId, fullName: '三峰' }))).toEqual([target.no]);

    const audit = await ctx.db('audit_log').where({ actor: 'examadmin', action: 'registration.correct', object_id: target.no }).first<{ result: string }>('result');
    expect(audit?.result).toBe('success');
  });

  it('M23 level and major may be corrected before approval: subjects and fee follow the exam; after approval they may not', async () => {
    const underReview = seeded.rows[1]!; // 李四, full, construction, returned
    const res = await correct(admin, underReview.no, { majorCode: 'chemical', reason: '考生申请更正报考专业为化工安全' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ majorCode: 'chemical', majorName: '化工安全', subjects: [{ code: 'law' }, { code: 'practice-chemical' }], feeTotalFen: 14000 });
    expect((res.body as RegistrationAdminDetail).corrections[0]).toMatchObject({ field: 'majorCode', before: '建筑施工安全', after: '化工安全' });
    expect(await repo.findByNo(underReview.no)).toMatchObject({ major_code: 'chemical', subject_codes: 'law,practice-chemical', fee_total_fen: 14000 });

    // 考增项 asks for a certificate already held, which only the candidate can give.
    const toAdditional = await correct(admin, underReview.no, { levelCode: 'additional', reason: '考生申请改为考增项' });
    expect(toAdditional.status).toBe(400);
    expect(toAdditional.body.fields).toEqual([{ field: 'levelCode', message: '该报考级别须由考生上传已取得的证书，请退回考生修改' }]);

    const approved = seeded.rows[2]!;
    const before = await snapshot(approved.id);
    const refused = await correct(admin, approved.no, { majorCode: 'construction', fullName: '王武', reason: '考生申请更正报考专业' });
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([{ field: 'majorCode', message: '报名状态为「待缴费」，不能再更正报考级别和专业' }]);
    expect(await snapshot(approved.id)).toEqual(before);
  });

  it('M23 a correction without a reason, with a field that may not be corrected, with nothing changed or with the phone in clear is refused with 400 and writes nothing', async () => {
    const target = seeded.rows[3]!;
    const before = await snapshot(target.id);
    const cases: Array<[Record<string, unknown>, string, boolean]> = [
      [{ fullName: '张晓明' }, 'reason', true],
      [{ fullName: '张晓明', reason: '   ' }, 'reason', true],
      [{ fullName: '张晓明', reason: '原因' }, 'reason', true],
      [{ idNumber: uniqueIdNumber(), reason: '身份证号码填错了' }, 'idNumber', true],
      [{ status: 'approved', reason: '直接改为审核通过' }, 'status', true],
      [{ reason: '没有更正任何内容' }, 'changes', true],
      [{ fullName: '张小明', reason: '姓名与原来相同' }, 'changes', true],
      [{ district: '浦西区', reason: '更正所在区' }, 'district', true],
      [{ phone: '12345', reason: '更正手机号码' }, 'phone', true],
      [{ fullName: 'x<script>', reason: '更正姓名' }, 'fullName', true],
      [{ phone: '13912345678', reason: '手机号码明文传输' }, 'phone', false],
    ];
    for (const [body, field, encrypted] of cases) {
      const res = encrypted ? await correct(admin, target.no, body) : await admin.post(`${api}/registrations/${target.no}/corrections`).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.fields.map((f: { field: string }) => f.field), JSON.stringify(body)).toContain(field);
      expect(res.body.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(await snapshot(target.id)).toEqual(before);
    const failed = await ctx.db('audit_log').where({ actor: 'examadmin', action: 'registration.correct', object_id: target.no, result: 'failure' }).count<{ count: string }[]>('* as count');
    expect(Number(failed[0]!.count)).toBe(cases.length);
  });

  it('M23 the corrections table is append-only', async () => {
    const target = seeded.rows[0]!;
    await expect(ctx.db('registration_corrections').where({ registration_id: target.id }).update({ reason: '改写历史' })).rejects.toThrow(/append-only/);
    await expect(ctx.db('registration_corrections').where({ registration_id: target.id }).delete()).rejects.toThrow(/append-only/);
  });
});

describe('registration statistics (M24)', () => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedExam('统计');
  });

  const stats = async (params: Record<string, string | number>) => {
    const res = await admin.get(`${api}/statistics`).query(params);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as RegistrationStatistics;
  };
  const counts = (s: RegistrationStatistics) => Object.fromEntries(s.rows.map((r) => [r.label, r.count]));

  it('M24 counts per level, major, subject, status, district, education, age band and gender match the registrations', async () => {
    const examId = seeded.examId;
    const level = await stats({ examId, dimension: 'level' });
    expect(level).toMatchObject({ examId, dimension: 'level', dimensionLabel: '报考级别', total: 4, status: null });
    expect(level.scopeLabel).toContain(seeded.code);
    expect(level.rows).toEqual([
      { key: 'full', label: '考全科', count: 3, share: 0.75 },
      { key: 'additional', label: '考增项', count: 1, share: 0.25 },
    ]);
    expect(counts(await stats({ examId, dimension: 'major' }))).toEqual({ 化工安全: 3, 建筑施工安全: 1 });
    const subject = await stats({ examId, dimension: 'subject' });
    expect(subject.total).toBe(4);
    expect(counts(subject)).toEqual({ 安全生产法律法规: 3, '安全生产实务（化工安全）': 3, '安全生产实务（建筑施工安全）': 1 });
    expect(counts(await stats({ examId, dimension: 'status' }))).toEqual({ 待资格审核: 1, 退回修改: 1, 待缴费: 1, 审核不通过: 1 });
    const district = await stats({ examId, dimension: 'district' });
    expect(district.rows.map((r) => [r.key, r.count])).toEqual([
      ['黄浦区', 1],
      ['浦东新区', 2],
      ['unknown', 1],
    ]);
    expect(district.rows.at(-1)!.label).toBe('未填写');
    expect(counts(await stats({ examId, dimension: 'education' }))).toEqual({ 中专: 1, 大专: 1, 本科: 1, 硕士研究生: 1 });
    // Age reached in 2026: 1990 → 36, 1975 → 51, 2003 → 23, one without a birth date.
    expect((await stats({ examId, dimension: 'ageBand' })).rows.map((r) => [r.key, r.label, r.count])).toEqual([
      ['under-25', '25岁以下', 1],
      ['35-44', '35～44岁', 1],
      ['45-54', '45～54岁', 1],
      ['unknown', '未填写', 1],
    ]);
    expect(counts(await stats({ examId, dimension: 'gender' }))).toEqual({ 男: 2, 女: 1, 未填写: 1 });
    // A status filter narrows every count.
    expect(await stats({ examId, dimension: 'major', status: 'approved' })).toMatchObject({ total: 1, rows: [{ key: 'chemical', count: 1, share: 1 }] });

    // All exams: at least these four, and the groups add up to the total.
    const all = await stats({ dimension: 'level' });
    expect(all.examId).toBeNull();
    expect(all.scopeLabel).toBe('全部考试');
    expect(all.total).toBeGreaterThanOrEqual(4);
    expect(all.rows.reduce((sum, r) => sum + r.count, 0)).toBe(all.total);

    const bad = await admin.get(`${api}/statistics`).query({ examId, dimension: 'shoe-size' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].field).toBe('dimension');
    expect((await admin.get(`${api}/statistics`).query({ examId: 99_999_999, dimension: 'level' })).status).toBe(404);
  });

  it('M24 the Excel export is a valid workbook with the same numbers as the table', async () => {
    const examId = seeded.examId;
    const table = await stats({ examId, dimension: 'subject' });
    const res = await admin
      .get(`${api}/statistics/export.xlsx`)
      .query({ examId, dimension: 'subject' })
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('报名统计-报考科目.xlsx'));

    const workbook = new ExcelJS.Workbook();
    // exceljs types its input as an ArrayBuffer; a copy gives one of exactly the file's bytes.
    await workbook.xlsx.load(new Uint8Array(res.body as Buffer).buffer);
    const sheet = workbook.getWorksheet('报名统计')!;
    const values: unknown[][] = [];
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    expect(values[0]![0]).toBe('报名信息统计（按报考科目）');
    expect(String(values[1]![0])).toContain(seeded.code);
    const header = values.findIndex((v) => v[0] === '报考科目');
    expect(values[header]).toEqual(['报考科目', '人数', '占比']);
    const body = values.slice(header + 1, header + 1 + table.rows.length);
    expect(body).toEqual(table.rows.map((r) => [r.label, r.count, r.share]));
    expect(values[header + 1 + table.rows.length]!.slice(0, 2)).toEqual(['报名人数（合计）', 4]);

    const audit = await ctx.db('audit_log').where({ actor: 'examadmin', action: 'registration.statistics-export', object_id: String(examId) }).first<{ result: string }>('result');
    expect(audit?.result).toBe('success');
  });
});
