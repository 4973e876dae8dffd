import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type supertest from 'supertest';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed';
import { repoRoot } from '../../api/src/config';
import type { InboxTask } from '../../api/src/contracts/task';
import { examRegistrationFlow } from '../../api/src/contracts/flows/exam-registration';
import { input, signInPage, useConsole } from '../support/browser';
import { eventually, newCandidate, signIn, validApplication } from '../support/test-env';

// Runs in the exclusive project (after every other test, alone): it deploys a new exam-registration.
const ui = useConsole();
const run = `${Date.now() % 1_000_000}`;
const formKey = `expert-review-${run}`;

/** A registration that waits at 资格审核 (大专, years-based: the DMN sends it to a reviewer). */
async function caseAtReview(label: string): Promise<{ no: string; instanceId: string }> {
  const { agent } = await newCandidate(ui.ctx, label);
  const created = await agent.post('/api/registrations').send(await validApplication(ui.ctx));
  expect(created.status).toBe(201);
  const no = created.body.registrationNo as string;
  const instance = await eventually(async () => (await ui.ctx.engine.processInstancesByBusinessKey(examRegistrationFlow.processKey, no))[0], `the case of ${no}`);
  await stepReached(instance.id, 'Task_QualificationReview');
  return { no, instanceId: instance.id };
}

/** Waits until the case has entered the activity (by id, or by name for an element the designer added). */
async function stepReached(instanceId: string, activity: string): Promise<void> {
  await eventually(async () => (await ui.ctx.engine.historicActivities(instanceId)).some((a) => a.activityId === activity || a.activityName === activity), `${activity} of ${instanceId}`);
}

async function openTask(reviewer: supertest.Agent, no: string): Promise<InboxTask> {
  return eventually(async () => ((await reviewer.get('/api/tasks').query({ q: no })).body as InboxTask[])[0], `the open task of ${no}`);
}

/** 资格审核 通过, through the API (the browser part of this journey is the designer's and the expert's). */
async function approveReview(reviewer: supertest.Agent, no: string): Promise<void> {
  const task = await openTask(reviewer, no);
  expect(task.taskDefinitionKey).toBe('Task_QualificationReview');
  await reviewer.post(`/api/tasks/${task.id}/claim`).expect(204);
  await reviewer.post(`/api/tasks/${task.id}/complete`).send({ decision: 'approve', comment: '材料齐全' }).expect(204);
}

/** A variable of a case as the engine's history keeps it. */
async function historicVariable(instanceId: string, name: string): Promise<unknown> {
  const env = inject('testEnv');
  const res = await fetch(`${env.engineRestUrl}/history/variable-instance?processInstanceId=${instanceId}&variableName=${name}`, {
    headers: { authorization: `Basic ${Buffer.from(`${env.engineUser}:${env.enginePassword}`).toString('base64')}` },
  });
  return ((await res.json()) as Array<{ value: unknown }>)[0]?.value;
}

async function center(page: Page, selector: string): Promise<{ x: number; y: number; top: number }> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2, top: box.y };
}

async function latestModelXml(): Promise<string> {
  const [latest] = (await ui.ctx.engine.processDefinitionsByKey(examRegistrationFlow.processKey)).sort((a, b) => b.version - a.version);
  return ui.ctx.engine.processDefinitionXml(latest!.id);
}

// Whatever happens above, the tests after this one get exam-registration as the repository has it.
afterAll(async () => {
  if (!(await latestModelXml()).includes('专家评审')) return;
  const designer = await signIn(ui.ctx.app, 'designer');
  const xml = fs.readFileSync(path.join(repoRoot, 'processes', `${examRegistrationFlow.processKey}.bpmn`), 'utf8');
  await designer.post(`/api/processes/models/${examRegistrationFlow.processKey}/versions`).send({ xml, comment: '测试结束，恢复原流程' }).expect(201);
});

