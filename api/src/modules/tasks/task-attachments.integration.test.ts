import crypto from 'node:crypto';
import sharp from 'sharp';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView } from '../../contracts/cases';
import type { InboxTask } from '../../contracts/task';
import type { TaskAttachment } from '../../contracts/task-attachments';
import { DataScope } from '../../auth/data-scope';
import { UserRepository } from '../../auth/user.repository';
import { hashPassword } from '../../auth/password';
import { createStandardExam } from '../exams/demo-exam';
import { expectNoAccess } from '../../../../tests/support/idor';
import { lineModel } from '../../../../tests/support/bpmn-models';
import { samplePdf } from '../../../../tests/support/pdf';
import { createTestContext, eventually, newCandidate, signIn, validApplication, type TestContext } from '../../../../tests/support/test-env';

let ctx: TestContext;
let r1: supertest.Agent;
let r2: supertest.Agent;
let outsider: supertest.Agent;
const run = `${process.pid}x${Date.now() % 1_000_000}`;

const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const fieldsOf = (res: supertest.Response) => (res.body as { fields?: Array<{ field: string; message: string }> }).fields ?? [];
const binary = (req: supertest.Test) =>
  req.buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });

function upload(agent: supertest.Agent, taskId: string, fileName: string | undefined, data: Buffer, type = 'application/pdf'): supertest.Test {
  const req = agent.post(`/api/tasks/${taskId}/attachments`).set('content-type', type);
  return (fileName === undefined ? req : req.query({ fileName })).send(data);
}

