import { describe, expect, it } from 'vitest';
import { templateBodyLimits } from '../../contracts/templates';
import { loadDefaultTemplate } from '../../documents/template-engine';
import { templateDefinitions, type TemplateName } from '../../documents/template-data';
import { syntaxMessage, templateBodyMessages, templateBodyProblems } from './template-body';

const ok = '<p class="x">{{fullName}}</p>';

describe('template body checks (M03)', () => {
  it('M03 accepts every built-in template and plain markup with escaped output', async () => {
    for (const name of Object.keys(templateDefinitions) as TemplateName[]) {
      expect(templateBodyProblems(await loadDefaultTemplate(name)), name).toEqual([]);
    }
    expect(templateBodyProblems(ok)).toEqual([]);
    expect(templateBodyProblems('<img src="{{imageDataUrl photo}}" alt="照片"><a href="#top">顶部</a>')).toEqual([]);
    expect(templateBodyProblems('<div style="background:url(data:image/png;base64,AAAA)">x</div>')).toEqual([]);
    expect(templateBodyProblems('<img src = "data:image/png;base64,AAAA">')).toEqual([]);
    // Words that merely contain "on" are no event handlers.
    expect(templateBodyProblems('<section class="notice"><button type="button">确认</button></section>')).toEqual([]);
  });

  it('M03 refuses <script> in any spelling', () => {
    for (const body of ['<script>alert(1)</script>', '<SCRIPT src="a.js"></SCRIPT>', '< script >x</ script>', '{{!-- <script> --}}']) {
      expect(templateBodyProblems(body), body).toContain(templateBodyMessages.script);
    }
  });

  it('M03 refuses unescaped output: triple-stash, raw blocks and {{& }}', () => {
    for (const body of ['<div>{{{html}}}</div>', '{{~{html}~}}', '{{& html}}', '{{{{raw}}}}x{{{{/raw}}}}']) {
      expect(templateBodyProblems(body), body).toContain(templateBodyMessages.unescaped);
    }
  });

  it('M03 refuses event-handler attributes, also behind a ">" in a quoted value or built from a mustache', () => {
    expect(templateBodyProblems('<img src="#" onerror="alert(1)">')).toContain(templateBodyMessages.eventHandler('onerror'));
    expect(templateBodyProblems('<body ONLOAD = "x()">')).toContain(templateBodyMessages.eventHandler('onload'));
    expect(templateBodyProblems('<p title=">" onclick="x()">a</p>')).toContain(templateBodyMessages.eventHandler('onclick'));
    expect(templateBodyProblems('<p on{{event}}="x()">a</p>')).toEqual([templateBodyMessages.eventHandler('onx')]);
  });

  it('M03 refuses external resources: http:, https:, protocol-relative //, @import, javascript:', () => {
    for (const body of [
      '<img src="https://example.com/a.png">',
      '<img src="http://example.com/a.png">',
      '<img src="//example.com/a.png">',
      '<style>.a { background: url(//example.com/a.png) }</style>',
      '<style>@import "theme.css";</style>',
    ]) {
      expect(templateBodyProblems(body), body).toContain(templateBodyMessages.externalUrl);
    }
    expect(templateBodyProblems('<a href="javascript:alert(1)">x</a>')).toContain(templateBodyMessages.scriptUrl);
    // Relative URLs would load from the console's own origin.
    expect(templateBodyProblems('<img src="/api/me">')).toEqual([templateBodyMessages.resourceAttribute('src')]);
    expect(templateBodyProblems("<div style=\"background:url('/api/me')\"></div>")).toEqual([templateBodyMessages.resourceAttribute('url()')]);
  });

  it('M03 refuses tags that embed other documents or navigate', () => {
    expect(templateBodyProblems('<iframe srcdoc="x"></iframe>')).toContain(templateBodyMessages.tag('iframe'));
    expect(templateBodyProblems('<meta http-equiv="refresh" content="0">')).toContain(templateBodyMessages.tag('meta'));
    expect(templateBodyProblems('<BASE target="_top">')).toContain(templateBodyMessages.tag('base'));
  });

  it('M03 refuses bodies that do not compile, naming the line', () => {
    expect(templateBodyProblems('<p>\n{{#if fullName}}\n</p>')).toEqual([templateBodyMessages.syntax(3, '块标签未闭合（缺少 {{/…}}）')]);
    expect(templateBodyProblems('a\n{{#each x}}y{{/if}}')).toEqual([templateBodyMessages.syntax(2, '块标签 {{#each}} 与 {{/if}} 不匹配')]);
    expect(templateBodyProblems('{{fullName')[0]).toMatch(/^模板语法错误（第1行）/);
    expect(syntaxMessage(new Error('something else'))).toBe('模板语法错误：{{ }} 标记不完整或写法不正确');
  });

  it('M03 refuses bodies above the size cap (UTF-8 bytes)', () => {
    const cap = templateBodyLimits.maxBytes;
    expect(templateBodyProblems('a'.repeat(cap))).toEqual([]);
    // 3 bytes per Chinese character: fewer characters than the cap, more bytes.
    const big = '承'.repeat(Math.ceil(cap / 3) + 1);
    expect(templateBodyProblems(big)).toEqual([templateBodyMessages.tooLarge(Math.ceil(Buffer.byteLength(big) / 1024))]);
  });

  it('lists every problem it finds', () => {
    const problems = templateBodyProblems('<script></script><img src="https://x" onload="y">{{{z}}}');
    expect(problems).toEqual(
      expect.arrayContaining([templateBodyMessages.script, templateBodyMessages.unescaped, templateBodyMessages.eventHandler('onload'), templateBodyMessages.externalUrl]),
    );
  });
});
