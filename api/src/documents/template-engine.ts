import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { InvalidTemplateNameError, TemplateNotFoundError, TemplateRenderError, TemplateSyntaxError } from './document.errors';
import { isImageDataUrl } from './image-data-url';

/** `<repo>/templates/`, found from this file so it holds for any working directory. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

const TEMPLATE_NAME = /^[a-z0-9-]+$/;
const TIME_ZONE = 'Asia/Shanghai';

export function assertTemplateName(name: string): void {
  if (!TEMPLATE_NAME.test(name)) throw new InvalidTemplateNameError(name);
}

/** Reads `templates/<name>.hbs`; the name is checked first, so it cannot leave the folder. */
export async function loadDefaultTemplate(name: string, templatesDir: string = DEFAULT_TEMPLATES_DIR): Promise<string> {
  assertTemplateName(name);
  const path = join(templatesDir, `${name}.hbs`);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new TemplateNotFoundError(name, path, error);
  }
}

// ---- helpers -------------------------------------------------------------------------------------

const shanghaiParts = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function partsInShanghai(instant: Date): { year: string; month: string; day: string; hour: string; minute: string } {
  const parts = Object.fromEntries(shanghaiParts.formatToParts(instant).map((p) => [p.type, p.value]));
  const { year, month, day, hour, minute } = parts;
  if (!year || !month || !day || !hour || !minute) throw new Error(`cannot format ${instant.toISOString()}`);
  return { year, month, day, hour, minute };
}

function toInstant(value: unknown, helper: string): Date {
  const instant = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!instant || Number.isNaN(instant.getTime())) throw new Error(`${helper}: not a date: ${JSON.stringify(value)}`);
  return instant;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

/**
 * `2024-03-05` → `2024年3月5日`; `2024-03` → `2024年3月`; a timestamp (ISO with time, or Date) →
 * its calendar date in Shanghai. Empty → empty.
 */
export function formatDate(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string') {
    const calendar = CALENDAR_DATE.exec(value);
    if (calendar) {
      const [, year, month, day] = calendar;
      return day === undefined ? `${year}年${Number(month)}月` : `${year}年${Number(month)}月${Number(day)}日`;
    }
  }
  const { year, month, day } = partsInShanghai(toInstant(value, 'date'));
  return `${year}年${month}月${day}日`;
}

/** A timestamp → `2024年3月5日 14:07`, Shanghai time. Empty → empty. */
export function formatDateTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const { year, month, day, hour, minute } = partsInShanghai(toInstant(value, 'datetime'));
  return `${year}年${month}月${day}日 ${hour}:${minute}`;
}

/**
 * Keeps the first `keepStart` and last `keepEnd` characters and stars the rest:
 * `mask "310101199001011234" 6 4` → `310101********1234`. A value too short to keep anything
 * hidden is starred whole (fail closed).
 */
export function maskValue(value: unknown, keepStart: unknown, keepEnd: unknown): string {
  if (value === null || value === undefined) return '';
  if (!Number.isInteger(keepStart) || !Number.isInteger(keepEnd) || (keepStart as number) < 0 || (keepEnd as number) < 0) {
    throw new Error('mask: keepStart and keepEnd must be non-negative integers');
  }
  const start = keepStart as number;
  const end = keepEnd as number;
  const chars = Array.from(String(value));
  if (chars.length <= start + end) return '*'.repeat(chars.length);
  return chars.slice(0, start).join('') + '*'.repeat(chars.length - start - end) + chars.slice(chars.length - end).join('');
}

/** Passes a PNG/JPEG data URL through for an `<img src>`; refuses anything else. */
export function imageDataUrl(value: unknown): string {
  if (!isImageDataUrl(value)) throw new Error('imageDataUrl: only data:image/png or data:image/jpeg base64 URLs are allowed');
  return value;
}

// Handlebars appends its options object to every helper call; each helper takes exactly the
// positional arguments it declares.
const helpers: Record<string, (...args: unknown[]) => unknown> = {
  date: (value) => formatDate(value),
  datetime: (value) => formatDateTime(value),
  eq: (a, b) => a === b,
  mask: (value, keepStart, keepEnd) => maskValue(value, keepStart, keepEnd),
  imageDataUrl: (value) => imageDataUrl(value),
};

// ---- unescaped output guard ------------------------------------------------------------------------

