import fs from 'node:fs/promises';
import { lineModel, type LineTask } from '../../../../tests/support/bpmn-models';
import path from 'node:path';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelDiff, ProcessDeploymentResult, ProcessModelSummary, ProcessXmlView, ValidationResult } from '../../contracts/processes';
import { createTestContext, newCandidate, signIn, type TestContext } from '../../../../tests/support/test-env';
import { processesDir } from './process-deployment.service';

let ctx: TestContext;
let designer: supertest.Agent;
const run = `${process.pid}x${Date.now() % 1_000_000}`;

beforeAll(async () => {
  ctx = createTestContext();
  designer = await signIn(ctx.app, 'designer');
});
afterAll(() => ctx.close());

const reviewTask: LineTask = { id: 'Task_Review', name: '审核', attrs: 'camunda:candidateGroups="exam-admin" camunda:formKey="app:generic-approval"' };
const expertTask: LineTask = { id: 'Task_Expert', name: '专家评审', attrs: 'camunda:candidateGroups="exam-admin" camunda:formKey="app:generic-approval"' };

/** The shipped exam-registration model under a key of its own, so other tests' cases are not disturbed. */
async function examRegistrationCopy(key: string): Promise<string> {
  const xml = await fs.readFile(path.join(processesDir, 'exam-registration.bpmn'), 'utf8');
  return xml.replaceAll('"exam-registration"', `"${key}"`);
}

const deploy = (key: string, xml: string, comment = '测试部署') => designer.post(`/api/processes/models/${key}/versions`).send({ xml, comment });
const models = async () => (await designer.get('/api/processes/models').expect(200)).body as ProcessModelSummary[];
const fieldsOf = (res: supertest.Response) => (res.body as { fields?: Array<{ field: string; message: string }> }).fields ?? [];
const deploymentsOf = (key: string) => ctx.db('process_deployments').where({ process_key: key }).orderBy('version');

