import { BUILTIN_VERSION } from '../../contracts/templates';
import type { Db } from '../../db/knex';
import type { LoadedTemplate, TemplateName, TemplateSource } from '../../documents/document.service';
import { loadDefaultTemplate } from '../../documents/template-engine';
import { TemplateRepository } from './template.repository';

/**
 * Serves each template's published version, or the built-in file while none is published. The API
 * and the workers run as separate processes, so nothing here is told about a publication: every
 * load asks the database which version is current (one lookup on a partial unique index), and
 * bodies are cached by code and version, which is safe because a published version never changes.
 */
export class PublishedTemplateSource implements TemplateSource {
  private readonly bodies = new Map<string, string>();

  constructor(
    private readonly templates: Pick<TemplateRepository, 'publishedVersion' | 'body'>,
    private readonly builtin: (name: TemplateName) => Promise<string> = (name) => loadDefaultTemplate(name),
    private readonly cacheSize = 50,
  ) {}

  async load(name: TemplateName): Promise<LoadedTemplate> {
    const version = await this.templates.publishedVersion(name);
    if (version === undefined) return { body: await this.builtin(name), version: BUILTIN_VERSION };
    const key = `${name}@${version}`;
    const cached = this.bodies.get(key);
    if (cached !== undefined) return { body: cached, version };
    const body = await this.templates.body(name, version);
    if (body === undefined) throw new Error(`published template ${key} has no body`);
    this.bodies.set(key, body);
    if (this.bodies.size > this.cacheSize) {
      const oldest = this.bodies.keys().next();
      if (!oldest.done) this.bodies.delete(oldest.value);
    }
    return { body, version };
  }
}

/** The template source of a process that renders documents (API, workers): published versions from `db`. */
export function publishedTemplateSource(db: Db): PublishedTemplateSource {
  return new PublishedTemplateSource(new TemplateRepository(db));
}
