import type { Response } from 'express';
import {
  commitmentLetterQuery,
  commitmentLetterView,
  previewTemplateRequest,
  saveTemplateDraftRequest,
  templateDetail,
  templateParams,
  templatePreview,
  templateSummary,
  templateVersionParams,
  templateVersionView,
} from '../../contracts/templates';
import type { ApiRoutes, AuditView } from '../../http/route';
import type { CommitmentLetterService } from './commitment-letter.service';
import type { TemplateService } from './template.service';

const objectType = 'document-template';

/** `code@version` of the version acted on (the new one for a created draft), or the code alone. */
function versionId(view: AuditView<unknown, unknown, { code: string; version?: number }>, result: unknown): string | undefined {
  const version = view.params?.version ?? (result as { version?: number } | undefined)?.version;
  if (!view.params) return undefined;
  return version === undefined ? view.params.code : `${view.params.code}@${version}`;
}

function sendPdf(res: Response, pdf: Buffer, filename: string, chineseName: string): void {
  res
    .status(200)
    .type('application/pdf')
    .set('content-disposition', `attachment; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(chineseName)}`)
    .set('cache-control', 'private, no-store')
    .send(pdf);
}

export function templateRoutes(api: ApiRoutes, templates: TemplateService, letters: CommitmentLetterService): void {
  // Candidates read the letter before signing: declared before `/templates/:code…` for clarity.
  api.define(
    {
      method: 'get',
      path: '/templates/commitment-letter/current',
      summary: '告知承诺书（当前发布版本，不含个人信息）',
      tag: 'templates',
      access: { authenticated: true },
      query: commitmentLetterQuery,
      response: commitmentLetterView,
    },
    ({ query }) => letters.current(query.examId),
  );
  api.define(
    {
      method: 'get',
      path: '/templates/commitment-letter/current.pdf',
      summary: '下载告知承诺书（当前发布版本，PDF）',
      tag: 'templates',
      access: { authenticated: true },
      query: commitmentLetterQuery,
      response: { contentType: 'application/pdf' },
    },
    async ({ query, res }) => {
      const { pdf, exam } = await letters.currentPdf(query.examId);
      sendPdf(res, pdf, `commitment-letter-${exam.code}.pdf`, `告知承诺书-${exam.name}.pdf`);
    },
  );

  api.define(
    { method: 'get', path: '/templates', summary: '文书模板列表', tag: 'templates', access: { permission: 'exam:read' }, response: templateSummary.array() },
    () => templates.list(),
  );
  api.define(
    {
      method: 'get',
      path: '/templates/:code',
      summary: '文书模板详情（内置模板与全部版本）',
      tag: 'templates',
      access: { permission: 'exam:read' },
      params: templateParams,
      response: templateDetail,
    },
    ({ params }) => templates.detail(params.code),
  );
  api.define(
    {
      method: 'get',
      path: '/templates/:code/versions/:version',
      summary: '文书模板的一个版本（含内容）',
      tag: 'templates',
      access: { permission: 'exam:read' },
      params: templateVersionParams,
      response: templateVersionView,
    },
    ({ params }) => templates.version(params.code, params.version),
  );
  api.define(
    {
      method: 'post',
      path: '/templates/:code/versions',
      summary: '保存为新草稿版本',
      tag: 'templates',
      access: { permission: 'template:manage' },
      params: templateParams,
      body: saveTemplateDraftRequest,
      response: templateVersionView,
      status: 201,
      audit: { action: 'template.draft-create', objectType, objectId: versionId },
    },
    ({ user, params, body }) => templates.createDraft(user, params.code, body),
  );
  api.define(
    {
      method: 'put',
      path: '/templates/:code/versions/:version',
      summary: '修改草稿',
      tag: 'templates',
      access: { permission: 'template:manage' },
      params: templateVersionParams,
      body: saveTemplateDraftRequest,
      response: templateVersionView,
      audit: { action: 'template.draft-update', objectType, objectId: versionId },
    },
    ({ params, body }) => templates.updateDraft(params.code, params.version, body),
  );
  api.define(
    {
      method: 'delete',
      path: '/templates/:code/versions/:version',
      summary: '删除草稿',
      tag: 'templates',
      access: { permission: 'template:manage' },
      params: templateVersionParams,
      status: 204,
      audit: { action: 'template.draft-delete', objectType, objectId: versionId },
    },
    ({ params }) => templates.deleteDraft(params.code, params.version),
  );
  api.define(
    {
      method: 'post',
      path: '/templates/:code/versions/:version/publish',
      summary: '发布版本（发布历史版本即回滚）',
      tag: 'templates',
      access: { permission: 'template:manage' },
      params: templateVersionParams,
      response: templateVersionView,
      audit: { action: 'template.publish', objectType, objectId: versionId },
    },
    ({ user, params }) => templates.publish(user, params.code, params.version),
  );
  api.define(
    {
      method: 'post',
      path: '/templates/:code/preview',
      summary: '实时预览（用示例数据生成，不保存）',
      tag: 'templates',
      access: { permission: 'template:manage' },
      params: templateParams,
      body: previewTemplateRequest,
      response: templatePreview,
    },
    ({ params, body }) => templates.preview(params.code, body.body),
  );
  api.define(
    {
      method: 'post',
      path: '/templates/:code/preview.pdf',
      summary: '预览PDF（用示例数据生成，不保存）',
      tag: 'templates',
      access: { permission: 'template:manage' },
      params: templateParams,
      body: previewTemplateRequest,
      response: { contentType: 'application/pdf' },
    },
    async ({ params, body, res }) => {
      const pdf = await templates.previewPdf(params.code, body.body);
      sendPdf(res, pdf, `preview-${params.code}.pdf`, `模板预览-${params.code}.pdf`);
    },
  );
}
