import { TemplateDataError } from './document.errors';
import type { PdfRenderer } from './pdf-renderer';
import { TemplateEngine } from './template-engine';
import { templateDefinitions, type TemplateDataMap, type TemplateName } from './template-data';

export type { TemplateDataMap, TemplateName } from './template-data';
export type { EducationRecord, ExamGuideData, RegistrationFormData, ReviewStatus, WorkRecord } from './template-data';

/**
 * Where template sources come from. The default reads `templates/<name>.hbs`; the template-version
 * store (admins edit templates online) implements this to serve the active version.
 */
export interface TemplateSource {
  load(name: TemplateName): Promise<string>;
}

export interface RenderDocumentOptions {
  /** Render this source instead of the stored one: live preview of a draft in the template editor. */
  source?: string;
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
    this.templates = deps.templates ?? { load: (name) => engine.loadDefaultTemplate(name) };
  }

  /** The document as HTML, for viewing online; the data are checked against the template's schema. */
  async renderHtml<K extends TemplateName>(name: K, data: TemplateDataMap[K], options: RenderDocumentOptions = {}): Promise<string> {
    const parsed = templateDefinitions[name].schema.safeParse(data);
    if (!parsed.success) {
      throw new TemplateDataError(
        name,
        parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
      );
    }
    const source = options.source ?? (await this.templates.load(name));
    return this.engine.render(name, source, parsed.data);
  }

  /** The document as a PDF (A4; orientation from the template's definition). */
  async renderPdf<K extends TemplateName>(name: K, data: TemplateDataMap[K], options: RenderDocumentOptions = {}): Promise<Buffer> {
    const html = await this.renderHtml(name, data, options);
    return this.renderer.render(html, { format: 'A4', landscape: templateDefinitions[name].landscape });
  }
}
