import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import type { InboxTask } from '../../api/src/contracts/task';
import { signInPage, useConsole, waitForInboxRow } from '../support/browser';
import { eventually, newCandidate, signIn, validApplication } from '../support/test-env';

const ui = useConsole();

describe('case page in the browser (U8)', () => {
  it('U8 a reviewer opens a case from the inbox; the diagram shows the path taken and the current step', async () => {
    const { agent: candidate } = await newCandidate(ui.ctx, 'case-e2e');
    const created = await candidate.post('/api/registrations').send(await validApplication(ui.ctx));
    expect(created.status).toBe(201);
    const no = created.body.registrationNo as string;
    const reviewer = await signIn(ui.ctx.app, 'reviewer1');
    await eventually(async () => ((await reviewer.get('/api/tasks')).body as InboxTask[]).some((t) => t.businessKey === no), 'the review task');

    const errors: string[] = [];
    const context = await ui.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => r.status() >= 500 && errors.push(`${r.status()} ${r.url()}`));
    await signInPage(page, ui.baseUrl, 'reviewer1', DEMO_PASSWORD);
    await page.goto(`${ui.baseUrl}/inbox/review`);
    const row = await waitForInboxRow(page, no);
    await row.locator('[data-test=open-case]').click();
    await page.waitForURL(new RegExp(`/cases/${no}$`));

    // bpmn-js drew the model; the review step is current (blue), the eligibility decision passed (green).
    const current = page.locator('[data-test=case-diagram] .djs-element.case-current[data-element-id=Task_QualificationReview]');
    await expect.poll(() => current.count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('[data-test=case-diagram] .djs-element.case-passed[data-element-id=Task_Eligibility]').count()).toBe(1);
    expect(await page.locator('[data-test=case-diagram] .djs-element.case-passed[data-element-id=Task_AwaitPayment]').count()).toBe(0);
    // The marker's colour as the browser computed it (runs in the page; the test project has no DOM types).
    type StyledWindow = { getComputedStyle(el: unknown): { stroke: string } };
    const stroke = await current.locator('.djs-visual > :first-child').evaluate((el) => (globalThis as unknown as StyledWindow).getComputedStyle(el).stroke);
    expect(stroke).toBe('rgb(64, 158, 255)');
    await expect.poll(() => page.locator('[data-test=case-timeline]').textContent()).toContain('确认报名信息并签署告知承诺书');
    expect(await page.locator('[data-test=case-timeline]').textContent()).toContain('资格审核');
    expect(await page.locator('[data-test=case-documents]').textContent()).toContain('报名表');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
