import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../../../../tests/support/pdf';
import { createTestContext, demoExamId, newCandidate, signIn, apiAgent, type TestContext } from '../../../../tests/support/test-env';
import { seedAccessControl } from '../../auth/seed';
import { catalogueGrants } from '../../auth/role-catalogue';
import { rolePermissionSeal } from '../../security/security-specs';
import type { CommitmentLetterView, TemplateDetail, TemplateSummary, TemplateVersionView } from '../../contracts/templates';
import { DocumentService } from '../../documents/document.service';
import { ExamRepository } from '../exams/exam.repository';
import { CommitmentLetterService } from './commitment-letter.service';
import { publishedTemplateSource } from './published-template-source';

let ctx: TestContext;
let examId: number;
let admin: supertest.Agent;
let letters: CommitmentLetterService;
const builtin: Record<string, string> = {};

// Every version published here is the built-in body plus a marker, so test files running beside this
// one (guide, registration) still find every text they expect; afterAll removes them again.
const codes = ['commitment-letter', 'exam-guide'] as const;
let markerCount = 0;
const newMarker = (): string => `修订标记REV${process.pid}X${++markerCount}X${Date.now() % 100000}`;

/** The built-in body with a marker paragraph right after `anchor`. */
function withMarker(code: (typeof codes)[number], marker: string): string {
  const anchor = code === 'commitment-letter' ? '<section class="pledge">' : '<section class="guide-section">';
  const body = builtin[code]!;
  expect(body).toContain(anchor);
  return body.replace(anchor, `${anchor}\n<p class="lead">${marker}</p>`);
}

async function binary(test: supertest.Test): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await test.buffer(true).parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  });
  return { status: res.status, type: String(res.headers['content-type']), body: res.body as Buffer };
}

async function saveDraft(code: string, body: string, changeNote = '测试修改'): Promise<TemplateVersionView> {
  const res = await admin.post(`/api/templates/${code}/versions`).send({ body, changeNote });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as TemplateVersionView;
}

async function publish(code: string, version: number): Promise<TemplateVersionView> {
  const res = await admin.post(`/api/templates/${code}/versions/${version}/publish`).send({});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as TemplateVersionView;
}

const rowCount = async (): Promise<number> => Number((await ctx.db('document_templates').count<Array<{ count: string }>>('* as count'))[0]!.count);

beforeAll(async () => {
  ctx = createTestContext();
  examId = await demoExamId(ctx);
  admin = await signIn(ctx.app, 'examadmin');
  for (const code of codes) builtin[code] = ((await admin.get(`/api/templates/${code}`)).body as TemplateDetail).builtinBody;
  // The service the registration module calls, on its own DocumentService as a worker process would have.
  letters = new CommitmentLetterService(new DocumentService({ renderer: ctx.renderer, templates: publishedTemplateSource(ctx.db) }), new ExamRepository(ctx.db));
});

afterAll(async () => {
  await ctx.db('document_templates').whereIn('code', codes).delete();
  await ctx.close();
});

