import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { demoExamId, newCandidate, TEST_PHONE, uniqueIdNumber } from '../support/test-env';
import { choose, input, signInPage, useConsole, waitForInboxRow } from '../support/browser';
import { fillEducation, fillWorkPeriod } from '../support/registration-form';

const ui = useConsole();

const signIn = (page: Page, username: string, password: string) => signInPage(page, ui.baseUrl, username, password);

describe('walking skeleton journey in the browser (M15, M04, M02, M10, U5, U9)', () => {
  it('M15 U9 M10 M04 a candidate reads and confirms the exam guide, applies step by step and signs, withdraws the confirmation, corrects and signs again, a reviewer claims and approves in the inbox, the candidate sees the timeline and downloads the form', async () => {
    // Phone bound and photo uploaded (M08, M09), guide not yet confirmed; signed in by password, so the identity is typed.
    const { username } = await newCandidate(ui.ctx, 'e2e', { confirmGuide: false });
    const exam = await ui.ctx.db('exams').where({ id: await demoExamId(ui.ctx) }).first<{ name: string }>('name');
    const errors: string[] = [];

    // --- the candidate applies ---
    const candidateContext = await ui.browser.newContext({ acceptDownloads: true, locale: 'zh-CN' });
    const candidate = await candidateContext.newPage();
    candidate.on('pageerror', (e) => errors.push(`candidate: ${e.message}`));
    // A 401 from /api/auth/me before signing in is how the console learns nobody is signed in;
    // failed loads are judged by status below, other console errors count.
    candidate.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && errors.push(`candidate console: ${m.text()}`));
    candidate.on('response', (r) => r.status() >= 500 && errors.push(`candidate: ${r.status()} ${r.url()}`));
    await signIn(candidate, username, 'Test@2026');
    // --- applying requires the exam guide: the form links to it until it is confirmed (M02, M10) ---
    await candidate.goto(`${ui.baseUrl}/portal/apply`);
    await choose(candidate, 'apply-exam', exam.name);
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

    // ① 选择考试 (M11)
    await candidate.goto(`${ui.baseUrl}/portal/apply`);
    await choose(candidate, 'apply-exam', exam.name);
    await choose(candidate, 'apply-level', '考全科');
    await choose(candidate, 'apply-major', '化工安全');
    await expect.poll(() => candidate.locator('[data-test=apply-fee]').textContent()).toBe('140.00元');
    await expect.poll(() => candidate.locator('[data-test=apply-next]').isDisabled()).toBe(false);
    await candidate.locator('[data-test=apply-next]').click();
    // ② 填写信息: the bound phone is filled in; name and ID are typed (no 一网通办 identity)
    await expect.poll(() => input(candidate, 'apply-phone').inputValue()).toBe(TEST_PHONE);
    await input(candidate, 'apply-name').fill('陈浏览');
    const idNumber = uniqueIdNumber();
    await input(candidate, 'apply-id').fill(idNumber);
    await choose(candidate, 'apply-district', '徐汇区');
    await input(candidate, 'apply-employer').fill('上海浏览器化工有限公司');
    await fillEducation(candidate, 0, { level: 'college', school: '上海应用技术学院', major: '安全工程', fullTime: true, startDate: '2008-09-01', graduationDate: '2011-07-01', certificateNo: '125401201105000456' });
    await fillWorkPeriod(candidate, 0, { employer: '上海浏览器化工有限公司', post: '安全管理员', startDate: '2011-08-01', endDate: null, safetyWork: true });
    await candidate.locator('[data-test=apply-next]').click();
    // ③ 核对确认 and signing (M15, M03)
    await expect.poll(() => candidate.locator('[data-test=check-explanation]').textContent(), { timeout: 15_000 }).toContain('符合报考条件');
    await candidate.locator('[data-test=commitment-agree]').click();
    await candidate.locator('[data-test=apply-submit]').click();
    await candidate.waitForURL(/\/portal\/registrations\/BM/);
    const registrationNo = (await candidate.locator('[data-test=registration-no]').first().textContent())!.trim();
    expect(registrationNo).toMatch(/^BM/);

    // --- before payment the candidate may withdraw the confirmation, correct the form and sign again (M15) ---
    await expect.poll(async () => {
      await candidate.reload();
      return candidate.locator('[data-test=registration-status]').first().textContent();
    }, { timeout: 30_000 }).toContain('待资格审核');
    await candidate.locator('[data-test=withdraw]').click();
    const confirmBox = candidate.locator('.el-message-box');
    await expect.poll(() => confirmBox.textContent()).toContain('重新确认并签署告知承诺书');
    await confirmBox.locator('.el-message-box__btns .el-button--primary').click();
    await candidate.locator('[data-test=edit-form]').waitFor();
    expect(await candidate.locator('[data-test=registration-status]').first().textContent()).toContain('已撤回确认');
    await candidate.locator('[data-test=apply-next]').click();
    // The ID number travels masked in the view: an account without 一网通办 identity types it again.
    await input(candidate, 'apply-id').fill(idNumber);
    await input(candidate, 'apply-employer').fill('上海浏览器化工集团有限公司');
    await candidate.locator('[data-test=apply-next]').click();
    await candidate.locator('[data-test=commitment-agree]').click();
    await candidate.locator('[data-test=apply-submit]').click();
    await candidate.locator('[data-test=edit-form]').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await candidate.locator('[data-test=withdraw]').count()).toBe(1);

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

    // --- the candidate follows the case and downloads the form (U9, M04) ---
    await expect.poll(async () => {
      await candidate.reload();
      return candidate.locator('[data-test=timeline]').textContent();
    }, { timeout: 30_000 }).toContain('资格审核通过');
    const timeline = (await candidate.locator('[data-test=timeline]').textContent()) ?? '';
    expect(timeline).toContain('确认报名信息并签署告知承诺书');
    expect(timeline).toContain('报考条件判定完成，转资格审核');
    expect(timeline).toContain('撤回确认');
    expect(timeline).toContain('重新确认报名信息并签署告知承诺书');
    expect(timeline).toContain('待缴费');
    await expect.poll(() => candidate.locator('[data-test=registration-status]').first().textContent()).toContain('待缴费');
    expect(await candidate.locator('[data-test=review-comment-text]').textContent()).toBe('报考条件符合');
    expect(await candidate.locator('[data-test=summary-educations]').textContent()).toContain('上海应用技术学院');
    expect(await candidate.locator('.registration-summary').textContent()).toContain('上海浏览器化工集团有限公司');

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
  }, 180_000);
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
    // Every action reads as words, not as its code (api/src/contracts/audit-actions.ts, labelled by the features).
    const labels = await page.locator('[data-test=audit-action-label]').allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.filter((label) => /^[a-z][a-z0-9-]*\./.test(label.trim()))).toEqual([]);
    await page.locator('[data-test=audit-verify]').click();
    await expect.poll(() => page.locator('.el-message-box').textContent(), { timeout: 15_000 }).toContain('审计日志哈希链完整');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
