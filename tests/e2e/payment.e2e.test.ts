import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Download } from 'playwright-core';
import type { PaymentView } from '../../api/src/contracts/payments';
import { eventually, newCandidate, validApplication } from '../support/test-env';
import { signInPage, useConsole } from '../support/browser';
import { pdfText } from '../support/pdf';

const ui = useConsole();

/** The address payers return to: the run's workers create orders with `publicBaseUrl` 'http://127.0.0.1' (tests/setup/global-setup.ts). */
const PUBLIC_ORIGIN = 'http://127.0.0.1';

/**
 * Serves the console under test at the public address too, as the reverse proxy does in production
 * (deploy/nginx): every request to `PUBLIC_ORIGIN` is answered by the console. The page keeps that
 * origin, so the cashier's redirect back is followed as the platform sends it, with no second hop.
 */
async function serveConsoleAtPublicAddress(context: BrowserContext): Promise<void> {
  await context.route(
    (url) => url.origin === PUBLIC_ORIGIN,
    async (route) => {
      const url = new URL(route.request().url());
      const response = await route.fetch({ url: `${ui.baseUrl}${url.pathname}${url.search}`, maxRedirects: 0 });
      await route.fulfill({ response });
    },
  );
}

/** A bachelor in safety work: accepted without a reviewer, so the case goes straight to payment. */
const bachelor = {
  educations: [{ level: 'bachelor', school: '同济大学', major: '土木工程', fullTime: true, startDate: '2010-09-01', graduationDate: '2014-07-01', certificateNo: '102471201405000321' }],
  workPeriods: [{ employer: '上海某建设集团', post: '安全员', startDate: '2014-08-01', endDate: null, safetyWork: true }],
};

describe('online payment in the browser (M16, M06)', () => {
  it('M16 a candidate pays in the sandbox cashier, returns, sees 已缴费 and downloads the e-receipt PDF', async () => {
    const { agent, username } = await newCandidate(ui.ctx, 'pay-e2e');
    const submitted = await agent.post('/api/registrations').send(await validApplication(ui.ctx, bachelor));
    expect(submitted.status).toBe(201);
    const registrationNo = submitted.body.registrationNo as string;
    // The case accepts the bachelor and the `payment-order` step places the order at the platform.
    await eventually(async () => ((await agent.get(`/api/registrations/${registrationNo}/payment`)).body as PaymentView).status === 'waiting', 'the payment order');

    const context = await ui.browser.newContext({ acceptDownloads: true, locale: 'zh-CN' });
    await serveConsoleAtPublicAddress(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(`console: ${m.text()}`));
    page.on('response', (r) => r.status() >= 500 && errors.push(`${r.status()} ${r.url()}`));
    await signInPage(page, ui.baseUrl, username, 'Test@2026');

    // 我的报名: 待缴费 with a 去缴费 shortcut to the registration.
    await page.goto(`${ui.baseUrl}/portal/registrations`);
    const card = page.locator(`[data-test=registration-row][data-registration-no="${registrationNo}"]`);
    await expect.poll(() => card.locator('[data-test=registration-status]').textContent(), { timeout: 15_000 }).toContain('待缴费');
    expect(await card.locator('[data-test=registration-payment-due]').count()).toBe(1);
    await card.locator('[data-test=registration-pay]').click();
    await page.waitForURL(new RegExp(`/portal/registrations/${registrationNo}$`));

    // The payment card: amount, order state, deadline, 去缴费.
    const payment = page.locator('[data-test=payment-card]');
    await expect.poll(() => payment.locator('[data-test=payment-status]').textContent(), { timeout: 15_000 }).toContain('待支付');
    expect(await payment.locator('[data-test=payment-amount]').textContent()).toBe('140.00元');
    expect(await payment.locator('[data-test=payment-deadline]').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await page.locator('[data-test=courier-delivery]').count()).toBe(0);
    await payment.locator('[data-test=pay]').click();

    // The platform's cashier page (the sandbox): the same amount, then 支付.
    await page.waitForURL((url) => url.href.startsWith(`${ui.ctx.env.paymentBaseUrl}/pay/`));
    expect(await page.locator('[data-test=pay-amount]').textContent()).toBe('¥140.00');
    await page.locator('[data-test=pay-confirm]').click();

    // Back in the console: the page asks the platform itself, so it is right even before the callback.
    await page.waitForURL((url) => url.pathname === `/portal/registrations/${registrationNo}` && url.searchParams.get('paid') === '1');
    await expect.poll(() => page.locator('[data-test=registration-status]').first().textContent(), { timeout: 30_000 }).toContain('已缴费');
    await expect.poll(() => payment.locator('[data-test=payment-status]').textContent(), { timeout: 15_000 }).toContain('已支付');
    expect(await payment.locator('[data-test=pay]').count()).toBe(0);
    expect(await payment.locator('[data-test=payment-paid-at]').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

    // The e-receipt worker issues the fiscal e-receipt; the card shows it without a reload.
    const receiptNo = payment.locator('[data-test=receipt-no]');
    await receiptNo.waitFor({ timeout: 60_000 });
    const number = (await receiptNo.textContent())!.trim();
    expect(number).not.toBe('');
    expect((await payment.locator('[data-test=receipt-check-code]').textContent())!.trim()).not.toBe('');
    expect(await payment.locator('[data-test=receipt-verify]').getAttribute('href')).toMatch(/^https?:\/\//);
    await expect.poll(() => page.locator('[data-test=timeline]').textContent(), { timeout: 15_000 }).toContain('已缴费');

    const downloaded = new Promise<Download>((resolve) => page.once('download', resolve));
    await payment.locator('[data-test=download-receipt]').click();
    const download = await downloaded;
    const pdf = fs.readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfText(pdf)).toContain(number);

    // Paid: the paper receipt may now be sent by courier (G6).
    await page.locator('[data-test=courier-delivery]').waitFor();

    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