describe('process designer (U1, U2)', () => {
  it('U2: the shipped exam-registration model passes lint and the contract check', async () => {
    const res = await designer.post('/api/processes/validate').send({ xml: await examRegistrationCopy('exam-registration') });
    expect(res.status).toBe(200);
    const result = res.body as ValidationResult;
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result).toMatchObject({ valid: true, processKey: 'exam-registration' });
  });

  it('U2: a model whose external task names a topic no worker handles is refused at deploy, naming the element', async () => {
    const key = `designer-unknown-topic-${run}`;
    const xml = (await examRegistrationCopy(key)).replace('camunda:topic="eligibility-decision"', 'camunda:topic="no-such-topic"');
    const check = (await designer.post('/api/processes/validate').send({ xml }).expect(200)).body as ValidationResult;
    expect(check.valid).toBe(false);
    expect(check.problems).toContainEqual(
      expect.objectContaining({ elementId: 'Task_Eligibility', source: 'contract', rule: 'handled-topic', severity: 'error', message: expect.stringContaining('no-such-topic') }),
    );
    const res = await deploy(key, xml);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('MODEL_INVALID');
    expect(fieldsOf(res)).toContainEqual({ field: 'Task_Eligibility', message: expect.stringContaining('没有对应的处理程序') });
    // Nothing deployed, nothing recorded.
    expect(await ctx.engine.processDefinitionsByKey(key)).toEqual([]);
    expect(await deploymentsOf(key)).toEqual([]);
    // The same model with the real topic deploys.
    expect((await deploy(key, await examRegistrationCopy(key))).status).toBe(201);
  });

  it('U2: a user task with a form key that has no console view is refused', async () => {
    const key = `designer-unknown-form-${run}`;
    const xml = lineModel(key, [{ ...reviewTask, attrs: 'camunda:candidateGroups="exam-admin" camunda:formKey="app:no-such-view"' }]);
    const res = await deploy(key, xml);
    expect(res.status).toBe(422);
    expect(fieldsOf(res)).toContainEqual({ field: 'Task_Review', message: expect.stringContaining('app:no-such-view') });
    expect(await ctx.engine.processDefinitionsByKey(key)).toEqual([]);
  });

  it('U2: a process without historyTimeToLive and a user task nobody can do are refused', async () => {
    const key = `designer-no-ttl-${run}`;
    const res = await deploy(key, lineModel(key, [{ ...reviewTask, attrs: 'camunda:formKey="app:generic-approval"' }], ''));
    expect(res.status).toBe(422);
    const fields = fieldsOf(res).map((f) => f.field);
    expect(fields).toContain(key);
    expect(fieldsOf(res).find((f) => f.field === key)?.message).toContain('historyTimeToLive');
    expect(fields).toContain('Task_Review');
    expect(await ctx.engine.processDefinitionsByKey(key)).toEqual([]);
  });

  it('U2: bad input is refused with the field at fault', async () => {
    const key = `designer-bad-${run}`;
    const notXml = await designer.post('/api/processes/validate').send({ xml: '这不是 XML' });
    expect(notXml.status).toBe(400);
    expect(fieldsOf(notXml)[0]?.field).toBe('xml');
    const noComment = await designer.post(`/api/processes/models/${key}/versions`).send({ xml: lineModel(key, [reviewTask]), comment: ' ' });
    expect(noComment.status).toBe(400);
    expect(fieldsOf(noComment)[0]?.field).toBe('comment');
    const otherKey = await deploy(key, lineModel(`${key}-other`, [reviewTask]));
    expect(otherKey.status).toBe(400);
    expect(fieldsOf(otherKey)[0]).toEqual({ field: 'xml', message: '模型中的流程标识与所选流程不一致' });
    expect(await ctx.engine.processDefinitionsByKey(key)).toEqual([]);
    expect(await ctx.engine.processDefinitionsByKey(`${key}-other`)).toEqual([]);
  });

  it('U1: a valid change deploys as a new version without restart; a new case uses it, an old case keeps its version; diff, versions with counts, rollback, audit', async () => {
    const key = `designer-versions-${run}`;
    const v1Xml = lineModel(key, [reviewTask]);
    const v1 = (await deploy(key, v1Xml, '初版').expect(201)).body as ProcessDeploymentResult;
    expect(v1.version).toBe(1);
    const oldCase = await ctx.engine.startProcess(key, `${key}-old`, {});

    // The diff against the deployed version lists the added task by name.
    const v2Xml = lineModel(key, [reviewTask, expertTask]);
    const diff = (await designer.post('/api/processes/diff').send({ xml: v2Xml }).expect(200)).body as ModelDiff;
    expect(diff.baseVersion).toBe(1);
    expect(diff.added).toContainEqual({ id: 'Task_Expert', type: 'bpmn:UserTask', name: '专家评审' });
    expect(diff.removed).toEqual([]);

    const v2 = (await deploy(key, v2Xml, '增加专家评审').expect(201)).body as ProcessDeploymentResult;
    expect(v2.version).toBe(2);
    const newCase = await ctx.engine.startProcess(key, `${key}-new`, {});
    expect(newCase.definitionId).toBe(v2.processDefinitionId);
    expect(oldCase.definitionId).toBe(v1.processDefinitionId);

    // The old case finishes on its own path; the new one goes through 专家评审.
    const taskOf = async (businessKey: string) => (await ctx.engine.queryTasks({ processInstanceBusinessKey: businessKey }))[0];
    await ctx.engine.complete((await taskOf(`${key}-old`))!.id, {});
    expect(await taskOf(`${key}-old`)).toBeUndefined();
    await ctx.engine.complete((await taskOf(`${key}-new`))!.id, {});
    expect((await taskOf(`${key}-new`))?.taskDefinitionKey).toBe('Task_Expert');

    // Versions with running-instance counts and who deployed them.
    const model = (await models()).find((m) => m.key === key);
    expect(model).toMatchObject({ key, name: '测试流程', latestVersion: 2 });
    expect(model!.versions.map((v) => [v.version, v.runningInstances, v.deployedBy, v.comment])).toEqual([
      [2, 1, 'designer', '增加专家评审'],
      [1, 0, 'designer', '初版'],
    ]);
    expect(model!.versions[0]!.deployedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Models deployed at start-up are listed too.
    expect((await models()).find((m) => m.key === 'exam-registration')?.latestVersion).toBeGreaterThanOrEqual(1);

    // Any version's XML can be opened.
    const old = (await designer.get(`/api/processes/models/${key}/versions/1/xml`).expect(200)).body as ProcessXmlView;
    expect(old.xml).not.toContain('Task_Expert');
    expect((await designer.get(`/api/processes/models/${key}/versions/9/xml`)).status).toBe(404);

    // Rollback: version 1's XML becomes version 3.
    expect((await designer.post(`/api/processes/models/${key}/versions/2/rollback`).send({ comment: '已是最新' })).status).toBe(409);
    const v3 = (await designer.post(`/api/processes/models/${key}/versions/1/rollback`).send({ comment: '专家评审暂停' }).expect(201)).body as ProcessDeploymentResult;
    expect(v3.version).toBe(3);
    const latest = (await designer.get(`/api/processes/models/${key}/versions/3/xml`).expect(200)).body as ProcessXmlView;
    expect(latest.xml).toBe(old.xml);
    const rolledCase = await ctx.engine.startProcess(key, `${key}-rolled`, {});
    expect(rolledCase.definitionId).toBe(v3.processDefinitionId);
    expect((await models()).find((m) => m.key === key)!.versions[0]).toMatchObject({ version: 3, rolledBackFrom: 1, deployedBy: 'designer', runningInstances: 1 });

    // Who deployed what and when: the audit log and our own table.
    const audited = await ctx.db('audit_log').where({ actor: 'designer' }).whereIn('action', ['process.model.deploy', 'process.model.rollback']).where('object_id', 'like', `${key}%`).orderBy('id').select('action', 'object_id', 'result');
    expect(audited).toEqual([
      { action: 'process.model.deploy', object_id: `${key}@1`, result: 'success' },
      { action: 'process.model.deploy', object_id: `${key}@2`, result: 'success' },
      { action: 'process.model.rollback', object_id: key, result: 'failure' },
      { action: 'process.model.rollback', object_id: `${key}@3`, result: 'success' },
    ]);
    expect((await deploymentsOf(key)).map((r: { version: number; deployed_by: string }) => [r.version, r.deployed_by])).toEqual([
      [1, 'designer'],
      [2, 'designer'],
      [3, 'designer'],
    ]);
  });

  it('U1: drafts are saved per designer and read back', async () => {
    const key = `designer-draft-${run}`;
    const xml = lineModel(key, [reviewTask]);
    const saved = await designer.put(`/api/processes/models/${key}/draft`).send({ xml });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ key, savedBy: 'designer', xml });
    const again = lineModel(key, [reviewTask, expertTask]);
    await designer.put(`/api/processes/models/${key}/draft`).send({ xml: again }).expect(200);
    expect(((await designer.get(`/api/processes/models/${key}/draft`).expect(200)).body as { xml: string }).xml).toBe(again);
    expect(await ctx.db('process_drafts').where({ process_key: key })).toHaveLength(1);
    expect((await designer.put(`/api/processes/models/${key}/draft`).send({ xml: lineModel('another-key', [reviewTask]) })).status).toBe(400);
  });

  it('U1: a candidate may not read, validate, deploy or roll back models (403, audited)', async () => {
    const { agent, username } = await newCandidate(ctx, 'designer-403', { confirmGuide: false, photo: false, bindPhone: false });
    const key = `designer-forbidden-${run}`;
    expect((await agent.get('/api/processes/models')).status).toBe(403);
    expect((await agent.post('/api/processes/validate').send({ xml: lineModel(key, [reviewTask]) })).status).toBe(403);
    expect((await agent.post(`/api/processes/models/${key}/versions`).send({ xml: lineModel(key, [reviewTask]), comment: '越权' })).status).toBe(403);
    expect((await agent.post(`/api/processes/models/exam-registration/versions/1/rollback`).send({ comment: '越权' })).status).toBe(403);
    expect(await ctx.engine.processDefinitionsByKey(key)).toEqual([]);
    const denied = await ctx.db('audit_log').where({ actor: username, result: 'denied' }).pluck('action');
    expect(denied).toEqual(expect.arrayContaining(['process.model.deploy', 'process.model.rollback']));
  });
});
