import type { CurrentUser } from '../../contracts/auth';
import {
  BUILTIN_VERSION,
  type SaveTemplateDraftRequest,
  type TemplateDetail,
  type TemplatePreview,
  type TemplateSummary,
  type TemplateVersionSummary,
  type TemplateVersionView,
} from '../../contracts/templates';
import { DocumentError } from '../../documents/document.errors';
import type { DocumentService } from '../../documents/document.service';
import { isTemplateName, templateDefinitions, type TemplateName } from '../../documents/template-data';
import { templateSamples } from '../../documents/template-samples';
import { conflict, notFound, validationError } from '../../http/errors';
import { templateBodyProblems } from './template-body';
import type { TemplateRepository, TemplateVersionFullRow, TemplateVersionMetaRow } from './template.repository';

const messages = {
  notFound: '模板不存在',
  versionNotFound: '模板版本不存在',
  notDraft: '只有草稿可以修改或删除；已发布和历史版本请复制为新草稿后修改',
  alreadyPublished: '该版本已是当前发布版本',
  render: (detail: string) => `模板无法用示例数据生成：${detail}`,
  missingHelper: (name: string) => `未知的辅助函数 ${name}（可用：date、datetime、eq、mask、imageDataUrl）`,
  missingPartial: (name: string) => `找不到模板片段 ${name}`,
  helperMisused: '辅助函数的参数或数据字段不正确，请对照示例数据检查',
};

/** The Chinese reason a body that parses still fails to render with the sample data. */
function renderFailure(error: DocumentError): string {
  const detail = error.cause instanceof Error ? error.cause.message : error.message;
  const helper = /Missing helper: "([^"]+)"/.exec(detail);
  if (helper?.[1]) return messages.render(messages.missingHelper(helper[1]));
  const partial = /The partial (\S+) could not be found/.exec(detail);
  if (partial?.[1]) return messages.render(messages.missingPartial(partial[1]));
  return messages.render(messages.helperMisused);
}

function toSummary(row: TemplateVersionMetaRow): TemplateVersionSummary {
  return {
    code: row.code,
    version: row.version,
    status: row.status,
    changeNote: row.change_note,
    createdBy: row.created_by_name,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    publishedBy: row.published_by_name,
    publishedAt: row.published_at?.toISOString() ?? null,
  };
}

function toView(row: TemplateVersionFullRow): TemplateVersionView {
  return { ...toSummary(row), body: row.body };
}

/**
 * Online editing of document templates (M03 告知承诺书, M02 报考指南, every template in
 * `templates/`): drafts, checks, live preview with sample data, publishing and rollback.
 */
export class TemplateService {
  constructor(
    private readonly templates: TemplateRepository,
    private readonly documents: DocumentService,
  ) {}

  async list(): Promise<TemplateSummary[]> {
    const [stats, published] = await Promise.all([this.templates.stats(), this.templates.published()]);
    return (Object.keys(templateDefinitions) as TemplateName[]).map((code) => {
      const current = published.find((row) => row.code === code);
      const stat = stats.find((row) => row.code === code);
      return {
        code,
        title: templateDefinitions[code].title,
        currentVersion: current?.version ?? BUILTIN_VERSION,
        publishedAt: current?.published_at?.toISOString() ?? null,
        publishedBy: current?.published_by_name ?? null,
        latestVersion: stat?.latest_version ?? BUILTIN_VERSION,
        draftCount: stat?.draft_count ?? 0,
      };
    });
  }

  async detail(code: string): Promise<TemplateDetail> {
    const name = this.known(code);
    const [versions, builtinBody] = await Promise.all([this.templates.versions(name), this.documents.builtinSource(name)]);
    const current = versions.find((row) => row.status === 'published');
    return {
      code: name,
      title: templateDefinitions[name].title,
      currentVersion: current?.version ?? BUILTIN_VERSION,
      publishedAt: current?.published_at?.toISOString() ?? null,
      publishedBy: current?.published_by_name ?? null,
      latestVersion: versions[0]?.version ?? BUILTIN_VERSION,
      draftCount: versions.filter((row) => row.status === 'draft').length,
      builtinBody,
      sampleData: templateSamples[name],
      versions: versions.map(toSummary),
    };
  }

  async version(code: string, version: number): Promise<TemplateVersionView> {
    return toView(await this.found(this.known(code), version));
  }

  async createDraft(user: CurrentUser, code: string, request: SaveTemplateDraftRequest): Promise<TemplateVersionView> {
    const name = this.known(code);
    await this.check(name, request.body);
    const version = await this.templates.insertDraft(name, request.body, request.changeNote, user.id);
    return this.version(name, version);
  }

  async updateDraft(code: string, version: number, request: SaveTemplateDraftRequest): Promise<TemplateVersionView> {
    const name = this.known(code);
    await this.found(name, version);
    await this.check(name, request.body);
    this.changed(await this.templates.updateDraft(name, version, request.body, request.changeNote));
    return this.version(name, version);
  }

  async deleteDraft(code: string, version: number): Promise<void> {
    this.changed(await this.templates.deleteDraft(this.known(code), version));
  }

  /** Publishes a draft, or an older version again (rollback); the version published before is retired. */
  async publish(user: CurrentUser, code: string, version: number): Promise<TemplateVersionView> {
    const name = this.known(code);
    // Bodies were checked when saved; checked again in case the rules or the sample data changed since.
    await this.check(name, (await this.found(name, version)).body);
    const outcome = await this.templates.publish(name, version, user.id);
    if (outcome === 'missing') throw notFound(messages.versionNotFound);
    if (outcome === 'already-published') throw conflict('TEMPLATE_ALREADY_PUBLISHED', messages.alreadyPublished, 'version');
    return this.version(name, version);
  }

  /** The body rendered with the template's sample data, without saving anything. */
  async preview(code: string, body: string): Promise<TemplatePreview> {
    const name = this.known(code);
    return { html: await this.check(name, body) };
  }

  async previewPdf(code: string, body: string): Promise<Buffer> {
    const name = this.known(code);
    await this.check(name, body);
    return this.documents.renderPdf(name, templateSamples[name], { source: body });
  }

  /** Refuses a body that breaks a rule or does not render with the sample data; returns the rendering. */
  private async check(name: TemplateName, body: string): Promise<string> {
    const problems = templateBodyProblems(body);
    if (problems.length > 0) throw validationError(problems.map((message) => ({ field: 'body', message })));
    try {
      return await this.documents.renderHtml(name, templateSamples[name], { source: body });
    } catch (error) {
      if (error instanceof DocumentError) throw validationError([{ field: 'body', message: renderFailure(error) }]);
      throw error;
    }
  }

  private known(code: string): TemplateName {
    if (!isTemplateName(code)) throw notFound(messages.notFound);
    return code;
  }

  private async found(name: TemplateName, version: number): Promise<TemplateVersionFullRow> {
    const row = await this.templates.find(name, version);
    if (!row) throw notFound(messages.versionNotFound);
    return row;
  }

  private changed(outcome: 'done' | 'not-draft' | 'missing'): void {
    if (outcome === 'missing') throw notFound(messages.versionNotFound);
    if (outcome === 'not-draft') throw conflict('TEMPLATE_NOT_DRAFT', messages.notDraft, 'version');
  }
}
