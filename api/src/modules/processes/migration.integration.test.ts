import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationPreview, MigrationResult } from '../../contracts/process-migration';
import type { ProcessDeploymentResult } from '../../contracts/processes';
import { createTestContext, signIn, type TestContext } from '../../../../tests/support/test-env';
import { lineModel } from '../../../../tests/support/bpmn-models';

let ctx: TestContext;
let designer: supertest.Agent;
let reviewer: supertest.Agent;
const run = `${process.pid}x${Date.now() % 1_000_000}`;

beforeAll(async () => {
  ctx = createTestContext();
  [designer, reviewer] = await Promise.all([signIn(ctx.app, 'designer'), signIn(ctx.app, 'reviewer1')]);
});
afterAll(() => ctx.close());

const review = { id: 'Task_Review', name: '审核', attrs: 'camunda:assignee="reviewer1" camunda:formKey="app:generic-approval"' };
const expert = { id: 'Task_Expert', name: '专家评审', attrs: 'camunda:assignee="reviewer1" camunda:formKey="app:generic-approval"' };
const fieldsOf = (res: supertest.Response) => (res.body as { fields?: Array<{ field: string; message: string }> }).fields ?? [];

describe('migration of running cases (U4)', () => {
  it('U4: a plan maps the activities and previews the affected cases; executing it moves both cases to v2, which then take the new step', async () => {
    const key = `migrate-${run}`;
    const deploy = async (xml: string, comment: string) =>
      (await designer.post(`/api/processes/models/${key}/versions`).send({ xml, comment }).expect(201)).body as ProcessDeploymentResult;
    const v1 = await deploy(lineModel(key, [review]), '初版');
    const cases = await Promise.all([1, 2].map((n) => ctx.engine.startProcess(key, `${key}-${n}`, {})));
    const v2 = await deploy(lineModel(key, [review, expert]), '审核后增加专家评审');

    const preview = (await designer.post('/api/processes/migrations/plan').send({ sourceDefinitionId: v1.processDefinitionId, targetDefinitionId: v2.processDefinitionId }).expect(200))
      .body as MigrationPreview;
    expect(preview.source).toMatchObject({ key, version: 1 });
    expect(preview.target).toMatchObject({ key, version: 2 });
    expect(preview.mappings).toContainEqual({ source: { id: 'Task_Review', name: '审核' }, target: { id: 'Task_Review', name: '审核' } });
    expect(preview.unmappedSourceActivities).toEqual([]);
    expect(preview.problems).toEqual([]);
    expect(preview.affected.count).toBe(2);
    expect(preview.affected.instances.map((i) => i.businessKey).sort()).toEqual([`${key}-1`, `${key}-2`]);

    // Bad input: nothing migrates.
    const same = await designer.post('/api/processes/migrations/plan').send({ sourceDefinitionId: v1.processDefinitionId, targetDefinitionId: v1.processDefinitionId });
    expect(fieldsOf(same)[0]?.field).toBe('targetDefinitionId');
    const missing = await designer.post('/api/processes/migrations/plan').send({ sourceDefinitionId: 'no-such:1:x', targetDefinitionId: v2.processDefinitionId });
    expect(missing.status).toBe(400);
    expect(fieldsOf(missing)[0]?.field).toBe('sourceDefinitionId');
    // A case already on v2 is not one of the plan's source version.
    const onV2 = await ctx.engine.startProcess(key, `${key}-new`, {});
    const stray = await designer.post('/api/processes/migrations/execute').send({ plan: preview.plan, instanceIds: [cases[0]!.id, onV2.id] });
    expect(stray.status).toBe(400);
    expect(fieldsOf(stray)[0]?.field).toBe('instanceIds');
    expect((await designer.post('/api/processes/migrations/execute').send({ plan: preview.plan, instanceIds: [] })).status).toBe(400);
    expect((await reviewer.post('/api/processes/migrations/execute').send({ plan: preview.plan, instanceIds: cases.map((c) => c.id) })).status).toBe(403);
    expect((await ctx.engine.processInstancesByIds(cases.map((c) => c.id))).every((i) => i.definitionId === v1.processDefinitionId)).toBe(true);

    const result = (await designer.post('/api/processes/migrations/execute').send({ plan: preview.plan, instanceIds: cases.map((c) => c.id) }).expect(200)).body as MigrationResult;
    expect(result.mode).toBe('sync');
    expect(result.results.map((r) => [r.businessKey, r.definitionId, r.migrated]).sort()).toEqual([
      [`${key}-1`, v2.processDefinitionId, true],
      [`${key}-2`, v2.processDefinitionId, true],
    ]);
    expect((await ctx.engine.processInstancesByIds(cases.map((c) => c.id))).every((i) => i.definitionId === v2.processDefinitionId)).toBe(true);

    // A migrated case now goes through the step v2 added.
    const task = (await ctx.engine.queryTasks({ processInstanceBusinessKey: `${key}-1` }))[0]!;
    await ctx.engine.complete(task.id, {});
    expect((await ctx.engine.queryTasks({ processInstanceBusinessKey: `${key}-1` }))[0]?.taskDefinitionKey).toBe('Task_Expert');

    const audited = await ctx.db('audit_log').where({ action: 'process.migration.execute', actor: 'designer', object_id: v2.processDefinitionId }).pluck('result');
    expect(audited).toContain('success');
    expect(audited).toContain('failure');
  });
});
