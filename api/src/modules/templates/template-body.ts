import Handlebars from 'handlebars';
import { templateBodyLimits } from '../../contracts/templates';
import { findUnescapedOutput } from '../../documents/template-engine';

// Checks of a template body an admin saves or previews. Templates render candidates' data into
// official documents, are shown in the console (a sandboxed frame) and printed by Chromium, so a
// body may hold markup and styles only: no script, no unescaped output, no event handlers and
// nothing fetched from elsewhere. The renderer and the documents' CSP block these again; this check
// tells the admin what is wrong before anything is saved.

export const templateBodyMessages = {
  tooLarge: (kb: number) => `模板内容不能超过${templateBodyLimits.maxBytes / 1024}KB（当前约${kb}KB）`,
  script: '模板不能包含脚本（<script>）',
  tag: (tag: string) => `模板不能包含 <${tag}> 标签（嵌入外部内容或跳转页面）`,
  unescaped: '模板不能使用不转义输出（{{{ }}} 或 {{& }}），数据须经转义后显示',
  eventHandler: (attribute: string) => `模板不能包含事件属性（${attribute}）`,
  scriptUrl: '模板不能包含 javascript: 等脚本地址',
  externalUrl: '模板不能引用外部资源（http:、https: 或 // 开头的地址），图片请使用 data:image 格式',
  resourceAttribute: (attribute: string) => `${attribute} 只能使用 data:image 图片、页内锚点（#）或模板变量`,
  syntax: (line: number | null, detail: string) => `模板语法错误${line ? `（第${line}行）` : ''}：${detail}`,
} as const;

/** Tags that embed or load other documents, or navigate away. */
const FORBIDDEN_TAGS = ['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'link', 'meta', 'form'];

const SCRIPT_TAG = /<\s*\/?\s*script\b/i;
const FORBIDDEN_TAG = new RegExp(`<\\s*(${FORBIDDEN_TAGS.join('|')})\\b`, 'i');
/** `{{{x}}}`, `{{{{raw}}}}`, `{{& x}}`, with or without whitespace control (`{{~{`). */
const UNESCAPED = /\{\{~?\s*[{&]/;
/** An attribute named on…, anywhere (a `>` inside a quoted value must not hide it). */
const EVENT_HANDLER = /(?:^|[^a-z0-9_:-])(on[a-z]+)\s*=/i;
const SCRIPT_URL = /\b(?:javascript|vbscript)\s*:/i;
const EXTERNAL_URL = /\bhttps?:|\/\/|@import\b/i;
/** Attributes that load or link to a URL; their value must be a data:image, an anchor or a mustache. */
const RESOURCE_ATTRIBUTE = /(?:^|[\s"'/])(src|srcset|href|xlink:href|action|formaction|poster|background|data)\s*=(?!\s*["']?\s*(?:data:image\/|#|\{\{))/i;
/** CSS `url(…)` not holding a data:image. */
const CSS_URL = /\burl\((?!\s*["']?\s*data:image\/)/i;
/** Mustaches, replaced before the attribute checks so `on{{x}}=` still reads as an attribute name. */
const MUSTACHE = /\{\{[\s\S]*?\}\}/g;

/** The Chinese reason of a handlebars parse error, with its line when the message names one. */
export function syntaxMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const mismatch = /^(\S+) doesn't match (\S+) - (\d+):\d+/.exec(message);
  if (mismatch) return templateBodyMessages.syntax(Number(mismatch[3]), `块标签 {{#${mismatch[1]}}} 与 {{/${mismatch[2]}}} 不匹配`);
  const line = /line (\d+)/.exec(message);
  const unclosedBlock = /got 'EOF'/.test(message);
  return templateBodyMessages.syntax(
    line ? Number(line[1]) : null,
    unclosedBlock ? '块标签未闭合（缺少 {{/…}}）' : '{{ }} 标记不完整或写法不正确',
  );
}

/**
 * What is wrong with a template body, in Chinese, in the order found; empty when it may be saved.
 * A renderable body also needs its helpers and partials to exist: the service renders it with the
 * template's sample data to find that out.
 */
export function templateBodyProblems(body: string): string[] {
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > templateBodyLimits.maxBytes) return [templateBodyMessages.tooLarge(Math.ceil(bytes / 1024))];

  const problems: string[] = [];
  if (SCRIPT_TAG.test(body)) problems.push(templateBodyMessages.script);
  const tag = FORBIDDEN_TAG.exec(body);
  if (tag?.[1]) problems.push(templateBodyMessages.tag(tag[1].toLowerCase()));
  const unescaped = UNESCAPED.test(body);
  if (unescaped) problems.push(templateBodyMessages.unescaped);

  const markup = body.replace(MUSTACHE, (mustache) => (mustache.startsWith('{{!') ? ' ' : 'x'));
  const handler = EVENT_HANDLER.exec(markup);
  if (handler?.[1]) problems.push(templateBodyMessages.eventHandler(handler[1].toLowerCase()));
  if (SCRIPT_URL.test(body)) problems.push(templateBodyMessages.scriptUrl);
  if (EXTERNAL_URL.test(body)) problems.push(templateBodyMessages.externalUrl);
  const attribute = RESOURCE_ATTRIBUTE.exec(body);
  if (attribute?.[1]) problems.push(templateBodyMessages.resourceAttribute(attribute[1].toLowerCase()));
  else if (CSS_URL.test(body)) problems.push(templateBodyMessages.resourceAttribute('url()'));

  try {
    const ast = Handlebars.parse(body);
    if (!unescaped && findUnescapedOutput(ast).length > 0) problems.push(templateBodyMessages.unescaped);
  } catch (error) {
    problems.push(syntaxMessage(error));
  }
  return problems;
}