describe('document templates edited online (M03)', () => {
  it('M03 lists every template with its title and current version; the built-in file is version 0', async () => {
    const res = await admin.get('/api/templates');
    expect(res.status).toBe(200);
    const list = res.body as TemplateSummary[];
    expect(list.map((t) => t.code)).toEqual(expect.arrayContaining(['commitment-letter', 'exam-guide', 'registration-form']));
    expect(list.find((t) => t.code === 'commitment-letter')).toMatchObject({ title: '告知承诺书' });
    expect(list.find((t) => t.code === 'registration-form')).toMatchObject({ title: '报名表' });
    for (const summary of list) expect(summary.publishedAt === null).toBe(summary.currentVersion === 0);
    expect(builtin['commitment-letter']).toContain('告知承诺书');
    expect((await admin.get('/api/templates/no-such-template')).status).toBe(404);
    expect((await admin.get('/api/templates/commitment-letter/versions/999999')).status).toBe(404);
  });

  it('M03 edit → draft → preview shows the change → publish → the commitment letter renders with the new version', async () => {
    const draftMarker = newMarker();
    const before = await rowCount();

    // Live preview: rendered with the sample data, nothing saved.
    const preview = await admin.post('/api/templates/commitment-letter/preview').send({ body: withMarker('commitment-letter', draftMarker) });
    expect(preview.status).toBe(200);
    expect(preview.body.html).toContain(draftMarker);
    expect(preview.body.html).toContain('张晓明'); // the sample candidate
    expect(await rowCount()).toBe(before);

    const draft = await saveDraft('commitment-letter', withMarker('commitment-letter', draftMarker), '增加修订说明');
    expect(draft).toMatchObject({ code: 'commitment-letter', status: 'draft', changeNote: '增加修订说明', createdBy: '钱考务', publishedAt: null });
    expect(draft.body).toContain(draftMarker);

    // A draft changes nothing for candidates.
    const { agent: candidate } = await newCandidate(ctx, 'tpl-letter', { confirmGuide: false });
    const beforePublish = (await candidate.get(`/api/templates/commitment-letter/current?examId=${examId}`)).body as CommitmentLetterView;
    expect(beforePublish.html).not.toContain(draftMarker);

    // The draft is edited again, then published.
    const finalMarker = newMarker();
    const edited = await admin.put(`/api/templates/commitment-letter/versions/${draft.version}`).send({ body: withMarker('commitment-letter', finalMarker), changeNote: '修订说明定稿' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: draft.version, status: 'draft', changeNote: '修订说明定稿' });
    const published = await publish('commitment-letter', draft.version);
    expect(published).toMatchObject({ version: draft.version, status: 'published', publishedBy: '钱考务' });
    expect(published.publishedAt).not.toBeNull();

    // The candidate reads the new version, blank (no personal data), for the exam.
    const current = await candidate.get(`/api/templates/commitment-letter/current?examId=${examId}`);
    expect(current.status).toBe(200);
    const view = current.body as CommitmentLetterView;
    expect(view).toMatchObject({ examId, templateVersion: draft.version });
    expect(view.html).toContain(finalMarker);
    expect(view.html).not.toContain(draftMarker);
    const exam = await ctx.db('exams').where({ id: examId }).first<{ name: string }>('name');
    expect(view.html).toContain(exam!.name);
    expect(view.html).toContain('在考试后对考试合格人员的报考条件进行复核');

    // The registration module's call: the signed letter with the candidate's data, and its version.
    const data = {
      examName: exam!.name,
      levelName: '考全科',
      majorName: '化工安全',
      fullName: '王承诺',
      idNumberMasked: '310101********123X',
      signedAt: '2026-03-05T14:07:00+08:00',
      signatureId: 'SIG-TEST-0001',
    };
    const letter = await letters.renderCommitmentLetter(data);
    expect(letter.templateVersion).toBe(draft.version);
    for (const expected of [finalMarker, '王承诺', '310101********123X', '化工安全', 'SIG-TEST-0001', '2026年3月5日 14:07']) expect(letter.html, expected).toContain(expected);
    const pdf = await letters.commitmentLetterPdf(data);
    expect(pdf.templateVersion).toBe(draft.version);
    const text = await pdfText(pdf.pdf);
    for (const expected of [finalMarker, '告知承诺书', '王承诺', 'SIG-TEST-0001']) expect(text, expected).toContain(expected);

    // A published version is never edited or deleted in place.
    const locked = await admin.put(`/api/templates/commitment-letter/versions/${draft.version}`).send({ body: builtin['commitment-letter'], changeNote: '改已发布版本' });
    expect(locked.status).toBe(409);
    expect(locked.body).toMatchObject({ code: 'TEMPLATE_NOT_DRAFT', fields: [{ field: 'version' }] });
    expect((await admin.delete(`/api/templates/commitment-letter/versions/${draft.version}`)).status).toBe(409);
    expect(((await admin.get(`/api/templates/commitment-letter/versions/${draft.version}`)).body as TemplateVersionView).body).toContain(finalMarker);
  }, 90_000);

  it('M03 the candidate can download the current letter as a PDF; only published exams have one', async () => {
    const { agent } = await newCandidate(ctx, 'tpl-letter-pdf', { confirmGuide: false });
    const res = await binary(agent.get(`/api/templates/commitment-letter/current.pdf?examId=${examId}`));
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/pdf/);
    expect(await pdfText(res.body)).toContain('告知承诺书');
    expect((await agent.get('/api/templates/commitment-letter/current?examId=999999')).status).toBe(404);
    const bad = await agent.get('/api/templates/commitment-letter/current?examId=abc');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([{ field: 'examId', message: '考试编号格式不正确' }]);
    const anonymous = await apiAgent(ctx.app);
    expect((await anonymous.get(`/api/templates/commitment-letter/current?examId=${examId}`)).status).toBe(401);
  }, 60_000);

  it('M03 every version stays retrievable; republishing an older one rolls back, with one published version at a time', async () => {
    const markerA = newMarker();
    const markerB = newMarker();
    const a = await saveDraft('commitment-letter', withMarker('commitment-letter', markerA), '版本A');
    await publish('commitment-letter', a.version);
    const b = await saveDraft('commitment-letter', withMarker('commitment-letter', markerB), '版本B');
    await publish('commitment-letter', b.version);
    expect(b.version).toBeGreaterThan(a.version);

    const { agent: candidate } = await newCandidate(ctx, 'tpl-rollback', { confirmGuide: false });
    const readCurrent = async () => (await candidate.get(`/api/templates/commitment-letter/current?examId=${examId}`)).body as CommitmentLetterView;
    expect((await readCurrent()).html).toContain(markerB);

    const old = (await admin.get(`/api/templates/commitment-letter/versions/${a.version}`)).body as TemplateVersionView;
    expect(old).toMatchObject({ version: a.version, status: 'retired', changeNote: '版本A' });
    expect(old.body).toContain(markerA);
    const detail = (await admin.get('/api/templates/commitment-letter')).body as TemplateDetail;
    expect(detail.currentVersion).toBe(b.version);
    expect(detail.versions.map((v) => v.version)).toEqual(expect.arrayContaining([a.version, b.version]));
    expect(detail.versions[0]!.version).toBeGreaterThanOrEqual(b.version); // newest first

    // Roll back to A.
    const rolledBack = await publish('commitment-letter', a.version);
    expect(rolledBack.status).toBe('published');
    expect(await readCurrent()).toMatchObject({ templateVersion: a.version });
    expect((await readCurrent()).html).toContain(markerA);
    expect((await letters.renderCommitmentLetter({ examName: '考试', levelName: null, majorName: null, fullName: null, idNumberMasked: null })).templateVersion).toBe(a.version);
    expect(((await admin.get(`/api/templates/commitment-letter/versions/${b.version}`)).body as TemplateVersionView).status).toBe('retired');
    const published = await ctx.db('document_templates').where({ code: 'commitment-letter', status: 'published' }).select('version');
    expect(published).toEqual([{ version: a.version }]);

    const again = await admin.post(`/api/templates/commitment-letter/versions/${a.version}/publish`).send({});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TEMPLATE_ALREADY_PUBLISHED');
    expect((await admin.post('/api/templates/commitment-letter/versions/999999/publish').send({})).status).toBe(404);
  }, 60_000);

  it('M02 the exam guide PDF renders with the published guide version; its preview PDF shows a draft', async () => {
    const marker = newMarker();
    const preview = await binary(admin.post('/api/templates/exam-guide/preview.pdf').send({ body: withMarker('exam-guide', marker) }));
    expect(preview.status).toBe(200);
    expect(preview.type).toMatch(/^application\/pdf/);
    expect(await pdfText(preview.body)).toContain(marker);

    const draft = await saveDraft('exam-guide', withMarker('exam-guide', marker), '指南增加说明');
    await publish('exam-guide', draft.version);
    const { agent: candidate } = await newCandidate(ctx, 'tpl-guide', { confirmGuide: false });
    const guide = await binary(candidate.get(`/api/exams/${examId}/guide.pdf`));
    expect(guide.status).toBe(200);
    const text = await pdfText(guide.body);
    expect(text).toContain(marker);
    expect(text).toContain('上海市初级注册安全工程师职业资格考试报考指南');
  }, 90_000);

  it('M03 invalid bodies are refused with the field at fault and nothing is saved', async () => {
    const before = await rowCount();
    const invalid: Array<[string, RegExp]> = [
      ['<p>x</p><script>alert(1)</script>', /脚本/],
      ['<div>{{{fullName}}}</div>', /不转义输出/],
      ['<p onclick="alert(1)">x</p>', /事件属性（onclick）/],
      ['<img src="https://example.com/seal.png">', /外部资源/],
      ['<img src="//example.com/seal.png">', /外部资源/],
      ['<p>\n{{#if fullName}}\n</p>', /模板语法错误（第3行）/],
      ['<p>{{shout fullName}}</p>', /未知的辅助函数 shout/],
      ['{{> no-such-partial}}', /找不到模板片段 no-such-partial/],
      [`<p>${'a'.repeat(65 * 1024)}</p>`, /不能超过64KB/],
      ['   ', /请填写模板内容/],
    ];
    for (const [body, message] of invalid) {
      for (const path of ['/api/templates/commitment-letter/versions', '/api/templates/commitment-letter/preview']) {
        const res = await admin.post(path).send({ body, changeNote: '非法内容' });
        expect(res.status, `${path} ${body.slice(0, 40)}`).toBe(400);
        expect(res.body.fields[0].field).toBe('body');
        expect(res.body.fields[0].message).toMatch(message);
      }
    }
    const noNote = await admin.post('/api/templates/commitment-letter/versions').send({ body: builtin['commitment-letter'] });
    expect(noNote.status).toBe(400);
    expect(noNote.body.fields).toEqual([{ field: 'changeNote', message: '请填写修改说明' }]);
    expect((await admin.post('/api/templates/no-such-template/versions').send({ body: '<p>x</p>', changeNote: '无此模板' })).status).toBe(404);
    expect(await rowCount()).toBe(before);

    // An invalid edit of a draft leaves the draft as it was.
    const marker = newMarker();
    const draft = await saveDraft('commitment-letter', withMarker('commitment-letter', marker), '待修改草稿');
    const refused = await admin.put(`/api/templates/commitment-letter/versions/${draft.version}`).send({ body: '<script>x</script>', changeNote: '改坏' });
    expect(refused.status).toBe(400);
    const stored = await ctx.db('document_templates').where({ code: 'commitment-letter', version: draft.version }).first<{ body: string; change_note: string; status: string }>('body', 'change_note', 'status');
    expect(stored).toMatchObject({ change_note: '待修改草稿', status: 'draft' });
    expect(stored!.body).toContain(marker);
    // Deleting the draft removes it; published and retired versions stay.
    expect((await admin.delete(`/api/templates/commitment-letter/versions/${draft.version}`)).status).toBe(204);
    expect((await admin.get(`/api/templates/commitment-letter/versions/${draft.version}`)).status).toBe(404);
  });

  it('M03 candidates and reviewers cannot manage templates (403) and nothing is saved', async () => {
    const before = await rowCount();
    const { agent: candidate, username } = await newCandidate(ctx, 'tpl-403', { confirmGuide: false });
    const reviewer = await signIn(ctx.app, 'reviewer1');
    const body = { body: builtin['commitment-letter'], changeNote: '越权修改' };
    for (const agent of [candidate, reviewer]) {
      expect((await agent.get('/api/templates')).status).toBe(403);
      expect((await agent.get('/api/templates/commitment-letter')).status).toBe(403);
      expect((await agent.post('/api/templates/commitment-letter/versions').send(body)).status).toBe(403);
      expect((await agent.post('/api/templates/commitment-letter/preview').send(body)).status).toBe(403);
      expect((await agent.post('/api/templates/commitment-letter/versions/1/publish').send({})).status).toBe(403);
      expect((await agent.put('/api/templates/commitment-letter/versions/1').send(body)).status).toBe(403);
    }
    expect(await rowCount()).toBe(before);
    const denied = await ctx.db('audit_log').where({ actor: username, result: 'denied' }).pluck('action');
    expect(denied).toEqual(expect.arrayContaining(['template.draft-create', 'template.publish', 'template.draft-update']));
  });

  it('M03 drafting, editing, publishing and refusals are in the audit log with the version acted on', async () => {
    const draft = await saveDraft('commitment-letter', withMarker('commitment-letter', newMarker()), '审计检查');
    await admin.put(`/api/templates/commitment-letter/versions/${draft.version}`).send({ body: withMarker('commitment-letter', newMarker()), changeNote: '审计检查2' });
    await publish('commitment-letter', draft.version);
    await admin.post('/api/templates/commitment-letter/versions').send({ body: '<script></script>', changeNote: '审计失败' });
    const rows = await ctx.db('audit_log')
      .where({ actor: 'examadmin', object_type: 'document-template' })
      .whereIn('object_id', [`commitment-letter@${draft.version}`, 'commitment-letter'])
      .orderBy('id')
      .select('action', 'object_id', 'result');
    expect(rows).toEqual(
      expect.arrayContaining([
        { action: 'template.draft-create', object_id: `commitment-letter@${draft.version}`, result: 'success' },
        { action: 'template.draft-update', object_id: `commitment-letter@${draft.version}`, result: 'success' },
        { action: 'template.publish', object_id: `commitment-letter@${draft.version}`, result: 'success' },
        { action: 'template.draft-create', object_id: 'commitment-letter', result: 'failure' },
      ]),
    );
  });

  it('M03 the exam admin role holds template:manage, granted once to databases seeded before it existed', async () => {
    const grant = catalogueGrants.find((g) => g.permissions.includes('template:manage'))!;
    const me = await admin.get('/api/auth/me');
    expect(me.body.permissions).toEqual(expect.arrayContaining(['exam:read', 'template:manage']));
    const held = (trx: typeof ctx.db) => trx('role_permissions').where({ role_code: 'exam-admin', permission_code: 'template:manage' }).first();
    const rollback = new Error('rollback');
    // In a transaction that is rolled back, so the run's other tests never see the change.
    await ctx.db
      .transaction(async (trx) => {
        // A database seeded before the permission existed: no row, no record of the grant.
        await trx('role_permissions').where({ role_code: 'exam-admin', permission_code: 'template:manage' }).delete();
        await trx('security_upgrades').where({ name: grant.name }).delete();
        await seedAccessControl(trx, ctx.security);
        const row = await held(trx);
        expect(row).toBeDefined();
        expect(ctx.security.seal.verify('role_permissions', rolePermissionSeal.fields(row), row.row_mac)).toBe(true);
        // An administrator removes it: the next start does not give it back.
        await trx('role_permissions').where({ role_code: 'exam-admin', permission_code: 'template:manage' }).delete();
        await seedAccessControl(trx, ctx.security);
        expect(await held(trx)).toBeUndefined();
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    expect(await held(ctx.db)).toBeDefined();
  });
});
