import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { sandboxMessages } from '../../api/src/integrations/sms/sandbox/sms-sandbox';
import { demoExamId, eventually, portraitJpeg, uniqueIdNumber } from '../support/test-env';
import { choose, input, signInPage, useConsole, waitForInboxRow } from '../support/browser';
import { fieldError, fillEducation, fillWorkPeriod, pickDate } from '../support/registration-form';

const ui = useConsole();

/** Collects what must not happen on a page: uncaught errors and server failures. */
function watchForFailures(page: Page, who: string, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
  page.on('response', (r) => r.status() >= 500 && errors.push(`${who}: ${r.status()} ${r.url()}`));
}

/** Reloads the candidate's registration page until its status reads `label`. */
async function awaitStatus(page: Page, label: string): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.reload();
        const status = page.locator('[data-test=registration-status]').first();
        await status.waitFor({ timeout: 10_000 });
        return status.textContent();
      },
      { timeout: 60_000, interval: 1_000 },
    )
    .toContain(label);
}

describe('registration with a correction in the browser (M01, M08, M09, M10, M11, M15, M03, M04, U9)', () => {
  it('M15 M11 M03 U9 a candidate signs in through 一网通办, binds the phone, uploads a photo, confirms the guide, applies and signs; the reviewer returns the work history; the candidate corrects it and signs again; the reviewer approves and the portal shows 待缴费', async () => {
    const errors: string[] = [];
    const exam = await ui.ctx.db('exams').where({ id: await demoExamId(ui.ctx) }).first<{ name: string; year: number }>('name', 'year');
    const name = '赵纠错';
    const idNumber = uniqueIdNumber();
    const phone = `136${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;

    // --- 一网通办 sign-in with an identity entered on the platform page (M01, M07) ---
    const candidateContext = await ui.browser.newContext({ locale: 'zh-CN' });
    const candidate = await candidateContext.newPage();
    watchForFailures(candidate, 'candidate', errors);
    await candidate.goto(`${ui.baseUrl}/login`);
    await candidate.locator('[data-test=login-ywtb]').click();
    await candidate.waitForURL((url) => url.href.startsWith(`${ui.ctx.env.ywtbBaseUrl}/authorize`));
    await candidate.locator('#name').fill(name);
    await candidate.locator('#idNumber').fill(idNumber);
    await candidate.locator('#phone').fill(phone);
    await candidate.locator('[data-test=ywtb-manual-submit]').click();
    await candidate.waitForURL((url) => url.pathname === '/portal/apply');

    // --- the form needs a bound phone and a photo first, and links to both (M08, M09) ---
    await choose(candidate, 'apply-exam', exam.name);
    await candidate.locator('[data-test=apply-photo-required]').waitFor();
    expect(await candidate.locator('[data-test=apply-next]').isDisabled()).toBe(true);
    await candidate.locator('[data-test=apply-phone-link]').click();
    await candidate.waitForURL((url) => url.pathname === '/portal/phone');
    await input(candidate, 'phone-input').fill(phone);
    await candidate.locator('[data-test=phone-send]').click();
    const code = await eventually(async () => /验证码为(\d{6})/.exec((await sandboxMessages(ui.ctx.env.smsGatewayUrl, phone))[0]?.text ?? '')?.[1], 'the SMS code', 15_000);
    await input(candidate, 'phone-code').fill(code);
    await candidate.locator('[data-test=phone-verify]').click();
    await candidate.locator('[data-test=phone-bound]').waitFor();

    await candidate.goto(`${ui.baseUrl}/portal/photo`);
    await candidate.locator('[data-test=photo-upload] input[type=file]').setInputFiles({ name: '证件照.jpg', mimeType: 'image/jpeg', buffer: await portraitJpeg() });
    await candidate.locator('[data-test=photo-submit]').click();
    await candidate.locator('[data-test=photo-result] img').first().waitFor();

    // --- the guide is read and confirmed from the form's link (M10) ---
    await candidate.goto(`${ui.baseUrl}/portal/apply`);
    await choose(candidate, 'apply-exam', exam.name);
    await candidate.locator('[data-test=apply-guide-link]').click();
    await candidate.waitForURL(/\/portal\/guide\?examId=\d+/);
    await candidate.locator('[data-test=guide-agree]').click();
    await candidate.locator('[data-test=guide-confirm]').click();
    await candidate.locator('[data-test=guide-apply]').click();
    await candidate.waitForURL((url) => url.pathname === '/portal/apply');

    // --- ① 选择考试 (M11): subjects and fee follow the level and major ---
    await choose(candidate, 'apply-exam', exam.name);
    await choose(candidate, 'apply-level', '考全科');
    await choose(candidate, 'apply-major', '化工安全');
    await expect.poll(() => candidate.locator('[data-test=apply-subjects]').textContent()).toContain('安全生产法律法规');
    expect(await candidate.locator('[data-test=apply-subjects]').textContent()).toContain('安全生产实务（化工安全）');
    expect(await candidate.locator('[data-test=apply-fee]').textContent()).toBe('140.00元');
    await expect.poll(() => candidate.locator('[data-test=apply-next]').isDisabled()).toBe(false);
    await candidate.locator('[data-test=apply-next]').click();

    // --- ② 填写信息: identity and phone are pre-filled and read-only; every mistake shows at its field ---
    await expect.poll(() => input(candidate, 'apply-name').inputValue()).toBe(name);
    expect(await input(candidate, 'apply-id').inputValue()).toBe(idNumber);
    expect(await input(candidate, 'apply-id').getAttribute('readonly')).not.toBeNull();
    expect(await input(candidate, 'apply-phone').inputValue()).toBe(phone);
    await candidate.locator('[data-test=apply-next]').click();
    await expect.poll(() => fieldError(candidate, 'edu-school-0').textContent()).toBe('请填写毕业院校');
    expect(await fieldError(candidate, 'apply-district').textContent()).toBe('请选择工作或居住所在区');

    await choose(candidate, 'apply-district', '浦东新区');
    await input(candidate, 'apply-employer').fill('上海某化工有限公司');
    await fillEducation(candidate, 0, {
      level: 'college',
      school: '上海应用技术学院',
      major: '安全工程',
      fullTime: true,
      startDate: '2008-09-01',
      graduationDate: '2011-07-01',
      certificateNo: '125401201105000123',
    });
    await fillWorkPeriod(candidate, 0, { employer: '上海某化工有限公司', post: '安全管理员', startDate: '2015-03-01', endDate: null, safetyWork: true });
    // An overlapping second period: the API's message lands next to that row's start date.
    await candidate.locator('[data-test=work-add]').click();
    await fillWorkPeriod(candidate, 1, { employer: '上海另一家公司', post: '安全员', startDate: '2016-01-01', endDate: '2016-12-31', safetyWork: true });
    await candidate.locator('[data-test=apply-next]').click();
    await expect.poll(() => fieldError(candidate, 'work-start-1').textContent(), { timeout: 15_000 }).toBe('与第1段工作经历的时间重叠');
    await candidate.locator('[data-test=work-remove-1]').click();
    await candidate.locator('[data-test=apply-next]').click();

    // --- ③ 核对确认 (M15, M03): years to 31 December, subjects, fee, explanation, photo, the letter ---
    const years = candidate.locator('[data-test=check-years]');
    await years.waitFor({ timeout: 15_000 });
    expect(await years.textContent()).toContain(`计算至${exam.year}年12月31日`);
    expect(await candidate.locator('[data-test=check-fee]').textContent()).toBe('140.00元');
    expect(await candidate.locator('[data-test=check-explanation]').textContent()).toContain('符合报考条件');
    await candidate.locator('[data-test=check-manual-review]').waitFor();
    expect(await candidate.locator('[data-test=summary-work]').textContent()).toContain('上海某化工有限公司');
    await candidate.locator('[data-test=confirm-photo]').waitFor();
    await expect.poll(() => candidate.frameLocator('[data-test=commitment-letter]').locator('body').textContent(), { timeout: 15_000 }).toContain('承诺');
    await candidate.locator('[data-test=apply-submit]').click();
    await expect.poll(() => fieldError(candidate, 'commitment-agree').textContent()).toBe('请阅读并签署告知承诺书');
    await candidate.locator('[data-test=commitment-agree]').click();
    await candidate.locator('[data-test=apply-submit]').click();
    await candidate.waitForURL(/\/portal\/registrations\/BM/);
    const registrationNo = (await candidate.locator('[data-test=registration-no]').first().textContent())!.trim();
    await awaitStatus(candidate, '待资格审核');
    expect(await candidate.locator('[data-test=signature]').textContent()).toMatch(/^[0-9a-f]{64}$/);

    // --- the reviewer sees the business data and returns the work history for correction ---
    const reviewerContext = await ui.browser.newContext({ locale: 'zh-CN' });
    const reviewer = await reviewerContext.newPage();
    watchForFailures(reviewer, 'reviewer', errors);
    await signInPage(reviewer, ui.baseUrl, 'reviewer1', DEMO_PASSWORD);
    await reviewer.goto(`${ui.baseUrl}/inbox/review`);
    let row = await waitForInboxRow(reviewer, registrationNo);
    await row.locator('[data-test=task-claim]').click();
    await row.locator('[data-test=task-review]').click();
    await expect.poll(() => reviewer.locator('[data-test=review-explanation]').textContent(), { timeout: 15_000 }).toContain('须核验工作经历');
    expect(await reviewer.locator('[data-test=review-years]').textContent()).toMatch(/^\d+(\.\d+)?年$/);
    expect(await reviewer.locator('.el-dialog [data-test=summary-educations]').textContent()).toContain('上海应用技术学院');
    await reviewer.locator('[data-test=review-return]').click();
    await reviewer.locator('[data-test=review-submit]').click();
    await expect.poll(() => reviewer.locator('.el-dialog .el-form-item__error').first().textContent()).toBe('退回修改时请标注需要修改的项目');
    await reviewer.locator('[data-test=return-item-workPeriods]').click();
    await input(reviewer, 'return-note-workPeriods').fill('请补充2011年至2015年的工作单位和岗位');
    await reviewer.locator('[data-test=review-submit]').click();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);

    // --- the candidate sees the marked item, corrects the work history and signs again ---
    await awaitStatus(candidate, '退回修改');
    const returned = (await candidate.locator('[data-test=return-items]').textContent()) ?? '';
    expect(returned).toContain('工作经历');
    expect(returned).toContain('请补充2011年至2015年的工作单位和岗位');
    await candidate.locator('[data-test=edit-registration]').click();
    const workSection = candidate.locator('[data-test=section-work]');
    await workSection.waitFor();
    expect(await workSection.getAttribute('class')).toContain('is-marked');
    expect(await candidate.locator('[data-test=marked-workPeriods]').textContent()).toContain('请补充2011年至2015年的工作单位和岗位');
    expect(await input(candidate, 'apply-employer').inputValue()).toBe('上海某化工有限公司');
    await candidate.locator('[data-test=work-add]').click();
    await fillWorkPeriod(candidate, 1, { employer: '上海某化工有限公司', post: '安全主管', startDate: '2020-01-01', endDate: null, safetyWork: true });
    await pickDate(candidate, 'work-end-0', '2019-12-31');
    await input(candidate, 'work-post-0').fill('安全管理员（2015年起）');
    await candidate.locator('[data-test=work-add]').click();
    await fillWorkPeriod(candidate, 2, { employer: '上海某机械厂', post: '设备安全员', startDate: '2011-08-01', endDate: '2015-02-28', safetyWork: true });
    await candidate.locator('[data-test=apply-next]').click();
    await candidate.locator('[data-test=check-years]').waitFor({ timeout: 15_000 });
    expect(await candidate.locator('[data-test=summary-work]').textContent()).toContain('上海某机械厂');
    await candidate.locator('[data-test=commitment-agree]').click();
    await candidate.locator('[data-test=apply-submit]').click();
    await candidate.locator('[data-test=edit-form]').waitFor({ state: 'detached', timeout: 15_000 });
    await awaitStatus(candidate, '待资格审核');

    // --- the case decides again; the reviewer approves ---
    row = await waitForInboxRow(reviewer, registrationNo);
    await row.locator('[data-test=task-claim]').click();
    await row.locator('[data-test=task-review]').click();
    await expect.poll(() => reviewer.locator('.el-dialog [data-test=summary-work]').textContent(), { timeout: 15_000 }).toContain('上海某机械厂');
    await reviewer.locator('[data-test=review-approve]').click();
    await reviewer.locator('[data-test=review-submit]').click();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);

    // --- the portal shows 待缴费 and the whole story in plain Chinese (U9) ---
    await awaitStatus(candidate, '待缴费');
    const timeline = (await candidate.locator('[data-test=timeline]').textContent()) ?? '';
    for (const step of ['确认报名信息并签署告知承诺书', '资格审核：退回修改', '按要求修改报名信息并重新签署承诺书', '资格审核通过', '待缴费']) expect(timeline).toContain(step);
    await candidate.goto(`${ui.baseUrl}/portal/registrations`);
    const card = candidate.locator('[data-test=registration-row]', { hasText: registrationNo });
    expect(await card.locator('[data-test=registration-status]').textContent()).toContain('待缴费');

    expect(errors).toEqual([]);
    await candidateContext.close();
    await reviewerContext.close();
  }, 240_000);
});
