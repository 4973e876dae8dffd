import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, newCandidate, validApplication, type TestContext } from '../tests/support/test-env';
import { ProcessDeploymentService } from '../api/src/modules/processes/process-deployment.service';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

/** Submits through the API (which starts the case) and returns the case's process instance id. */
async function startCase(label: string): Promise<{ instanceId: string; registrationNo: string }> {
  const { agent } = await newCandidate(ctx, label);
  const res = await agent.post('/api/registrations').send(await validApplication(ctx));
  expect(res.status).toBe(201);
  const row = await ctx.db('registrations').where({ registration_no: res.body.registrationNo }).first();
  return { instanceId: row.process_instance_id, registrationNo: res.body.registrationNo };
}

async function reviewTask(instanceId: string) {
  return eventually(async () => {
    const tasks = await ctx.engine.queryTasks({ processDefinitionKey: 'exam-registration', taskDefinitionKey: 'Task_QualificationReview' }, 0, 200);
    return tasks.find((t) => t.processInstanceId === instanceId);
  }, 'the review user task');
}

const activityIds = async (instanceId: string) => (await ctx.engine.historicActivities(instanceId)).map((a) => a.activityId);

describe('exam-registration process', () => {
  it("M15 approve path: pre-check → review (the exam's reviewer group, 5-day due date) → outcome recorded → waits for payment", async () => {
    const { instanceId, registrationNo } = await startCase('p-approve');
    const task = await reviewTask(instanceId);
    const { code } = await ctx.db('registrations as r').join('exams as e', 'e.id', 'r.exam_id').where('r.registration_no', registrationNo).first('e.code');
    expect(await ctx.engine.candidateGroups(task.id)).toEqual([`exam-reviewer-${code}`]);
    expect(task.formKey).toBe('app:registration-review');
    expect(new Date(task.due!).getTime() - new Date(task.created).getTime()).toBeGreaterThan(4.9 * 86_400_000);
    await ctx.engine.complete(task.id, { reviewDecision: 'approve', reviewComment: null, reviewerUsername: 'reviewer1', reviewerName: '王审核' });
    await eventually(async () => (await activityIds(instanceId)).includes('Task_AwaitPayment'), 'the payment wait state');
    expect(await activityIds(instanceId)).toEqual(
      expect.arrayContaining(['Start_Submitted', 'Task_EligibilityPrecheck', 'Task_QualificationReview', 'Task_RecordReviewOutcome', 'Gateway_ReviewDecision', 'Task_AwaitPayment']),
    );
    expect((await ctx.engine.processInstance(instanceId)).ended).toBe(false);
  });

  it('M15 reject path: the case ends at 审核不通过 and never waits for payment', async () => {
    const { instanceId, registrationNo } = await startCase('p-reject');
    const task = await reviewTask(instanceId);
    await ctx.engine.complete(task.id, { reviewDecision: 'reject', reviewComment: '不符合条件', reviewerUsername: 'reviewer1', reviewerName: '王审核' });
    await eventually(async () => (await activityIds(instanceId)).includes('End_Rejected'), 'the rejected end');
    expect(await activityIds(instanceId)).not.toContain('Task_AwaitPayment');
    const row = await ctx.db('registrations').where({ registration_no: registrationNo }).first();
    expect(row.status).toBe('rejected');
    expect(row.review_comment).toBe('不符合条件');
  });

  it('U1 redeploying unchanged models creates no new version', async () => {
    const again = await new ProcessDeploymentService(ctx.engine).deployDirectory();
    expect(again.newVersions).toEqual([]);
  });
});
