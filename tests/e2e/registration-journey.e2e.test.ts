import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { hashPassword } from '../../api/src/auth/password';
import { UserRepository } from '../../api/src/auth/user.repository';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { uniqueIdNumber } from '../support/test-env';
import { choose, input, signInPage, useConsole, waitForInboxRow } from '../support/browser';

const ui = useConsole();

const signIn = (page: Page, username: string, password: string) => signInPage(page, ui.baseUrl, username, password);

describe('walking skeleton journey in the browser (M15, M04, M02, M10, U5, U9)', () => {
  it('M15 U9 M10 a candidate reads and confirms the exam guide, applies, a reviewer claims and approves in the inbox, the candidate sees the timeline and downloads the form', async () => {
    const username = `e2e-${Date.now()}`;
    await new UserRepository(ui.ctx.db, ui.ctx.security).upsertUser({ username, displayName: '陈浏览', kind: 'candidate', passwordHash: await hashPassword('E2e@2026'), bureau: null }, ['candidate']);
    const errors: string[] = [];

    // --- the candidate applies ---
    const candidateContext = await ui.browser.newContext({ acceptDownloads: true, locale: 'zh-CN' });
    const candidate = await candidateContext.newPage();
    candidate.on('pageerror', (e) => errors.push(`candidate: ${e.message}`));
    // A 401 from /api/auth/me before signing in is how the console learns nobody is signed in;
    // failed loads are judged by status below, other console errors count.
    candidate.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(`candidate console: ${m.text()}`));
    candidate.on('response', (r) => r.status() >= 500 && errors.push(`candidate: ${r.status()} ${r.url()}`));
    await signIn(candidate, username, 'E2e@2026');
    // --- applying requires the exam guide: the form links to it until it is confirmed (M02, M10) ---
    await candidate.goto(`${ui.baseUrl}/portal/apply`);
    await choose(candidate, 'apply-exam', '上海市初级注册安全工程师职业资格考试');
    await candidate.locator('[data-test=apply-guide-link]').click();
    await candidate.waitForURL(/\/portal\/guide\?examId=\d+/);
    const guide = candidate.locator('[data-test=guide-content]');
    await expect.poll(() => guide.textContent(), { timeout: 15_000 }).toContain('报考条件');
    expect(await guide.textContent()).toContain('每人每科70元');
    const pdfHref = await candidate.locator('[data-test=guide-download]').getAttribute('href');
    const pdf = await candidateContext.request.get(`${ui.baseUrl}${pdfHref}`);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await candidate.locator('[data-test=guide-confirm]').isDisabled()).toBe(true);
    await candidate.locator('[data-test=guide-agree]').click();
    await candidate.locator('[data-test=guide-confirm]').click();
    await candidate.locator('[data-test=guide-confirmed]').waitFor();
    expect(await candidate.locator('[data-test=guide-confirmed]').textContent()).toContain('确认阅读');

    await candidate.goto(`${ui.baseUrl}/portal/apply`);
    await choose(candidate, 'apply-exam', '上海市初级注册安全工程师职业资格考试');
    await choose(candidate, 'apply-level', '考全科');
    await choose(candidate, 'apply-major', '化工安全');
    await input(candidate, 'apply-name').fill('陈浏览');
    await input(candidate, 'apply-id').fill(uniqueIdNumber());
    await input(candidate, 'apply-phone').fill('13912345678');
    await input(candidate, 'apply-employer').fill('上海浏览器化工有限公司');
    await choose(candidate, 'apply-education', '本科');
    await candidate.locator('[data-test=apply-related-yes]').click();
    await input(candidate, 'apply-years').fill('3');
    await candidate.locator('[data-test=apply-submit]').click();
    await candidate.waitForURL(/\/portal\/registrations\/BM/);
    const registrationNo = (await candidate.locator('[data-test=registration-no]').first().textContent())!.trim();
    expect(registrationNo).toMatch(/^BM/);

    // --- the reviewer claims and approves ---
    const reviewerContext = await ui.browser.newContext({ locale: 'zh-CN' });
    const reviewer = await reviewerContext.newPage();
    reviewer.on('pageerror', (e) => errors.push(`reviewer: ${e.message}`));
    reviewer.on('response', (r) => r.status() >= 500 && errors.push(`reviewer: ${r.status()} ${r.url()}`));
    await signIn(reviewer, 'reviewer1', DEMO_PASSWORD);
    await reviewer.goto(`${ui.baseUrl}/inbox/review`);
    const row = await waitForInboxRow(reviewer, registrationNo);
    await row.locator('[data-test=task-claim]').click();
    await row.locator('[data-test=task-review]').click();
    await reviewer.locator('[data-test=review-approve]').click();
    await reviewer.locator('[data-test=review-comment] textarea, textarea[data-test=review-comment]').first().fill('报考条件符合');
    await reviewer.locator('[data-test=review-submit]').click();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);

    // --- the candidate follows the case and downloads the form ---
    await expect.poll(async () => {
      await candidate.reload();
      return candidate.locator('[data-test=timeline]').textContent();
    }, { timeout: 30_000 }).toContain('等待缴费');
    const timeline = (await candidate.locator('[data-test=timeline]').textContent()) ?? '';
    expect(timeline).toContain('提交报名');
    expect(timeline).toContain('资格预检通过');
    expect(timeline).toContain('资格审核通过');
    await expect.poll(() => candidate.locator('[data-test=registration-status]').first().textContent()).toContain('审核通过，待缴费');

    // The link opens in a new tab, whose response is an attachment: the download may start in either page.
    const downloaded = new Promise<Download>((resolve) => {
      candidate.on('download', resolve);
      candidateContext.on('page', (popup) => popup.on('download', resolve));
    });
    await candidate.locator('[data-test=download-form]').click();
    const download = await downloaded;
    const file = await download.path();
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    expect(errors).toEqual([]);
    await candidateContext.close();
    await reviewerContext.close();
  }, 120_000);
});

describe('audit log in the console (S1)', () => {
  it('S1 a system admin browses the audit log and verifies its hash chain', async () => {
    const context = await ui.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, 'sysadmin', DEMO_PASSWORD);
    await page.goto(`${ui.baseUrl}/admin/audit`);
    await page.locator('tr.audit-row').first().waitFor();
    expect(await page.locator('tr.audit-row', { hasText: 'sysadmin' }).count()).toBeGreaterThan(0);
    await page.locator('[data-test=audit-verify]').click();
    await expect.poll(() => page.locator('.el-message-box').textContent(), { timeout: 15_000 }).toContain('审计日志哈希链完整');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
