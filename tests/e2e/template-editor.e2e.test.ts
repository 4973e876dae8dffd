import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { input, signInPage, useConsole } from '../support/browser';
import { newCandidate, signIn } from '../support/test-env';
import type { TemplateDetail } from '../../api/src/contracts/templates';

const ui = useConsole();

// This journey edits the 报名表 template, which no other template test publishes; what it publishes is
// the built-in body plus a marker, so forms rendered meanwhile still hold every expected text.
const CODE = 'registration-form';

afterAll(async () => {
  await ui.ctx.db('document_templates').where({ code: CODE }).delete();
});

const previewText = (page: Page) => page.frameLocator('[data-test=template-preview]').locator('body').textContent();

describe('template editor in the browser (M03)', () => {
  it('M03 an exam admin edits a template with live preview, saves a draft, publishes it, and documents use it', async () => {
    const errors: string[] = [];
    const context = await ui.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => r.status() >= 500 && errors.push(`${r.status()} ${r.url()}`));

    await signInPage(page, ui.baseUrl, 'examadmin', DEMO_PASSWORD);
    // The menu entry 考务管理 / 模板管理 opens the list.
    await page.locator('.el-menu-item', { hasText: '模板管理' }).click();
    await page.waitForURL(/\/exam-admin\/templates$/);
    await expect.poll(() => page.locator('[data-test=template-list]').textContent()).toContain('告知承诺书');
    await page.locator(`[data-test=template-edit-${CODE}]`).click();
    await page.waitForURL(new RegExp(`/exam-admin/templates/${CODE}$`));

    // The preview is a sandboxed frame (no scripts, no same origin) showing the sample data.
    const frame = page.locator('[data-test=template-preview]');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await expect.poll(() => previewText(page), { timeout: 15_000 }).toContain('张晓明');

    // Typing refreshes the preview after a pause; a refused body shows why, in Chinese.
    const textarea = page.locator('textarea[data-test=template-body], [data-test=template-body] textarea').first();
    const builtin = await textarea.inputValue();
    expect(builtin).toContain('{{/document-layout}}');
    await textarea.fill(`${builtin}<script>alert(1)</script>`);
    await expect.poll(() => page.locator('[data-test=template-preview-error]').textContent(), { timeout: 15_000 }).toContain('模板不能包含脚本');
    const marker = `浏览器修订${Date.now() % 1_000_000}`;
    await textarea.fill(builtin.replace('{{/document-layout}}', `<p>${marker}</p>\n{{/document-layout}}`));
    await expect.poll(() => previewText(page), { timeout: 15_000 }).toContain(marker);
    expect(await page.locator('[data-test=template-preview-error]').count()).toBe(0);

    // Save as a draft: the change note is required.
    await page.locator('[data-test=template-save]').click();
    await expect.poll(() => page.locator('.el-form-item__error').first().textContent()).toContain('请填写修改说明');
    await input(page, 'template-change-note').fill('浏览器测试：增加说明');
    await page.locator('[data-test=template-save]').click();
    await expect.poll(() => page.locator('[data-test=template-source]').textContent()).toMatch(/正在编辑草稿第\d+版/);
    const version = Number(/第(\d+)版/.exec((await page.locator('[data-test=template-source]').textContent()) ?? '')?.[1]);
    expect(version).toBeGreaterThan(0);

    // Publish, confirming in the dialog.
    await page.locator('[data-test=template-publish]').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await expect.poll(() => page.locator('[data-test=template-current]').textContent()).toContain(`第${version}版`);
    await expect.poll(() => page.locator('[data-test=template-versions]').textContent()).toContain('当前发布');

    const admin = await signIn(ui.ctx.app, 'examadmin');
    const detail = (await admin.get(`/api/templates/${CODE}`)).body as TemplateDetail;
    expect(detail.currentVersion).toBe(version);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('M03 a candidate has no template menu and cannot open the editor', async () => {
    const { username } = await newCandidate(ui.ctx, 'tpl-e2e', { confirmGuide: false });
    const context = await ui.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await signInPage(page, ui.baseUrl, username, 'Test@2026');
    expect(await page.locator('text=模板管理').count()).toBe(0);
    await page.goto(`${ui.baseUrl}/exam-admin/templates/${CODE}`);
    await page.waitForURL(/\/403(\?|$)/);
    await context.close();
  }, 60_000);
});

