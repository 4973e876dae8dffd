import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidTemplateNameError, TemplateNotFoundError, TemplateRenderError, TemplateSyntaxError } from './document.errors';
import { TemplateEngine, formatDate, formatDateTime, imageDataUrl, loadDefaultTemplate, maskValue } from './template-engine';
import { SAMPLE_PHOTO_DATA_URL, registrationFormSample } from './template-samples';

const engine = new TemplateEngine();
const base64 = (text: string): string => Buffer.from(text).toString('base64');

describe('template engine: escaping', () => {
  it('S1 escapes a <script> in a value, in a plain template and in the registration form', async () => {
    const attack = '<script>alert("x")</script>';
    const plain = await engine.render('escape-check', '<p title="{{name}}">{{name}}</p>', { name: attack });
    expect(plain).not.toContain('<script>');
    expect(plain).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');

    const form = await engine.renderDefault('registration-form', {
      ...registrationFormSample,
      candidate: { ...registrationFormSample.candidate, name: attack, address: '"><img src=x onerror=alert(1)>' },
    });
    expect(form).not.toContain('<script>');
    expect(form).not.toContain('<img src=x');
    expect(form).toContain('&lt;script&gt;');
  });

  it('S1 refuses templates with unescaped output ({{{ }}} or {{& }})', async () => {
    await expect(engine.render('triple', '<div>{{{html}}}</div>', { html: '<b>x</b>' })).rejects.toThrow(TemplateSyntaxError);
    await expect(engine.render('ampersand', '<div>{{& html}}</div>', { html: '<b>x</b>' })).rejects.toThrow(/unescaped output/);
    await expect(engine.render('nested', '{{#*inline "x"}}{{#each a}}{{{this}}}{{/each}}{{/inline}}', { a: [] })).rejects.toThrow(/line 1/);
    await expect(engine.render('broken', '<div>{{#if x}}</div>', {})).rejects.toThrow(TemplateSyntaxError);
  });

  it('does not reach prototype properties of the data', async () => {
    expect(await engine.render('proto', '{{constructor.name}}|{{__proto__}}', { a: 1 })).toBe('|');
  });
});

