import fs from 'node:fs/promises';
import path from 'node:path';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionSummary, DecisionXmlView } from '../../contracts/decisions';
import type { TaskFormOfTask, TaskFormView } from '../../contracts/task-forms';
import { createTestContext, signIn, type TestContext } from '../../../../tests/support/test-env';
import { lineModel } from '../../../../tests/support/bpmn-models';
import { processesDir } from '../processes/process-deployment.service';

let ctx: TestContext;
let designer: supertest.Agent;
let reviewer1: supertest.Agent;
let reviewer2: supertest.Agent;
const run = `${process.pid}x${Date.now() % 1_000_000}`;

beforeAll(async () => {
  ctx = createTestContext();
  [designer, reviewer1, reviewer2] = await Promise.all([signIn(ctx.app, 'designer'), signIn(ctx.app, 'reviewer1'), signIn(ctx.app, 'reviewer2')]);
});
afterAll(() => ctx.close());

const fieldsOf = (res: supertest.Response) => (res.body as { fields?: Array<{ field: string; message: string }> }).fields ?? [];

/** Reads the engine's REST API as the API does (for what the API does not expose: history variables, comments). */
async function engineGet<T>(p: string): Promise<T> {
  const auth = `Basic ${Buffer.from(`${ctx.env.engineUser}:${ctx.env.enginePassword}`).toString('base64')}`;
  const res = await fetch(`${ctx.env.engineRestUrl}${p}`, { headers: { authorization: auth } });
  expect(res.ok).toBe(true);
  return (await res.json()) as T;
}
const variablesOf = async (processInstanceId: string) =>
  Object.fromEntries(
    (await engineGet<Array<{ name: string; value: unknown }>>(`/history/variable-instance?processInstanceId=${processInstanceId}`)).map((v) => [v.name, v.value]),
  );

const expertSchema = (extra: Array<Record<string, unknown>> = []) => ({
  type: 'default',
  components: [
    { type: 'text', text: '请根据材料评分' },
    { type: 'number', key: 'score', label: '评分', validate: { required: true, min: 0, max: 100 } },
    { type: 'select', key: 'conclusion', label: '评审结论', values: [{ label: '通过', value: 'pass' }, { label: '不通过', value: 'fail' }], validate: { required: true } },
    { type: 'textarea', key: 'note', label: '说明' },
    ...extra,
  ],
});

