import { describe, expect, it } from 'vitest';
import { useConsole } from '../support/browser';
import { ywtbTestIdentities } from '../../api/src/integrations/ywtb/sandbox/ywtb-sandbox';

const ui = useConsole();

describe('一网通办 sign-in in the console (M01, G2)', () => {
  it('M01 a candidate clicks 一网通办登录, picks a test identity on the platform page and lands on the application form signed in', async () => {
    const context = await ui.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && /Content Security Policy/.test(m.text()) && errors.push(m.text()));
    page.on('response', (r) => r.status() >= 500 && errors.push(`${r.status()} ${r.url()}`));

    await page.goto(`${ui.baseUrl}/login`);
    const button = page.locator('[data-test=login-ywtb]');
    await expect.poll(() => button.textContent()).toContain('一网通办登录（考生）');
    await button.click();
    await page.waitForURL((url) => url.href.startsWith(`${ui.ctx.env.ywtbBaseUrl}/authorize`));
    await page.getByText('个人用户登录').waitFor();
    await page.locator('[data-test=ywtb-identity-2]').click();

    await page.waitForURL((url) => url.pathname === '/portal/apply');
    const me = await page.request.get(`${ui.baseUrl}/api/auth/me`);
    expect(me.status()).toBe(200);
    expect(await me.json()).toMatchObject({ displayName: ywtbTestIdentities[2]!.name, roles: ['candidate'] });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('G2 a refused sign-in comes back to the sign-in page with a Chinese message', async () => {
    const context = await ui.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${ui.baseUrl}/api/auth/ywtb/callback?code=x&state=y`);
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('alert').filter({ hasText: '登录请求已失效或来源不可信' }).waitFor();
    await context.close();
  });
});