describe('changing a running flow in the browser (U1-U4)', () => {
  it('U1 U2 U3 U4 U5: a designer adds 专家评审 with a form-js form to exam-registration and deploys it; a new case passes the new step, an old case keeps the old path; then an old case is migrated and takes the new step; a rollback restores the old path', async () => {
    const errors: string[] = [];
    const watch = (page: Page) => {
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('response', (r) => r.status() >= 500 && errors.push(`${r.status()} ${r.url()}`));
    };
    const deployed = (await ui.ctx.engine.processDefinitionsByKey(examRegistrationFlow.processKey)).sort((a, b) => b.version - a.version)[0]!;
    // Two cases on the deployed version, both at 资格审核: one keeps its path, one will be migrated.
    const [kept, migrated] = await Promise.all([caseAtReview('keep-old'), caseAtReview('migrate-old')]);

    const context = await ui.browser.newContext({ locale: 'zh-CN', viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    watch(page);
    await signInPage(page, ui.baseUrl, 'designer', DEMO_PASSWORD);

    // 1. The form of the new step, designed with form-js (the default 备注 field plus a text field).
    await page.locator('.el-menu-item', { hasText: '表单设计' }).click();
    await page.waitForURL(/\/processes\/forms$/);
    const editor = page.locator('[data-test=task-form-editor]');
    await expect.poll(() => editor.locator('.fjs-form-field-textfield').count(), { timeout: 20_000 }).toBe(1);
    await editor.locator('.fjs-palette-field[data-field-type=textfield]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => editor.locator('.fjs-form-field-textfield').count()).toBe(2);
    await input(page, 'task-form-name').fill('专家评审意见');
    await input(page, 'task-form-key').fill(formKey);
    await page.locator('[data-test=task-form-save]').click();
    await expect.poll(() => page.locator('[data-test=task-form-list]').textContent()).toContain(`form:${formKey}`);

    // 2. The designer opens exam-registration and drops a task onto the 通过 flow, between 审核结论 and 报名受理.
    await page.goto(`${ui.baseUrl}/processes/models/${examRegistrationFlow.processKey}`);
    const canvas = page.locator('[data-test=process-canvas]');
    await expect.poll(() => canvas.locator('[data-element-id=Flow_Approved]').count(), { timeout: 20_000 }).toBe(1);
    const decision = await center(page, '[data-test=process-canvas] [data-element-id=Gateway_ReviewDecision]');
    const accepted = await center(page, '[data-test=process-canvas] [data-element-id=Gateway_Accepted]');
    await page.locator('.djs-palette [data-action="create.task"]').click();
    const drop = { x: accepted.x, y: (decision.y + accepted.top) / 2 };
    await page.mouse.move(drop.x - 40, drop.y, { steps: 4 });
    await page.mouse.move(drop.x, drop.y, { steps: 4 });
    await page.mouse.down();
    await page.mouse.up();
    // The new task is being named on the canvas.
    await expect.poll(() => page.locator('.djs-direct-editing-parent:visible').count()).toBe(1);
    await page.keyboard.type('专家评审');
    await page.keyboard.press('Enter');
    const task = canvas.locator('.djs-element.djs-shape', { hasText: '专家评审' });
    await expect.poll(() => task.count()).toBe(1);

    // A user task for the exam's reviewers, completed with the form just designed.
    await task.click();
    await page.locator('.djs-context-pad [data-action=replace]').click();
    await page.locator('.djs-popup [data-id=replace-with-user-task]').click();
    const panel = page.locator('.bio-properties-panel');
    const group = async (id: string) => {
      const header = panel.locator(`[data-group-id="group-${id}"] .bio-properties-panel-group-header`);
      if (!(await header.getAttribute('class'))?.includes('open')) await header.click();
    };
    await group('CamundaPlatform__UserAssignment');
    await panel.locator('[data-entry-id=candidateGroups] input').fill('exam-reviewer-${examCode}');
    await group('CamundaPlatform__Form');
    await panel.locator('[data-entry-id=formType] select').selectOption('formKey');
    await panel.locator('[data-entry-id=formKey] input').fill(`form:${formKey}`);
    await panel.locator('[data-entry-id=formKey] input').press('Tab');

    // Lint and contract check pass; the diff names the new step; deploy as a new version.
    await page.locator('[data-test=process-validate]').click();
    await expect.poll(() => page.locator('[data-test=process-problems]').textContent()).toContain('没有错误，可以部署');
    await page.locator('[data-test=process-diff]').click();
    await expect.poll(() => page.locator('[data-test=process-diff-result]').textContent()).toMatch(/新增\s*用户任务\s*专家评审/);
    await page.locator('[data-test=process-deploy]').click();
    await page.locator('textarea[data-test=process-deploy-comment], [data-test=process-deploy-comment] textarea').first().fill('资格审核通过后增加专家评审');
    await page.locator('[data-test=process-deploy-confirm]').click();
    await expect.poll(() => page.locator('[data-test=process-source]').textContent()).toContain(`已部署的第${deployed.version + 1}版`);
    const definitions = (await ui.ctx.engine.processDefinitionsByKey(examRegistrationFlow.processKey)).sort((a, b) => b.version - a.version);
    const next = definitions[0]!;
    expect(next.version).toBe(deployed.version + 1);
    const nextXml = await ui.ctx.engine.processDefinitionXml(next.id);
    expect(nextXml).toMatch(new RegExp(`<bpmn:userTask id="(\\w+)" name="专家评审" camunda:formKey="form:${formKey}" camunda:candidateGroups="exam-reviewer-\\$\\{examCode\\}"`));

    // 3. A new case takes the new step after 资格审核; reviewer2 completes it with the form in the inbox.
    const reviewer1 = await signIn(ui.ctx.app, 'reviewer1');
    const fresh = await caseAtReview('new-version');
    expect((await ui.ctx.engine.processInstancesByIds([fresh.instanceId]))[0]?.definitionId).toBe(next.id);
    await approveReview(reviewer1, fresh.no);
    await stepReached(fresh.instanceId, '专家评审');

    const expertContext = await ui.browser.newContext({ locale: 'zh-CN', viewport: { width: 1600, height: 1000 } });
    const expert = await expertContext.newPage();
    watch(expert);
    await signInPage(expert, ui.baseUrl, 'reviewer2', DEMO_PASSWORD);
    await expert.goto(`${ui.baseUrl}/inbox/review`);
    await input(expert, 'inbox-search').fill(fresh.no);
    await expert.locator('[data-test=inbox-search-button]').click();
    const row = expert.locator('tr.task-row', { hasText: fresh.no });
    await expect.poll(() => row.locator('[data-test=task-step]').textContent(), { timeout: 20_000 }).toBe('专家评审');
    await row.locator('[data-test=task-claim]').click();
    await row.locator('[data-test=task-handle]').click();
    const dialog = expert.locator('[data-test=task-form-dialog]');
    const fields = dialog.locator('.fjs-form-field-textfield input');
    await expect.poll(() => fields.count(), { timeout: 20_000 }).toBe(2);
    await fields.nth(0).fill('同意，工作年限材料可信');
    await fields.nth(1).fill('专家组A');
    await dialog.locator('[data-test=task-form-submit]').click();
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(0);
    await stepReached(fresh.instanceId, 'Task_PaymentOrder');
    const expertStep = (await ui.ctx.engine.historicTasks(fresh.instanceId)).find((t) => t.name === '专家评审');
    expect(expertStep).toMatchObject({ assignee: 'reviewer2', deleteReason: 'completed' });
    // The form's values became process variables under the form's own keys.
    expect(await historicVariable(fresh.instanceId, 'remark')).toBe('同意，工作年限材料可信');

    // 4. The old case keeps the old path: approved, it goes straight to payment, without 专家评审.
    await approveReview(reviewer1, kept.no);
    await stepReached(kept.instanceId, 'Task_PaymentOrder');
    expect((await ui.ctx.engine.processInstancesByIds([kept.instanceId]))[0]?.definitionId).toBe(deployed.id);
    expect((await ui.ctx.engine.historicActivities(kept.instanceId)).some((a) => a.activityName === '专家评审')).toBe(false);

    // 5. The designer migrates the other old case to the new version; approved, it now takes 专家评审.
    await page.locator('.el-menu-item', { hasText: '流程迁移' }).click();
    await page.waitForURL(/\/processes\/migrations/);
    const pick = async (testId: string, option: string | RegExp) => {
      await page.locator(`[data-test=${testId}]`).click();
      await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: option }).first().click();
      await expect.poll(() => page.locator('.el-select-dropdown:visible').count()).toBe(0);
    };
    await pick('migration-model', `（${examRegistrationFlow.processKey}）`);
    await pick('migration-source', new RegExp(`^第${deployed.version}版`));
    await pick('migration-target', new RegExp(`^第${next.version}版`));
    await page.locator('[data-test=migration-plan]').click();
    await expect.poll(() => page.locator('[data-test=migration-mappings]').textContent(), { timeout: 20_000 }).toContain('资格审核');
    const instanceRow = page.locator('[data-test=migration-instances] tr', { hasText: migrated.no });
    await instanceRow.locator('.el-checkbox').click();
    await page.locator('[data-test=migration-execute]').click();
    await page.locator('.el-message-box .el-button--primary', { hasText: '迁移' }).click();
    await expect.poll(() => page.locator('[data-test=migration-result]').textContent(), { timeout: 20_000 }).toContain('已迁移 1 / 1');
    expect((await ui.ctx.engine.processInstancesByIds([migrated.instanceId]))[0]?.definitionId).toBe(next.id);
    await approveReview(reviewer1, migrated.no);
    await stepReached(migrated.instanceId, '专家评审');
    const expertTask = await openTask(reviewer1, migrated.no);
    expect(expertTask.name).toBe('专家评审');
    expect(expertTask.formKey).toBe(`form:${formKey}`);

    // 退回 from the added step goes back to 资格审核, and the registration is under review again.
    const reviewer2 = await signIn(ui.ctx.app, 'reviewer2');
    await reviewer2.post(`/api/tasks/${expertTask.id}/claim`).expect(204);
    const back = await reviewer2.post(`/api/tasks/${expertTask.id}/return-previous`).send({ comment: '工作年限证明需资格审核再核实' });
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ returnedTo: '资格审核' });
    expect((await openTask(reviewer1, migrated.no)).taskDefinitionKey).toBe('Task_QualificationReview');
    expect(await ui.ctx.db('registrations').where({ registration_no: migrated.no }).first('status')).toEqual({ status: 'under-review' });

    // 6. Rolling back redeploys the old model as the newest version: new cases take the old path again.
    await page.goto(`${ui.baseUrl}/processes/models/${examRegistrationFlow.processKey}`);
    await expect.poll(() => canvas.locator('[data-element-id=Flow_Approved]').count(), { timeout: 20_000 }).toBe(1);
    await page.locator('[data-test=process-versions]').click();
    const versionRow = page.locator('[data-test=process-version-list] tr', { has: page.locator('td:first-child', { hasText: new RegExp(`^${deployed.version}$`) }) });
    await versionRow.locator('button', { hasText: '回滚' }).click();
    await page.locator('.el-message-box input').fill('撤销专家评审环节');
    await page.locator('.el-message-box .el-button--primary', { hasText: '回滚' }).click();
    await expect.poll(() => page.locator('[data-test=process-source]').textContent()).toContain(`已部署的第${next.version + 1}版`);
    expect(await latestModelXml()).not.toContain('专家评审');

    expect(errors).toEqual([]);
    await expertContext.close();
    await context.close();
  }, 240_000);
});
