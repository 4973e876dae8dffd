import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { signInPage, useConsole } from '../support/browser';

const ui = useConsole();

describe('process designer in the browser (U1, U2)', () => {
  it('U1 U2: the designer opens exam-registration in the modeler under the strict CSP, validates it and sees no errors', async () => {
    const errors: string[] = [];
    const context = await ui.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    // A CSP violation (an inline script, eval, a font from elsewhere) shows as a console error.
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused/.test(m.text()) && errors.push(m.text()));
    page.on('response', (r) => r.status() >= 500 && errors.push(`${r.status()} ${r.url()}`));

    await signInPage(page, ui.baseUrl, 'designer', DEMO_PASSWORD);
    await page.locator('.el-menu-item', { hasText: '流程模型' }).click();
    await page.waitForURL(/\/processes\/models$/);
    await expect.poll(() => page.locator('[data-test=process-model-list]').textContent()).toContain('exam-registration');
    await page.locator('[data-test=process-open-exam-registration]').click();
    await page.waitForURL(/\/processes\/models\/exam-registration$/);

    // The canvas shows the model's elements, with Chinese palette labels and the properties panel.
    const canvas = page.locator('[data-test=process-canvas]');
    await expect.poll(() => canvas.locator('[data-element-id=Task_QualificationReview]').count(), { timeout: 20_000 }).toBe(1);
    expect(await canvas.locator('.djs-element').count()).toBeGreaterThan(20);
    expect(await page.locator('[data-test=process-source]').textContent()).toMatch(/已部署的第\d+版/);
    expect(await page.locator('.djs-palette [aria-label="创建任务"]').count()).toBe(1);
    await canvas.locator('[data-element-id=Task_QualificationReview]').click();
    await expect.poll(() => page.locator('.bio-properties-panel').textContent()).toContain('资格审核');

    await page.locator('[data-test=process-validate]').click();
    await expect.poll(() => page.locator('[data-test=process-problems]').textContent()).toContain('没有错误，可以部署');
    expect(await page.locator('[data-test=process-problems] .el-tag--danger').count()).toBe(0);

    expect(errors).toEqual([]);
    await context.close();
  });
});