async function list(agent: supertest.Agent, taskId: string): Promise<TaskAttachment[]> {
  const res = await agent.get(`/api/tasks/${taskId}/attachments`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as TaskAttachment[];
}

/** A new case of the demo exam waiting for qualification review, and its review task. */
async function newCase(label: string): Promise<{ registrationNo: string; task: InboxTask; candidate: supertest.Agent }> {
  const { agent: candidate } = await newCandidate(ctx, label);
  const created = await candidate.post('/api/registrations').send(await validApplication(ctx));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const registrationNo = created.body.registrationNo as string;
  const task = await eventually(async () => ((await r1.get('/api/tasks').query({ q: registrationNo })).body as InboxTask[])[0], `the review task of ${registrationNo}`);
  return { registrationNo, task, candidate };
}

beforeAll(async () => {
  ctx = createTestContext();
  [r1, r2] = await Promise.all([signIn(ctx.app, 'reviewer1'), signIn(ctx.app, 'reviewer2')]);
  // A reviewer of another exam only.
  const code = `A${String(Date.now()).slice(-6)}`;
  const examId = await createStandardExam(ctx.db, { code, name: `${code} 附件测试考试`, shortName: code, majorCodes: ['chemical'], publish: true });
  const username = `ra${code}`.toLowerCase();
  const id = await new UserRepository(ctx.db, ctx.security).upsertUser(
    { username, displayName: username, kind: 'staff', passwordHash: await hashPassword('Review@2026'), bureau: null },
    ['exam-reviewer'],
  );
  await new DataScope(ctx.db).assignReviewer(examId, id);
  outsider = await signIn(ctx.app, username, 'Review@2026');
});
afterAll(() => ctx.close());

describe('task attachments (U6)', () => {
  let c: Awaited<ReturnType<typeof newCase>>;
  let kept: TaskAttachment;
  const pdf = samplePdf(`review-${run}`);
  const fileName = '学历核查说明（第1版）.pdf';

  it('U6: a reviewer uploads a PDF to a review task; colleagues of the group list it and download the same bytes with their SHA-256, the UTF-8 file name and nosniff', async () => {
    c = await newCase('att-a');
    const res = await upload(r1, c.task.id, fileName, pdf);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    kept = res.body as TaskAttachment;
    expect(kept).toMatchObject({
      taskId: c.task.id,
      taskName: '资格审核',
      processInstanceId: c.task.processInstanceId,
      fileName,
      mimeType: 'application/pdf',
      sizeBytes: pdf.length,
      sha256: sha256(pdf),
      uploadedBy: 'reviewer1',
      canDelete: true,
      url: `/api/tasks/${c.task.id}/attachments/${kept.id}`,
    });
    const row = await ctx.db('task_attachments').where({ id: kept.id }).first();
    expect(row).toMatchObject({ task_id: c.task.id, process_instance_id: c.task.processInstanceId, business_key: c.registrationNo, sha256: sha256(pdf) });

    // A colleague of the same group (the task is unclaimed) sees it, but may not delete it.
    const listed = await list(r2, c.task.id);
    expect(listed).toEqual([{ ...kept, canDelete: false }]);

    const file = await binary(r2.get(kept.url));
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body as Buffer, pdf)).toBe(0);
    expect(sha256(file.body as Buffer)).toBe(kept.sha256);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="attachment-[0-9a-f]{8}\.pdf"; filename\*=UTF-8''[A-Za-z0-9%._-]+$/);
    expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(file.headers['content-disposition'] as string)![1]!)).toBe(fileName);

    // An image is re-encoded; a name without the right ending gets it.
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 120, b: 200 } } }).png().toBuffer();
    const image = await upload(r2, c.task.id, '现场照片', png, 'image/png');
    expect(image.status, JSON.stringify(image.body)).toBe(201);
    expect(image.body).toMatchObject({ fileName: '现场照片.png', mimeType: 'image/png', uploadedBy: 'reviewer2' });

    const audited = await ctx.db('audit_log').where({ action: 'task.attachment.upload', actor: 'reviewer1', object_id: `${c.task.id}/${kept.id}`, result: 'success' });
    expect(audited).toHaveLength(1);
  });

  it('U6: a renamed .exe, a file over 10 MB, a missing or bad file name are refused with 400 naming the field, and nothing is stored', async () => {
    const before = await ctx.db('task_attachments').where({ task_id: c.task.id }).count<Array<{ count: string }>>({ count: '*' });

    const exe = await upload(r1, c.task.id, 'setup.pdf', Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(2048, 1)]));
    expect(exe.status).toBe(400);
    expect(fieldsOf(exe)).toEqual([{ field: 'file', message: '附件只能是JPG、PNG、PDF格式的文件' }]);

    const large = await upload(r1, c.task.id, 'big.pdf', Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)]));
    expect(large.status).toBe(400);
    expect(fieldsOf(large)).toEqual([{ field: 'file', message: '附件不能超过10MB' }]);

    const empty = await upload(r1, c.task.id, 'empty.pdf', Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(fieldsOf(empty)).toEqual([{ field: 'file', message: '请上传附件' }]);

    const noName = await upload(r1, c.task.id, undefined, pdf);
    expect(noName.status).toBe(400);
    expect(fieldsOf(noName)[0]?.field).toBe('fileName');
    const slash = await upload(r1, c.task.id, '../etc/passwd.pdf', pdf);
    expect(slash.status).toBe(400);
    expect(fieldsOf(slash)[0]?.field).toBe('fileName');
    const long = await upload(r1, c.task.id, `${'长'.repeat(101)}.pdf`, pdf);
    expect(fieldsOf(long)).toEqual([{ field: 'fileName', message: '附件文件名不能超过100个字' }]);

    const after = await ctx.db('task_attachments').where({ task_id: c.task.id }).count<Array<{ count: string }>>({ count: '*' });
    expect(after).toEqual(before);
  });

  it('U6: a reviewer of another exam and the candidate reach none of the attachments (403/404); a colleague cannot delete another\'s file; the uploader deletes their own', async () => {
    const paths = [
      { method: 'get' as const, path: `/api/tasks/${c.task.id}/attachments` },
      { method: 'get' as const, path: kept.url },
      { method: 'delete' as const, path: kept.url },
    ];
    await expectNoAccess(outsider, paths);
    await expectNoAccess(c.candidate, paths);
    expect([403, 404]).toContain((await upload(outsider, c.task.id, 'x.pdf', pdf)).status);
    expect([403, 404]).toContain((await upload(c.candidate, c.task.id, 'x.pdf', pdf)).status);
    expect((await r1.get(`/api/tasks/${c.task.id}/attachments/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await r1.get(`/api/tasks/${crypto.randomUUID()}/attachments`)).status).toBe(404);
    expect((await r1.get(`/api/tasks/${c.task.id}/attachments/not-a-uuid`)).status).toBe(400);

    const other = (await upload(r1, c.task.id, '待删除.pdf', samplePdf(`delete-${run}`)).expect(201)).body as TaskAttachment;
    const refused = await r2.delete(other.url);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('只能删除自己上传的附件');
    expect((await r1.delete(other.url)).status).toBe(204);
    expect((await list(r1, c.task.id)).map((a) => a.id)).not.toContain(other.id);
    expect((await r1.get(other.url)).status).toBe(404);
    expect((await r1.delete(other.url)).status).toBe(404);
    const audited = await ctx.db('audit_log').where({ action: 'task.attachment.delete', actor: 'reviewer1', object_id: `${c.task.id}/${other.id}` }).pluck('result');
    expect(audited).toEqual(['success', 'failure']);
  });

  it('U6: once the task is completed no more uploads or deletions; staff who can see the case still download, the case view lists them for staff only', async () => {
    await r1.post(`/api/tasks/${c.task.id}/claim`).expect(204);
    const done = await r1.post(`/api/tasks/${c.task.id}/complete`).send({ decision: 'approve', comment: '材料齐全，同意报考' });
    expect(done.status, JSON.stringify(done.body)).toBe(204);

    const late = await upload(r1, c.task.id, '补充.pdf', pdf);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('TASK_CLOSED');
    expect((await r1.delete(kept.url)).status).toBe(409);
    expect(await ctx.db('task_attachments').where({ task_id: c.task.id, file_name: '补充.pdf' })).toEqual([]);

    // Who held the task and staff of the exam read on; the uploader cannot delete any more.
    expect((await list(r1, c.task.id)).find((a) => a.id === kept.id)?.canDelete).toBe(false);
    const again = await binary(r2.get(kept.url));
    expect(again.status).toBe(200);
    expect(sha256(again.body as Buffer)).toBe(sha256(pdf));
    const admin = await signIn(ctx.app, 'examadmin');
    expect((await binary(admin.get(kept.url))).status).toBe(200);
    await expectNoAccess(outsider, [{ method: 'get', path: kept.url }, { method: 'post', path: `/api/tasks/${c.task.id}/attachments?fileName=x.pdf`, body: {} }]);
    await expectNoAccess(c.candidate, [{ method: 'get', path: kept.url }, { method: 'get', path: `/api/tasks/${c.task.id}/attachments` }]);

    const staff = (await r1.get(`/api/cases/${c.registrationNo}`).expect(200)).body as CaseView;
    const docs = staff.documents.filter((d) => d.kind === 'task-attachment');
    expect(docs.map((d) => d.url)).toContain(kept.url);
    expect(docs.find((d) => d.url === kept.url)?.title).toContain(fileName);
    const own = (await c.candidate.get(`/api/cases/${c.registrationNo}`).expect(200)).body as CaseView;
    expect(own.staffView).toBe(false);
    expect(own.documents.filter((d) => d.kind === 'task-attachment')).toEqual([]);
  });

  it('U6 U3: the generic approval form completes with uploaded files referenced by id; an id of another task is refused and nothing is completed', async () => {
    const designer = await signIn(ctx.app, 'designer');
    const key = `attachments-${run}`;
    const tasks = [{ id: 'Task_Approve', name: '审批', attrs: 'camunda:assignee="reviewer1" camunda:formKey="app:generic-approval"' }];
    await designer.post(`/api/processes/models/${key}/versions`).send({ xml: lineModel(key, tasks), comment: '附件审批' }).expect(201);
    await ctx.engine.startProcess(key, `${key}-1`, {});
    const task = (await ctx.engine.queryTasks({ processInstanceBusinessKey: `${key}-1` }))[0]!;

    // Only who may act on the task uploads: the assignee, not a reviewer outside it.
    expect((await upload(r2, task.id, '越权.pdf', pdf)).status).toBe(403);
    const mine = (await upload(r1, task.id, '审批依据.pdf', samplePdf(`approve-${run}`)).expect(201)).body as TaskAttachment;

    const foreign = await r1.post(`/api/task-forms/tasks/${task.id}/complete`).send({ data: { decision: 'approve' }, attachmentIds: [mine.id, kept.id] });
    expect(foreign.status).toBe(400);
    expect(fieldsOf(foreign)).toEqual([{ field: 'attachmentIds.1', message: '所选附件不属于该待办，请重新上传' }]);
    const twice = await r1.post(`/api/task-forms/tasks/${task.id}/complete`).send({ data: { decision: 'approve' }, attachmentIds: [mine.id, mine.id] });
    expect(fieldsOf(twice)[0]?.field).toBe('attachmentIds');
    expect((await ctx.engine.getTask(task.id)).id).toBe(task.id);

    await r1
      .post(`/api/task-forms/tasks/${task.id}/complete`)
      .send({ data: { decision: 'approve' }, opinion: '同意', attachmentIds: [mine.id], attachments: [{ name: '参考链接', url: 'https://example.gov.cn/a.pdf' }] })
      .expect(200);
    const auth = `Basic ${Buffer.from(`${ctx.env.engineUser}:${ctx.env.enginePassword}`).toString('base64')}`;
    const linked = (await (await fetch(`${ctx.env.engineRestUrl}/task/${task.id}/attachment`, { headers: { authorization: auth } })).json()) as Array<{ name: string; url: string }>;
    expect(linked.map((a) => [a.name, a.url]).sort()).toEqual([
      ['参考链接', 'https://example.gov.cn/a.pdf'],
      ['审批依据.pdf', mine.url],
    ]);
    // The task is done: the file stays readable for who completed it, and is closed to changes.
    expect((await list(r1, task.id)).map((a) => a.id)).toEqual([mine.id]);
    expect((await r1.delete(mine.url)).status).toBe(409);
  });
});
