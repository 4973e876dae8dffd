import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { loadExamStructure } from '../../api/src/modules/exams/exam-structure';
import { choose, input, signInPage, useConsole } from '../support/browser';

const ui = useConsole();

/** Types a Shanghai wall-clock time into an element-plus date picker input and leaves it. */
async function typeTime(field: Locator, value: string): Promise<void> {
  await field.click();
  await field.fill(value);
  await field.press('Enter');
}

/** Types both ends of an element-plus date-time range picker. */
async function pickRange(picker: Locator, from: string, to: string): Promise<void> {
  const inputs = picker.locator('input');
  await typeTime(inputs.nth(0), from);
  await typeTime(inputs.nth(1), to);
  await picker.page().keyboard.press('Escape');
}

async function tab(page: Page, name: string): Promise<void> {
  await page.locator(`[data-test=exam-tab-${name}]`).click();
}

describe('exam set-up in the console (M17-M22)', () => {
  it('M17 M18 M19 M20 M21 M22 an exam admin creates an exam, sets majors, subjects, sessions, levels and fees, sees what blocks publishing, and publishes', async () => {
    const errors: string[] = [];
    const page = await (await ui.browser.newContext({ locale: 'zh-CN' })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => r.status() >= 500 && errors.push(`${r.status()} ${r.url()}`));
    await signInPage(page, ui.baseUrl, 'examadmin', DEMO_PASSWORD);

    // --- M17: the list, then a new exam ---
    await page.goto(`${ui.baseUrl}/exams/list`);
    await page.locator('tr.exam-row').first().waitFor();
    await page.locator('[data-test=exam-new]').click();
    await page.waitForURL(/\/exams\/new$/);
    const code = `E${String(Date.now()).slice(-8)}`;
    await input(page, 'exam-code').fill(code);
    await input(page, 'exam-name').fill(`${code} 浏览器考试`);
    await input(page, 'exam-short-name').fill(code);
    await input(page, 'exam-year').fill('2032');
    await pickRange(page.locator('[data-test=exam-registration]'), '2032-03-01 09:00', '2032-04-01 17:00');
    await typeTime(input(page, 'exam-payment-deadline'), '2032-04-08 17:00');
    await pickRange(page.locator('[data-test=exam-ticket-print]'), '2032-05-20 09:00', '2032-06-12 16:30');
    await page.locator('[data-test=exam-basic-save]').click();
    await page.waitForURL(/\/exams\/\d+$/);
    const examId = Number(new URL(page.url()).pathname.split('/').pop());
    expect(await page.locator('[data-test=exam-status]').textContent()).toContain('未发布');
    expect(await page.locator('[data-test=exam-problems]').textContent()).toContain('请至少设置一个考试专业');

    // --- M18: majors ---
    await tab(page, 'majors');
    await page.locator('[data-test=exam-majors] .el-checkbox', { hasText: '化工安全' }).click();
    await page.locator('[data-test=exam-majors-save]').click();
    await expect.poll(() => page.locator('[data-test=exam-problems]').textContent()).not.toContain('请至少设置一个考试专业');

    // --- M19: subjects with question types; M21: the fee given when adding ---
    await tab(page, 'subjects');
    await page.locator('[data-test=subject-new]').click();
    await input(page, 'subject-code').fill('law');
    await input(page, 'subject-name').fill('安全生产法律法规');
    await input(page, 'subject-short-name').fill('法律法规');
    await input(page, 'question-count').fill('100');
    await page.locator('[data-test=subject-save]').click();
    await page.locator('tr.subject-row', { hasText: '安全生产法律法规' }).waitFor();
    await page.locator('[data-test=subject-new]').click();
    await input(page, 'subject-code').fill('practice-chemical');
    await input(page, 'subject-name').fill('安全生产实务（化工安全）');
    await input(page, 'subject-short-name').fill('安全生产实务');
    await page.locator('[data-test=subject-kind] .el-radio', { hasText: '专业科目' }).click();
    await choose(page, 'subject-major', '化工安全');
    await input(page, 'question-count').fill('100');
    await page.locator('[data-test=subject-save]').click();
    await page.locator('tr.subject-row', { hasText: '专业科目（化工安全）' }).waitFor();

    // --- M17: sessions on the exam day ---
    await tab(page, 'basic');
    await page.getByRole('button', { name: '添加场次' }).click();
    await page.getByRole('button', { name: '添加场次' }).click();
    const ranges = page.locator('[data-test=session-range]');
    await pickRange(ranges.nth(0), '2032-06-12 09:00', '2032-06-12 11:00');
    await pickRange(ranges.nth(1), '2032-06-12 14:00', '2032-06-12 16:30');
    await page.locator('[data-test=sessions-save]').click();
    await expect.poll(() => page.locator('[data-test=exam-problems]').textContent()).not.toContain('请设置考试时间');

    // --- M20: the 考全科 level bound to the major and both subjects ---
    await tab(page, 'levels');
    await page.locator('[data-test=level-add-full]').click();
    await page.locator('[data-test=level-full-major-chemical]').click();
    await expect.poll(async () => (await loadExamStructure(ui.ctx.db, examId))?.levels[0]?.majorCodes).toEqual(['chemical']);
    await page.locator('[data-test=level-full-subject-law]').click();
    await expect.poll(async () => (await loadExamStructure(ui.ctx.db, examId))?.levels[0]?.subjectCodes).toEqual(['law']);
    await page.locator('[data-test=level-full-subject-practice-chemical]').click();
    await page.locator('[data-test=exam-ready]').waitFor();

    // --- M21: fees in yuan ---
    await tab(page, 'fees');
    const lawFee = input(page, 'fee-law');
    await lawFee.fill('65.5');
    await lawFee.press('Tab');
    await page.locator('[data-test=fees-save]').click();
    await expect.poll(async () => (await loadExamStructure(ui.ctx.db, examId))?.subjects.find((s) => s.code === 'law')?.feeFen).toBe(6550);

    // --- M22: publish ---
    await page.locator('[data-test=exam-publish]').click();
    await expect.poll(() => page.locator('[data-test=exam-status]').textContent()).toContain('已发布');
    const published = await loadExamStructure(ui.ctx.db, examId);
    expect(published).toMatchObject({
      exam: {
        code,
        status: 'published',
        year: 2032,
        paymentDeadline: '2032-04-08T09:00:00.000Z',
        sessions: [
          { subjectCode: 'law', startsAt: '2032-06-12T01:00:00.000Z', endsAt: '2032-06-12T03:00:00.000Z' },
          { subjectCode: 'practice-chemical', startsAt: '2032-06-12T06:00:00.000Z', endsAt: '2032-06-12T08:30:00.000Z' },
        ],
      },
      majors: [{ code: 'chemical', name: '化工安全' }],
      levels: [{ code: 'full', majorCodes: ['chemical'], subjectCodes: ['law', 'practice-chemical'] }],
    });
    expect(published!.subjects.map((s) => [s.code, s.feeFen, s.questionTypes])).toEqual([
      ['law', 6550, [{ type: '单项选择题', count: 100, marks: 1 }]],
      ['practice-chemical', 7000, [{ type: '单项选择题', count: 100, marks: 1 }]],
    ]);
    expect(errors).toEqual([]);
  }, 120_000);
});
