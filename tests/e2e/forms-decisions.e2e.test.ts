import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { input, signInPage, useConsole } from '../support/browser';

const ui = useConsole();

describe('form designer and decision editor in the browser (U3, U4)', () => {
  it('U3 U4: the designer builds and saves a form-js form and opens registration-eligibility in dmn-js under the strict CSP', async () => {
    const errors: string[] = [];
    const context = await ui.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    // A CSP violation (eval, an inline script, a font from elsewhere) shows as a console error.
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused|EvalError/.test(m.text()) && errors.push(m.text()));
    page.on('response', (r) => r.status() >= 500 && errors.push(`${r.status()} ${r.url()}`));

    await signInPage(page, ui.baseUrl, 'designer', DEMO_PASSWORD);

    // 表单设计: the form-js editor renders its palette; Enter on a palette entry appends that field.
    await page.locator('.el-menu-item', { hasText: '表单设计' }).click();
    await page.waitForURL(/\/processes\/forms$/);
    const editor = page.locator('[data-test=task-form-editor]');
    await expect.poll(() => editor.locator('.fjs-palette-field').count(), { timeout: 20_000 }).toBeGreaterThan(5);
    await expect.poll(() => editor.locator('.fjs-form-field-textfield').count()).toBe(1);
    await editor.locator('.fjs-palette-field[data-field-type=textfield]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => editor.locator('.fjs-form-field-textfield').count()).toBe(2);

    // Saving without a key is refused with the field named; with one, the form is stored.
    await input(page, 'task-form-name').fill('专家评审意见');
    await page.locator('[data-test=task-form-save]').click();
    await expect.poll(() => page.locator('.form-meta .el-form-item__error').first().textContent()).toContain('表单标识须');
    await input(page, 'task-form-key').fill('expert-opinion');
    await page.locator('[data-test=task-form-save]').click();
    await expect.poll(() => page.locator('[data-test=task-form-list]').textContent()).toContain('form:expert-opinion');

    const saved = await page.request.get(`${ui.baseUrl}/api/task-forms/forms/expert-opinion`);
    expect(saved.status()).toBe(200);
    const form = (await saved.json()) as { version: number; name: string; schema: { components: Array<{ type: string; key?: string }> } };
    expect(form.version).toBe(1);
    expect(form.name).toBe('专家评审意见');
    expect(form.schema.components.filter((c) => c.type === 'textfield')).toHaveLength(2);
    expect(form.schema.components.map((c) => c.key)).toContain('remark');

    // 决策表: registration-eligibility opens as its decision table (not the requirements diagram).
    await page.locator('.el-menu-item', { hasText: '决策表' }).click();
    await page.waitForURL(/\/processes\/decisions/);
    await page.locator('[data-test=decision-select]').click();
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: 'registration-eligibility' }).first().click();
    await page.waitForURL(/key=registration-eligibility/);
    const canvas = page.locator('[data-test=decision-canvas]');
    await expect.poll(() => canvas.locator('.tjs-table').count(), { timeout: 20_000 }).toBe(1);
    expect(await canvas.locator('.tjs-table tbody tr').count()).toBeGreaterThan(0);
    expect(await canvas.locator('.decision-table-name').textContent()).toContain('报考条件');
    expect(await page.locator('[data-test=decision-source]').textContent()).toMatch(/已部署的第\d+版/);

    // The unchanged table validates against the API.
    await page.locator('[data-test=decision-validate]').click();
    await expect.poll(() => page.locator('[data-test=decision-validation]').textContent()).toContain('没有错误，可以部署');

    expect(errors).toEqual([]);
    await context.close();
  });
});