describe('forms without code (U3)', () => {
  it('U3: a designer creates and versions a form-js form; bad schemas and duplicate keys are refused with nothing written', async () => {
    const key = `expert-${run}`;
    const created = (await designer.post('/api/task-forms').send({ key, name: '专家评审表', schema: expertSchema() }).expect(201)).body as TaskFormView;
    expect(created).toMatchObject({ key, formKey: `form:${key}`, version: 1, createdBy: 'designer' });
    expect((await designer.post('/api/task-forms').send({ key, name: '重复', schema: expertSchema() })).status).toBe(409);

    const badKey = await designer.post('/api/task-forms').send({ key: `bad-${run}`, name: '坏表单', schema: expertSchema([{ type: 'textfield', key: 'a.b', label: '嵌套' }]) });
    expect(badKey.status).toBe(400);
    expect(fieldsOf(badKey)[0]).toEqual({ field: 'schema', message: expect.stringContaining('嵌套') });
    const noName = await designer.post('/api/task-forms').send({ key: `bad-${run}`, name: ' ', schema: expertSchema() });
    expect(fieldsOf(noName)[0]?.field).toBe('name');
    expect(await ctx.db('task_forms').where({ form_key: `bad-${run}` })).toEqual([]);

    const v2 = (await designer.post(`/api/task-forms/forms/${key}/versions`).send({ name: '专家评审表（第二版）', schema: expertSchema() }).expect(201)).body as TaskFormView;
    expect(v2.version).toBe(2);
    expect(((await designer.get(`/api/task-forms/forms/${key}?version=1`).expect(200)).body as TaskFormView).name).toBe('专家评审表');
    expect((await designer.get('/api/task-forms').expect(200)).body).toContainEqual(expect.objectContaining({ key, version: 2, versions: 2 }));
    // A reviewer may not design forms.
    expect((await reviewer1.post('/api/task-forms').send({ key: `r-${run}`, name: '越权', schema: expertSchema() })).status).toBe(403);
  });

  it('U3: the contract check accepts form:<key> of a stored form and refuses an unknown one; a task with the form is done with the submitted values checked', async () => {
    const formKey = `review-${run}`;
    await designer.post('/api/task-forms').send({ key: formKey, name: '专家评审表', schema: expertSchema() }).expect(201);
    const key = `forms-${run}`;
    const tasks = [
      { id: 'Task_Expert', name: '专家评审', attrs: `camunda:assignee="reviewer1" camunda:formKey="form:${formKey}"` },
      { id: 'Task_Approve', name: '审批', attrs: 'camunda:assignee="reviewer1" camunda:formKey="app:generic-approval"' },
    ];
    const unknown = lineModel(key, [{ ...tasks[0]!, attrs: 'camunda:assignee="reviewer1" camunda:formKey="form:no-such-form"' }]);
    const refused = await designer.post(`/api/processes/models/${key}/versions`).send({ xml: unknown, comment: '未知表单' });
    expect(refused.status).toBe(422);
    expect(fieldsOf(refused)).toContainEqual({ field: 'Task_Expert', message: expect.stringContaining('form:no-such-form') });
    await designer.post(`/api/processes/models/${key}/versions`).send({ xml: lineModel(key, tasks), comment: '表单流程' }).expect(201);

    const instance = await ctx.engine.startProcess(key, `${key}-1`, {});
    const task = (await ctx.engine.queryTasks({ processInstanceBusinessKey: `${key}-1` }))[0]!;
    // Only who may work on the task sees its form.
    expect((await reviewer2.get(`/api/task-forms/by-task/${task.id}`)).status).toBe(403);
    expect((await reviewer2.post(`/api/task-forms/tasks/${task.id}/complete`).send({ data: { score: 90, conclusion: 'pass' } })).status).toBe(403);
    const form = (await reviewer1.get(`/api/task-forms/by-task/${task.id}`).expect(200)).body as TaskFormOfTask;
    expect(form).toMatchObject({ taskId: task.id, kind: 'form-js', formKey: `form:${formKey}`, form: { key: formKey, version: 1 } });
    expect((await reviewer1.get('/api/task-forms/by-task/no-such-task')).status).toBe(404);

    // Required fields, types, options and unknown keys are checked; nothing is completed.
    const missing = await reviewer1.post(`/api/task-forms/tasks/${task.id}/complete`).send({ data: { conclusion: 'pass' } });
    expect(missing.status).toBe(400);
    expect(fieldsOf(missing)).toContainEqual({ field: 'score', message: '评分：此项为必填项' });
    const wrong = await reviewer1.post(`/api/task-forms/tasks/${task.id}/complete`).send({ data: { score: 101, conclusion: 'maybe', extra: 'x' } });
    expect(fieldsOf(wrong).map((f) => f.field).sort()).toEqual(['conclusion', 'extra', 'score']);
    expect((await ctx.engine.getTask(task.id)).id).toBe(task.id);

    const done = await reviewer1.post(`/api/task-forms/tasks/${task.id}/complete`).send({ data: { score: 88, conclusion: 'pass', note: '材料齐全' }, opinion: '同意通过' });
    expect(done.status).toBe(200);
    expect(done.body.variables.sort()).toEqual(['conclusion', 'note', 'score']);
    const vars = await variablesOf(instance.id);
    expect(vars).toMatchObject({ score: 88, conclusion: 'pass', note: '材料齐全' });
    const comments = await engineGet<Array<{ message: string }>>(`/task/${task.id}/comment`);
    expect(comments.map((c) => c.message)).toEqual(['同意通过']);

    // The next task uses the generic approval form: rejecting needs an opinion.
    const approve = (await ctx.engine.queryTasks({ processInstanceBusinessKey: `${key}-1` }))[0]!;
    expect(approve.taskDefinitionKey).toBe('Task_Approve');
    expect(((await reviewer1.get(`/api/task-forms/by-task/${approve.id}`).expect(200)).body as TaskFormOfTask).kind).toBe('generic-approval');
    const noOpinion = await reviewer1.post(`/api/task-forms/tasks/${approve.id}/complete`).send({ data: { decision: 'reject' } });
    expect(noOpinion.status).toBe(400);
    expect(fieldsOf(noOpinion)[0]?.field).toBe('opinion');
    const badLink = await reviewer1.post(`/api/task-forms/tasks/${approve.id}/complete`).send({ data: { decision: 'reject' }, opinion: '材料不全', attachments: [{ name: '说明', url: 'javascript:alert(1)' }] });
    expect(badLink.status).toBe(400);
    await reviewer1
      .post(`/api/task-forms/tasks/${approve.id}/complete`)
      .send({ data: { decision: 'reject' }, opinion: '材料不全', attachments: [{ name: '补正说明', url: 'https://example.gov.cn/a.pdf' }] })
      .expect(200);
    expect(await variablesOf(instance.id)).toMatchObject({ decision: 'reject' });
    expect((await ctx.engine.processInstancesByBusinessKey(key, `${key}-1`)).length).toBe(0);
    const audited = await ctx.db('audit_log').where({ action: 'task-form.complete', actor: 'reviewer1' }).whereIn('object_id', [task.id, approve.id]).pluck('result');
    expect(audited.filter((r) => r === 'success')).toHaveLength(2);
  });
});

