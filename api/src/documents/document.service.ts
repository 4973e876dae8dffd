import { BUILTIN_VERSION } from '../contracts/templates';
import { TemplateDataError } from './document.errors';
import type { PdfRenderer } from './pdf-renderer';
import { TemplateEngine } from './template-engine';
import { templateDefinitions, type TemplateDataMap, type TemplateName } from './template-data';

export type { TemplateDataMap, TemplateName } from './template-data';
export type { CommitmentLetterData, EducationRecord, ExamGuideData, RegistrationFormData, ReviewStatus, WorkRecord } from './template-data';

/** A template source as stored: its body and version (0: the built-in file in `templates/`). */
export interface LoadedTemplate {
  body: string;
  version: number;
}

/**
 * Where template sources come from. The default reads `templates/<name>.hbs`; the template-version
 * store (admins edit templates online, api/src/modules/templates) serves the published version.
 */
export interface TemplateSource {
  load(name: TemplateName): Promise<LoadedTemplate>;
}

export interface RenderDocumentOptions {
  /** Render this source instead of the stored one: live preview of a draft in the template editor. */
  source?: string;
}

/** A document rendered from the stored template, with the version it was rendered from. */
export interface RenderedDocument {
  html: string;
  templateVersion: number;
}

export interface DocumentServiceDeps {
  renderer: Pick<PdfRenderer, 'render'>;
  engine?: TemplateEngine;
  templates?: TemplateSource;
}

export class DocumentService {
  private readonly renderer: Pick<PdfRenderer, 'render'>;
  private readonly engine: TemplateEngine;
  private readonly templates: TemplateSource;

  constructor(deps: DocumentServiceDeps) {
    this.renderer = deps.renderer;
    this.engine = deps.engine ?? new TemplateEngine();
    const engine = this.engine;
    this.templates = deps.templates ?? { load: async (name) => ({ body: await engine.loadDefaultTemplate(name), version: BUILTIN_VERSION }) };
  }

  /** The built-in source of a template (the file in `templates/`). */
  builtinSource(name: TemplateName): Promise<string> {
    return this.engine.loadDefaultTemplate(name);
  }

  /** The document as HTML from the stored template, and that template's version. */
  async renderDocument<K extends TemplateName>(name: K, data: TemplateDataMap[K]): Promise<RenderedDocument> {
    const parsed = this.parseData(name, data);
    const template = await this.templates.load(name);
    return { html: await this.engine.render(name, template.body, parsed), templateVersion: template.version };
  }

  /** The document as HTML, for viewing online; the data are checked against the template's schema. */
  async renderHtml<K extends TemplateName>(name: K, data: TemplateDataMap[K], options: RenderDocumentOptions = {}): Promise<string> {
    if (options.source === undefined) return (await this.renderDocument(name, data)).html;
    // A draft is compiled for this call only: previews must not push stored versions out of the cache.
    return this.engine.render(name, options.source, this.parseData(name, data), { cache: false });
  }

  /** The document as a PDF (A4; orientation from the template's definition). */
  async renderPdf<K extends TemplateName>(name: K, data: TemplateDataMap[K], options: RenderDocumentOptions = {}): Promise<Buffer> {
    return this.toPdf(name, await this.renderHtml(name, data, options));
  }

  /** The document as a PDF from the stored template, and that template's version. */
  async renderPdfDocument<K extends TemplateName>(name: K, data: TemplateDataMap[K]): Promise<{ pdf: Buffer; templateVersion: number }> {
    const { html, templateVersion } = await this.renderDocument(name, data);
    return { pdf: await this.toPdf(name, html), templateVersion };
  }

  private toPdf(name: TemplateName, html: string): Promise<Buffer> {
    return this.renderer.render(html, { format: 'A4', landscape: templateDefinitions[name].landscape });
  }

  private parseData<K extends TemplateName>(name: K, data: TemplateDataMap[K]): TemplateDataMap[K] {
    const parsed = templateDefinitions[name].schema.safeParse(data);
    if (!parsed.success) {
      throw new TemplateDataError(
        name,
        parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
      );
    }
    return parsed.data as TemplateDataMap[K];
  }
}
