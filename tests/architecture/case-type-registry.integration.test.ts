import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxTask } from '../../api/src/contracts/task';
import type { CaseView } from '../../api/src/contracts/cases';
import { ROLE_ENGINE_GROUPS } from '../../api/src/auth/data-scope';
import { createTestContext, signIn, type TestContext } from '../support/test-env';
import { createFixtureTable, FIXTURE_PROCESS, FIXTURE_STEP, fixtureModel, FixturePermitCaseType } from '../support/fixture-case-type';

/**
 * A flow added through the registry alone: the fixture case type is passed to the application the
 * way a module registers its own, and nothing in the tasks or cases modules names it.
 */
describe('case type registry (U5, U8)', () => {
  let ctx: TestContext;
  let permits: FixturePermitCaseType;
  const permitNo = `FX${Date.now()}`;
  let instanceId: string;

  beforeAll(async () => {
    ctx = createTestContext({
      extraCaseTypes: (db) => {
        permits = new FixturePermitCaseType(db);
        return [permits];
      },
    });
    await createFixtureTable(ctx.db);
    await ctx.engine.deploy('fixture-permit', [{ fileName: `${FIXTURE_PROCESS}.bpmn`, content: fixtureModel(ROLE_ENGINE_GROUPS['exam-admin']!) }]);
    instanceId = (await ctx.engine.startProcess(FIXTURE_PROCESS, permitNo, {})).id;
    await permits.add(permitNo, '测试申请人', instanceId);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('U5 U8 a registered fixture case type: its task is in the exam admin inbox with its own case kind, and its case view renders', async () => {
    const admin = await signIn(ctx.app, 'examadmin');
    const rows = (await admin.get('/api/tasks').query({ tab: 'todo', q: permitNo }).expect(200)).body as InboxTask[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      businessKey: permitNo,
      taskDefinitionKey: FIXTURE_STEP,
      name: '许可审查',
      processInstanceId: instanceId,
      case: { kind: 'fixture-permit', businessKey: permitNo, title: '测试申请人 · 许可申请', applicant: '测试申请人' },
    });

    // The task actions work on it like on any other case type's task.
    await admin.post(`/api/tasks/${rows[0]!.id}/claim`).expect(204);
    const mine = (await admin.get('/api/tasks').query({ tab: 'todo', q: permitNo }).expect(200)).body as InboxTask[];
    expect(mine[0]!.assignee).toBe('examadmin');

    const view = (await admin.get(`/api/cases/${permitNo}`).expect(200)).body as CaseView;
    expect(view).toMatchObject({ businessKey: permitNo, title: `许可申请 ${permitNo}`, statusLabel: '审查中', staffView: true });
    expect(view.instances).toHaveLength(1);
    expect(view.instances[0]!.processKey).toBe(FIXTURE_PROCESS);
    expect(view.instances[0]!.currentElements).toContain(FIXTURE_STEP);
    expect(view.timeline.map((t) => t.title)).toEqual(expect.arrayContaining(['许可审查', '提交许可申请']));

    // A reviewer's inbox does not show it (not their group), and the case is not theirs to read.
    const reviewer = await signIn(ctx.app, 'reviewer1');
    expect(((await reviewer.get('/api/tasks').query({ tab: 'todo', q: permitNo }).expect(200)).body as InboxTask[]).length).toBe(0);
    expect((await reviewer.get(`/api/cases/${permitNo}`)).status).toBe(404);
  });

  it('U8 a number no case type owns is 404', async () => {
    const admin = await signIn(ctx.app, 'examadmin');
    expect((await admin.get('/api/cases/FX0000000000').expect(404)).body.message).toBe('该案件不存在');
  });
});