/**
 * Finds `{{{x}}}` and `{{& x}}`. Templates are edited online by admins and render candidates' data,
 * so every value must go through HTML escaping; a template that opts out is refused.
 */
class UnescapedOutputFinder extends Handlebars.Visitor {
  readonly found: string[] = [];

  override MustacheStatement(mustache: hbs.AST.MustacheStatement): void {
    if (!mustache.escaped) this.found.push(`line ${mustache.loc.start.line}`);
    super.MustacheStatement(mustache);
  }
}

/** Where a parsed template opts out of HTML escaping (`line N` each); empty when it never does. */
export function findUnescapedOutput(ast: hbs.AST.Program): string[] {
  const finder = new UnescapedOutputFinder();
  finder.accept(ast);
  return finder.found;
}

function parseChecked(name: string, source: string): hbs.AST.Program {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (error) {
    throw new TemplateSyntaxError(name, error instanceof Error ? error.message : String(error), error);
  }
  const found = findUnescapedOutput(ast);
  if (found.length > 0) {
    throw new TemplateSyntaxError(name, `unescaped output ({{{ }}} or {{& }}) is not allowed (${found.join(', ')})`);
  }
  return ast;
}

// ---- engine -------------------------------------------------------------------------------------------

export interface TemplateEngineOptions {
  /** Folder holding `<name>.hbs` and `partials/<name>.hbs`. Default: the repository's `templates/`. */
  templatesDir?: string;
  /** Compiled templates kept (least recently used dropped first). Default 100. */
  cacheSize?: number;
}

export type CompiledTemplate = (data: unknown) => string;

export class TemplateEngine {
  readonly templatesDir: string;
  private readonly handlebars = Handlebars.create();
  private readonly cacheSize: number;
  /** Keyed by name and content hash, so an edited version never reuses a stale compilation. */
  private readonly cache = new Map<string, CompiledTemplate>();
  private partialsLoaded: Promise<void> | null = null;

  constructor(options: TemplateEngineOptions = {}) {
    this.templatesDir = options.templatesDir ?? DEFAULT_TEMPLATES_DIR;
    this.cacheSize = options.cacheSize ?? 100;
    for (const [name, fn] of Object.entries(helpers)) this.handlebars.registerHelper(name, fn);
  }

  loadDefaultTemplate(name: string): Promise<string> {
    return loadDefaultTemplate(name, this.templatesDir);
  }

  /**
   * Compiles (or takes from the cache) a template; refuses unescaped output. `cache: false` compiles
   * without keeping the result: live previews of drafts would otherwise push the stored versions out.
   */
  compile(name: string, source: string, options: { cache?: boolean } = {}): CompiledTemplate {
    assertTemplateName(name);
    const useCache = options.cache ?? true;
    const key = `${name}:${createHash('sha256').update(source).digest('hex')}`;
    const cached = useCache ? this.cache.get(key) : undefined;
    if (cached) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const ast = parseChecked(name, source);
    const template = this.handlebars.compile(ast, { noEscape: false, strict: false });
    const compiled: CompiledTemplate = (data) => {
      try {
        return template(data);
      } catch (error) {
        throw new TemplateRenderError(name, error instanceof Error ? error.message : String(error), error);
      }
    };
    if (!useCache) return compiled;
    this.cache.set(key, compiled);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    return compiled;
  }

  /** Renders `source` (a default template or an admin-edited version) with the shared partials. */
  async render(name: string, source: string, data: unknown, options: { cache?: boolean } = {}): Promise<string> {
    await this.loadPartials();
    return this.compile(name, source, options)(data);
  }

  async renderDefault(name: string, data: unknown): Promise<string> {
    return this.render(name, await this.loadDefaultTemplate(name), data);
  }

  private loadPartials(): Promise<void> {
    this.partialsLoaded ??= this.registerPartials().catch((error: unknown) => {
      this.partialsLoaded = null; // let a later call retry
      throw error;
    });
    return this.partialsLoaded;
  }

  private async registerPartials(): Promise<void> {
    const dir = join(this.templatesDir, 'partials');
    const files = (await readdir(dir)).filter((file) => file.endsWith('.hbs'));
    for (const file of files) {
      const name = basename(file, '.hbs');
      assertTemplateName(name);
      const source = await readFile(join(dir, file), 'utf8');
      parseChecked(name, source);
      this.handlebars.registerPartial(name, source);
    }
  }
}