describe('template engine: helpers', () => {
  it('date formats calendar dates as YYYY年M月D日 and timestamps in Shanghai time', () => {
    expect(formatDate('2024-03-05')).toBe('2024年3月5日');
    expect(formatDate('2011-07')).toBe('2011年7月');
    // 16:30 UTC is already the next day in Shanghai (UTC+8).
    expect(formatDate('2024-03-04T16:30:00Z')).toBe('2024年3月5日');
    expect(formatDate(new Date('2024-12-31T15:59:59Z'))).toBe('2024年12月31日');
    expect(formatDate(null)).toBe('');
    expect(() => formatDate('next tuesday')).toThrow(/not a date/);
  });

  it('datetime formats timestamps as YYYY年M月D日 HH:mm in Shanghai time', () => {
    expect(formatDateTime('2024-03-04T16:30:00Z')).toBe('2024年3月5日 00:30');
    expect(formatDateTime('2025-03-06T09:05:00+08:00')).toBe('2025年3月6日 09:05');
    expect(formatDateTime(undefined)).toBe('');
    expect(() => formatDateTime('2024-13-45T99:00:00Z')).toThrow(/not a date/);
  });

  it('mask keeps the requested head and tail and stars the rest, failing closed on short values', () => {
    expect(maskValue('310101199001011234', 6, 4)).toBe('310101********1234');
    expect(maskValue('13800138000', 3, 4)).toBe('138****8000');
    expect(maskValue('张晓明', 1, 0)).toBe('张**');
    expect(maskValue('1234', 2, 2)).toBe('****');
    expect(maskValue(undefined, 1, 1)).toBe('');
    expect(() => maskValue('abc', -1, 1)).toThrow(/non-negative integers/);
  });

  it('helpers work inside templates, including eq in a subexpression', async () => {
    const out = await engine.render(
      'helpers',
      '{{date d}}|{{datetime t}}|{{mask id 6 4}}|{{#if (eq g "male")}}男{{else}}女{{/if}}',
      { d: '2024-03-05', t: '2024-03-05T08:00:00+08:00', id: '310101199001011234', g: 'female' },
    );
    expect(out).toBe('2024年3月5日|2024年3月5日 08:00|310101********1234|女');
    await expect(engine.render('bad-mask', '{{mask id "x" 4}}', { id: '1' })).rejects.toThrow(TemplateRenderError);
  });

  it('imageDataUrl passes PNG and JPEG data URLs and rejects everything else', () => {
    expect(imageDataUrl(SAMPLE_PHOTO_DATA_URL)).toBe(SAMPLE_PHOTO_DATA_URL);
    const jpeg = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).toString('base64')}`;
    expect(imageDataUrl(jpeg)).toBe(jpeg);

    const refused = [
      `data:image/svg+xml;base64,${base64('<svg onload="alert(1)"/>')}`,
      `data:text/html;base64,${base64('<script>alert(1)</script>')}`,
      `data:image/png;base64,${base64('<svg onload="alert(1)"/>')}`, // mislabelled payload
      'data:image/png,not-base64',
      `${SAMPLE_PHOTO_DATA_URL}" onerror="alert(1)`,
      'https://example.org/photo.png',
      'file:///etc/passwd',
      'javascript:alert(1)',
      '',
      42,
      null,
    ];
    for (const value of refused) expect(() => imageDataUrl(value), String(value)).toThrow(/only data:image/);
  });

  it('a template given a non-image photo fails instead of emitting it', async () => {
    await expect(engine.render('photo', '<img src="{{imageDataUrl p}}">', { p: 'data:text/html;base64,PHA+' })).rejects.toThrow(
      TemplateRenderError,
    );
  });
});

describe('template engine: loading and caching', () => {
  it('rejects template names that could leave the templates folder', async () => {
    for (const name of ['../package', '..', 'partials/document-layout', '/etc/passwd', 'Registration-Form', 'a.hbs', '', 'x\0y']) {
      await expect(loadDefaultTemplate(name), name).rejects.toThrow(InvalidTemplateNameError);
      expect(() => engine.compile(name, 'x'), name).toThrow(InvalidTemplateNameError);
    }
    await expect(loadDefaultTemplate('no-such-template')).rejects.toThrow(TemplateNotFoundError);
  });

  it('reads templates/<name>.hbs from the repository whatever the working directory', async () => {
    const source = await loadDefaultTemplate('registration-form');
    expect(source).toContain('上海市初级注册安全工程师职业资格考试报名表');
  });

  it('caches compiled templates by name and content hash', () => {
    const first = engine.compile('cache-check', '<p>{{a}}</p>');
    expect(engine.compile('cache-check', '<p>{{a}}</p>')).toBe(first);
    const edited = engine.compile('cache-check', '<p>{{a}}!</p>');
    expect(edited).not.toBe(first);
    expect(edited({ a: 1 })).toBe('<p>1!</p>');
    expect(engine.compile('other-name', '<p>{{a}}</p>')).not.toBe(first);
  });

  it('keeps the cache bounded', () => {
    const small = new TemplateEngine({ cacheSize: 2 });
    const a = small.compile('a', 'a');
    small.compile('b', 'b');
    small.compile('c', 'c');
    expect(small.compile('a', 'a')).not.toBe(a);
  });

  it('refuses a partial with unescaped output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'templates-'));
    await mkdir(join(dir, 'partials'));
    await writeFile(join(dir, 'partials', 'bad-layout.hbs'), '<main>{{{body}}}</main>');
    await expect(new TemplateEngine({ templatesDir: dir }).render('x', '{{> bad-layout}}', {})).rejects.toThrow(TemplateSyntaxError);
  });
});

describe('registration form template (M04)', () => {
  it('M04 lays out every section of the 报名表 with the candidate data in the shared layout', async () => {
    const html = await engine.renderDefault('registration-form', registrationFormSample);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif');
    for (const label of ['上海市初级注册安全工程师职业资格考试报名表', '报名号', '个人信息', '姓名', '性别', '身份证件号码', '出生日期', '手机号码', '工作单位', '通讯地址', '报考信息', '考试名称', '报考级别', '报考专业', '报考科目', '学历信息', '毕业院校', '所学专业', '毕业时间', '工作经历', '起止时间', '岗位', '从事安全生产工作年限', '审核状态', '审核意见', '考生承诺', '考生签名', '日期', '上海市职业能力考试院 制', '生成时间']) {
      expect(html, label).toContain(label);
    }
    const c = registrationFormSample.candidate;
    for (const value of [registrationFormSample.registrationNumber, c.name, c.idNumber, c.mobile, c.employer, c.address, '1990年1月1日', '男', '化工安全', '安全生产法律法规；安全生产实务（化工安全）', '华东理工大学', '2016年1月', '2016年7月 — 至今', '安全管理科副科长', '13 年', '审核通过', '学历与工作年限符合报考条件。', '2025年3月5日', '2025年3月6日 09:30']) {
      expect(html, value).toContain(value);
    }
    expect(html).toContain(`<img class="photo" src="${SAMPLE_PHOTO_DATA_URL.replace(/=/g, '&#x3D;')}"`);
  });

  it('M04 shows 无 for empty lists and a labelled photo box when there is no photo', async () => {
    const html = await engine.renderDefault('registration-form', {
      ...registrationFormSample,
      photo: null,
      education: [],
      workHistory: [],
      application: { ...registrationFormSample.application, major: null, subjects: [] },
      review: { status: 'pending' },
      commitment: {},
    });
    expect(html).toContain('<div class="photo-placeholder">照片</div>');
    expect(html).not.toContain('<img');
    expect(html.match(/>无</g)?.length).toBe(5); // 报考专业, 报考科目, 学历, 工作经历, 审核意见
    expect(html).toContain('待审核');
  });
});