describe('DMN tables edited and redeployed (U3)', () => {
  it('U3: a changed rule of a copy of registration-eligibility deploys as a new version and is evaluated; a changed id or missing historyTimeToLive is refused', async () => {
    const key = `eligibility-copy-${run}`.replaceAll('x', 'X');
    const original = (await fs.readFile(path.join(processesDir, 'registration-eligibility.dmn'), 'utf8'))
      .replaceAll('"registration-eligibility"', `"${key}"`)
      .replaceAll('"registration-review-routing"', `"${key}-routing"`);
    await ctx.engine.deploy(`test:${key}`, [{ fileName: `${key}.dmn`, content: original }], false);
    const college = { education: 'college', majorRelated: true, workYears: 1 };
    expect((await ctx.engine.evaluateDecision(key, college))[0]).toMatchObject({ eligible: false });

    const listed = ((await designer.get('/api/decisions').expect(200)).body as DecisionSummary[]).find((d) => d.key === key)!;
    expect(listed.latestVersion).toBe(1);
    const opened = (await designer.get(`/api/decisions/definitions/${listed.latestDefinitionId}/xml`).expect(200)).body as DecisionXmlView;
    expect(opened.xml).toContain(`id="${key}"`);

    // 大专 + related major now needs 1 year instead of 2.
    const edited = opened.xml.replace('<text>&gt;= 2</text>', '<text>&gt;= 1</text>').replace('<text>>= 2</text>', '<text>>= 1</text>');
    expect(edited).not.toBe(opened.xml);
    const renamed = edited.replaceAll(`"${key}"`, `"${key}-renamed"`);
    const idChanged = await designer.post(`/api/decisions/${key}/versions`).send({ xml: renamed, comment: '改名' });
    expect(idChanged.status).toBe(422);
    expect(fieldsOf(idChanged)[0]?.message).toContain('不能修改');
    const noTtl = await designer.post(`/api/decisions/${key}/versions`).send({ xml: edited.replace(/ camunda:historyTimeToLive="[^"]*"/, ''), comment: '无保留期' });
    expect(noTtl.status).toBe(422);
    expect(fieldsOf(noTtl)[0]).toEqual({ field: key, message: expect.stringContaining('historyTimeToLive') });
    expect((await designer.post(`/api/decisions/${key}/validate`).send({ xml: '不是 XML' })).status).toBe(400);
    expect((await reviewer1.post(`/api/decisions/${key}/versions`).send({ xml: edited, comment: '越权' })).status).toBe(403);
    expect((await ctx.engine.evaluateDecision(key, college))[0]).toMatchObject({ eligible: false });

    const deployed = await designer.post(`/api/decisions/${key}/versions`).send({ xml: edited, comment: '大专相关专业年限调整' });
    expect(deployed.status).toBe(201);
    expect(deployed.body).toMatchObject({ key, version: 2 });
    expect((await ctx.engine.evaluateDecision(key, college))[0]).toMatchObject({ eligible: true, ruleId: expect.any(String) });
    const audited = await ctx.db('audit_log').where({ action: 'decision.deploy', actor: 'designer', result: 'success', object_id: `${key}@2` });
    expect(audited).toHaveLength(1);
  });
});
