import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/src/auth/password';
import { UserRepository } from '../../api/src/auth/user.repository';
import { sandboxMessages } from '../../api/src/integrations/sms/sandbox/sms-sandbox';
import { input, useConsole } from '../support/browser';

const ui = useConsole();

describe('SMS second factor in the console (S1)', () => {
  it('S1 a staff member with SMS verification signs in with password, then the code shown on the masked phone', async () => {
    const username = `e2e-mfa-${Date.now()}`;
    const phone = `137${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;
    const id = await new UserRepository(ui.ctx.db, ui.ctx.security).upsertUser({ username, displayName: '王短信', kind: 'staff', passwordHash: await hashPassword('E2e@2026'), bureau: null }, ['exam-reviewer']);
    await ui.ctx.db('users').where({ id }).update({ mfa_enabled: true, mfa_phone: ui.ctx.security.cipher.encrypt(phone) });

    const context = await ui.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => r.status() >= 500 && errors.push(`${r.status()} ${r.url()}`));

    await page.goto(`${ui.baseUrl}/login`);
    await input(page, 'login-username').fill(username);
    await input(page, 'login-password').fill('E2e@2026');
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=login-code]').waitFor();
    await expect.poll(() => page.locator('[data-test=login-phone]').textContent()).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(await page.locator('[data-test=login-resend]').isDisabled()).toBe(true);

    const [sms] = await sandboxMessages(ui.ctx.env.smsGatewayUrl, phone);
    const code = /验证码为(\d{6})/.exec(sms!.text)![1]!;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await input(page, 'login-code').fill(wrong);
    await page.locator('[data-test=login-verify]').click();
    await page.getByRole('alert').filter({ hasText: '验证码错误，还可尝试4次' }).waitFor();
    expect(page.url()).toContain('/login');

    await input(page, 'login-code').fill(code);
    await page.locator('[data-test=login-verify]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    expect((await page.request.get(`${ui.baseUrl}/api/auth/me`)).status()).toBe(200);
    expect(errors).toEqual([]);
    await context.close();
  });
});
