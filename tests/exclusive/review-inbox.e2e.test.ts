import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type supertest from 'supertest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import type { InboxTask } from '../../api/src/contracts/task';
import { sampleScore } from '../../api/src/modules/registration/bulk-approve.service';
import { input, signInPage, useConsole } from '../support/browser';
import { eventually, newCandidate, signIn, validApplication } from '../support/test-env';
import { registrationCase } from '../support/inbox';

// Runs in the exclusive project: its bulk-approve step sets the review settings (sample rate and
// seed), which are global and which other tests' bulk approvals read.
const ui = useConsole();

const HAN = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜';
/** A candidate name no other case has, so a name search finds only this test's cases. */
function uniqueName(): string {
  let n = Date.now() + Math.floor(Math.random() * 1e6);
  let out = '';
  for (let i = 0; i < 4; i++) {
    out += HAN[n % HAN.length];
    n = Math.floor(n / HAN.length);
  }
  return `欧${out}`;
}

/** Collects what must not happen on a page: uncaught errors, server failures, CSP violations. */
function watchForFailures(page: Page, who: string, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`));
  page.on('response', (r) => r.status() >= 500 && errors.push(`${who}: ${r.status()} ${r.url()}`));
  page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Refused|EvalError/.test(m.text()) && errors.push(`${who}: ${m.text()}`));
}

/** A reviewer's console, signed in, on the inbox (menu 资格审核待办). */
async function openInbox(username: string, errors: string[]): Promise<Page> {
  const context = await ui.browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  watchForFailures(page, username, errors);
  await signInPage(page, ui.baseUrl, username, DEMO_PASSWORD);
  await page.locator('.el-menu-item', { hasText: '资格审核待办' }).click();
  await page.waitForURL((url) => url.pathname === '/inbox/review');
  return page;
}

/** Searches the current tab for `q` (a registration number, or a name part when `registrationNo` is not given); the matching rows. */
async function search(page: Page, q: string, registrationNo: string | null = q) {
  await input(page, 'inbox-search').fill(q);
  await page.locator('[data-test=inbox-search-button]').click();
  // Rows show the name masked: a name search matches every row listed.
  return registrationNo ? page.locator('tr.task-row', { hasText: registrationNo }) : page.locator('tr.task-row');
}

/** Opens a row's 更多 menu and picks an action. */
async function rowAction(page: Page, row: ReturnType<Page['locator']>, action: string): Promise<void> {
  await row.locator('[data-test=task-more]').click();
  await page.locator(`[data-test=action-${action}]:visible`).click();
}

/** Fills the open action dialog (inputs or textareas by data-test) and submits it. */
async function submitAction(page: Page, fill: Record<string, string>): Promise<void> {
  const dialog = page.locator('[data-test=task-action-dialog]:visible');
  await dialog.waitFor();
  // element-plus puts the data-test of an el-input on its input or textarea.
  for (const [testId, value] of Object.entries(fill)) await dialog.locator(`:is(input, textarea)[data-test=${testId}]`).fill(value);
  await dialog.locator('[data-test=action-submit]').click();
}

/** The case's current steps in the engine. */
async function leaves(processInstanceId: string): Promise<string[]> {
  type Node = { activityId: string; childActivityInstances: Node[] };
  const walk = (n: Node): string[] => (n.childActivityInstances.length ? n.childActivityInstances.flatMap(walk) : [n.activityId]);
  return walk(await ui.ctx.engine.activityInstances(processInstanceId));
}

const tasksOf = async (agent: supertest.Agent, q: string): Promise<InboxTask[]> => (await agent.get('/api/tasks').query({ q })).body as InboxTask[];

/** A new case of the demo exam waiting for qualification review (created through the API). */
async function newCase(label: string, reviewer: supertest.Agent, fullName = uniqueName()) {
  const { agent } = await newCandidate(ui.ctx, label);
  const application = await validApplication(ui.ctx, { fullName });
  const created = await agent.post('/api/registrations').send(application);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const registrationNo = created.body.registrationNo as string;
  const task = await eventually(async () => (await tasksOf(reviewer, registrationNo)).find((t) => registrationCase(t).precheckPassed !== null), `the review task of ${registrationNo}`);
  return { registrationNo, task, agent, application };
}

describe('reviewer inbox in the browser (U5, U6, U7)', () => {
  it('U5 U6: reviewer1 claims and 抄送 reviewer2; reviewer2 催办 from 抄送我的 (once per 10 minutes); reviewer1 sees 催办 1 and the message in 消息中心; 委派 to reviewer2, who hands back with an opinion; reviewer1 approves', async () => {
    const errors: string[] = [];
    const api1 = await signIn(ui.ctx.app, 'reviewer1');
    const a = await newCase('inbox-e2e-a', api1);
    const no = a.registrationNo;
    const r1 = await openInbox('reviewer1', errors);
    const r2 = await openInbox('reviewer2', errors);

    // 认领 (U6) from the group's to-do list (U5).
    let row = await search(r1, no);
    await row.locator('[data-test=task-claim]').click();
    await row.locator('[data-test=task-review]').waitFor();
    expect(await row.textContent()).toContain('我');

    // 抄送 reviewer2, who follows the case from 抄送我的.
    await rowAction(r1, row, 'cc');
    await submitAction(r1, { 'action-usernames': 'reviewer2', 'action-text': '请关注审核进度' });
    await r1.locator('[data-test=task-action-dialog]').waitFor({ state: 'hidden' });

    // 催办 by reviewer2: the row of 抄送我的 offers it while the case is open.
    await r2.locator('[data-test=inbox-tabs] .el-tabs__item', { hasText: '抄送我的' }).click();
    const ccRow = await search(r2, no);
    await expect.poll(() => ccRow.textContent(), { timeout: 15_000 }).toContain('请关注审核进度');
    await ccRow.locator('[data-test=action-urge-cc]').click();
    await submitAction(r2, { 'action-text': '考生来电询问，请今天审核' });
    await r2.locator('[data-test=task-action-dialog]').waitFor({ state: 'hidden' });
    await expect.poll(() => ccRow.locator('[data-test=task-urged]').textContent(), { timeout: 15_000 }).toContain('催办 1');
    // Again at once: refused with the reason, nothing sent.
    await ccRow.locator('[data-test=action-urge-cc]').click();
    await submitAction(r2, { 'action-text': '再催一次' });
    await expect.poll(() => r2.locator('[data-test=action-error]:visible').textContent(), { timeout: 15_000 }).toContain('10分钟内只能催办一次');
    await r2.keyboard.press('Escape');

    // reviewer1: the badge on the row, the unread badge on 消息中心, the message itself.
    await r1.reload();
    row = await search(r1, no);
    await expect.poll(() => row.locator('[data-test=task-urged]').textContent(), { timeout: 15_000 }).toContain('催办 1');
    const menuEntry = r1.locator('.el-menu-item', { hasText: '消息中心' });
    await expect.poll(() => menuEntry.locator('[data-test=menu-badge]').count(), { timeout: 15_000 }).toBe(1);
    await menuEntry.click();
    await r1.waitForURL((url) => url.pathname === '/inbox/messages');
    const message = r1.locator('[data-test=message-item]', { hasText: `催办：报名${no}` });
    await expect.poll(() => message.count(), { timeout: 15_000 }).toBe(1);
    expect(await message.textContent()).toContain(`赵审核催办您尽快办理报名${no}的“资格审核”待办。催办说明：考生来电询问，请今天审核`);
    expect(await message.textContent()).toContain('仅站内消息');
    // The message opens the inbox on that case.
    await message.click();
    await r1.waitForURL((url) => url.pathname === '/inbox/review' && url.searchParams.get('q') === no);
    row = r1.locator('tr.task-row', { hasText: no });
    await row.locator('[data-test=task-review]').waitFor();

    // 委派 to reviewer2: it leaves reviewer1's list until handed back.
    await rowAction(r1, row, 'delegate');
    await submitAction(r1, { 'action-username': 'reviewer2' });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);

    await r2.locator('[data-test=inbox-tabs] .el-tabs__item', { hasText: '待办' }).first().click();
    const delegated = await search(r2, no);
    await rowAction(r2, delegated, 'resolve');
    await submitAction(r2, { 'action-text': '学历和工作年限已核对，建议通过' });
    await expect.poll(() => delegated.count(), { timeout: 15_000 }).toBe(0);

    // reviewer1 has it again, reads the delegate's opinion and completes the review.
    row = await search(r1, no);
    await rowAction(r1, row, 'comment');
    await expect.poll(() => r1.locator('[data-test=task-comments]').textContent(), { timeout: 15_000 }).toContain('【委派意见】学历和工作年限已核对，建议通过');
    await r1.keyboard.press('Escape');
    await r1.locator('[data-test=task-action-dialog]').waitFor({ state: 'hidden' });
    await row.locator('[data-test=task-review]').click();
    await r1.locator('[data-test=review-approve]').click();
    await r1.locator('[data-test=review-submit]').click();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);

    await eventually(async () => (await a.agent.get(`/api/registrations/${no}`)).body.status !== 'under-review', 'the approval recorded');
    expect((await a.agent.get(`/api/registrations/${no}`)).body.status).not.toBe('rejected');
    expect(errors).toEqual([]);
    await r1.context().close();
    await r2.context().close();
  }, 240_000);

  it('U6: 退回上一环节 on the second review of a corrected case sends it back to 考生修改; the candidate has it again', async () => {
    const errors: string[] = [];
    const api1 = await signIn(ui.ctx.app, 'reviewer1');
    const b = await newCase('inbox-e2e-b', api1);
    const no = b.registrationNo;
    // The first review returns the work history; the candidate corrects and resubmits (through the API).
    expect((await api1.post(`/api/tasks/${b.task.id}/claim`)).status).toBe(204);
    const items = [{ item: 'workPeriods', note: '请填写完整的工作经历' }];
    expect((await api1.post(`/api/tasks/${b.task.id}/complete`).send({ decision: 'return', comment: '请补充', returnItems: items })).status).toBe(204);
    await eventually(async () => (await b.agent.get(`/api/registrations/${no}`)).body.status === 'returned', 'the return recorded');
    await eventually(async () => (await leaves(b.task.processInstanceId!)).includes('Task_CandidateCorrection'), 'the correction task');
    const workPeriods = [
      { employer: '上海某化工有限公司', post: '安全管理员', startDate: '2011-08-01', endDate: '2019-12-31', safetyWork: true },
      { employer: '上海某化工有限公司', post: '安全主管', startDate: '2020-01-01', endDate: null, safetyWork: true },
    ];
    const corrected = await b.agent.put(`/api/registrations/${no}`).send({ ...b.application, workPeriods });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    const second = await eventually(async () => (await tasksOf(api1, no)).find((t) => t.id !== b.task.id), 'the review after the correction');
    expect((await b.agent.get(`/api/registrations/${no}`)).body.status).toBe('under-review');

    const r1 = await openInbox('reviewer1', errors);
    const row = await search(r1, no);
    await row.locator('[data-test=task-claim]').click();
    await row.locator('[data-test=task-review]').waitFor();
    await rowAction(r1, row, 'return-previous');
    await submitAction(r1, { 'action-text': '工作经历仍不完整，请再次补充' });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);

    // Back at 考生修改: the candidate sees the case returned, with the reason.
    expect(await leaves(second.processInstanceId!)).toEqual(['Task_CandidateCorrection']);
    const view = (await b.agent.get(`/api/registrations/${no}`)).body as { status: string; reviewComment: string | null };
    expect(view).toMatchObject({ status: 'returned', reviewComment: '工作经历仍不完整，请再次补充' });
    expect(await tasksOf(api1, no)).toEqual([]);
    expect(errors).toEqual([]);
    await r1.context().close();
  }, 240_000);

  it('U7: bulk approve of the rows whose checks passed holds back the drawn sample, which stays in the inbox; the others are gone', async () => {
    const errors: string[] = [];
    const api1 = await signIn(ui.ctx.app, 'reviewer1');
    const admin = await signIn(ui.ctx.app, 'examadmin');
    const family = uniqueName();
    const [a, b, c] = [
      await newCase('bulk-e2e-a', api1, `${family}甲`),
      await newCase('bulk-e2e-b', api1, `${family}乙`),
      await newCase('bulk-e2e-c', api1, `${family}丙`),
    ];
    for (const x of [a, b, c]) expect(registrationCase(x.task).precheckPassed).toBe(true);

    // A fixed seed under which A is drawn for individual review and B, C are not (as the API test does).
    const rate = 0.5;
    let seed = '';
    for (let i = 0; i < 1000 && !seed; i++) {
      const s = `e2e-seed-${i}`;
      if (sampleScore(s, a.task.id) < rate && sampleScore(s, b.task.id) >= rate && sampleScore(s, c.task.id) >= rate) seed = s;
    }
    expect(seed).not.toBe('');

    const r1 = await openInbox('reviewer1', errors);
    const rows = await search(r1, family, null);
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    for (const x of [a, b, c]) await r1.locator('tr.task-row', { hasText: x.registrationNo }).locator('.el-checkbox').click();
    const button = r1.locator('[data-test=bulk-approve]');
    expect(await button.textContent()).toContain('批量通过（3）');
    // The settings are global (another file's bulk approve may run meanwhile): set them just before the click.
    expect((await admin.put('/api/review-settings').send({ bulkSampleRate: rate, sampleSeed: seed })).status).toBe(200);
    try {
      await button.click();
      await r1.locator('.el-message-box__btns .el-button--primary').click();

      const approved = r1.locator('[data-test=bulk-approved]');
      await expect.poll(() => approved.textContent(), { timeout: 60_000 }).toContain('已通过 2 件');
      expect(await r1.locator('[data-test=bulk-held-back]').textContent()).toBe(`${a.registrationNo}：抽样复核`);
      expect(await r1.locator('[data-test=bulk-refused]').count()).toBe(0);
    } finally {
      // Leave the defaults for the other files of the run.
      await admin.put('/api/review-settings').send({ bulkSampleRate: 0.2, sampleSeed: null });
    }
    await r1.locator('.el-dialog', { hasText: '批量通过结果' }).locator('.el-button--primary').click();

    // Only the held-back case is left in the inbox, still to be reviewed on its own.
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await r1.locator('tr.task-row', { hasText: a.registrationNo }).count()).toBe(1);
    for (const x of [b, c]) {
      await eventually(async () => (await x.agent.get(`/api/registrations/${x.registrationNo}`)).body.status !== 'under-review', `the approval of ${x.registrationNo}`);
      expect((await x.agent.get(`/api/registrations/${x.registrationNo}`)).body.reviewComment).toBe('批量审核通过');
    }
    expect((await a.agent.get(`/api/registrations/${a.registrationNo}`)).body.status).toBe('under-review');
    expect(errors).toEqual([]);
    await r1.context().close();
  }, 240_000);
});
