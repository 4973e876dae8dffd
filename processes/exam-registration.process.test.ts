import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, newCandidate, validApplication, type TestContext } from '../tests/support/test-env';
import { ProcessDeploymentService } from '../api/src/modules/processes/process-deployment.service';
import { storedFormsModelChecker } from '../api/src/modules/task-forms/stored-forms-model-checker';
import { educationLevels } from '../api/src/contracts/registration';
import { EligibilityDecider, minimumYears } from '../api/src/modules/registration/eligibility';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

const bachelor = {
  educations: [{ level: 'bachelor', school: '同济大学', major: '土木工程', fullTime: true, startDate: '2010-09-01', graduationDate: '2014-07-01', certificateNo: '102471201405000321' }],
  workPeriods: [{ employer: '上海某建设集团', post: '安全员', startDate: '2014-08-01', endDate: null, safetyWork: true }],
};

/** Submits through the API (which starts the case) and returns the case's process instance id. */
async function startCase(label: string, overrides: Record<string, unknown> = {}) {
  const { agent, username } = await newCandidate(ctx, label);
  const application = await validApplication(ctx, overrides);
  const res = await agent.post('/api/registrations').send(application);
  expect(res.status).toBe(201);
  const row = await ctx.db('registrations').where({ registration_no: res.body.registrationNo }).first();
  return { agent, username, application, instanceId: row.process_instance_id as string, registrationNo: res.body.registrationNo as string };
}

async function taskOf(instanceId: string, taskDefinitionKey: string) {
  return eventually(async () => {
    const tasks = await ctx.engine.queryTasks({ processDefinitionKey: 'exam-registration', taskDefinitionKey }, 0, 500);
    return tasks.find((t) => t.processInstanceId === instanceId);
  }, `the user task ${taskDefinitionKey}`);
}

const activityIds = async (instanceId: string) => (await ctx.engine.historicActivities(instanceId)).map((a) => a.activityId);
const reached = (instanceId: string, activityId: string) => eventually(async () => (await activityIds(instanceId)).includes(activityId), activityId);
const reviewer = { reviewerUsername: 'reviewer1', reviewerName: '王审核' };

describe('exam-registration process (every gateway path)', () => {
  it('M15 needs review → approve: DMN decision → review (exam reviewer group, 5-day due date) → outcome recorded → 待缴费', async () => {
    const { instanceId, registrationNo } = await startCase('p-approve');
    const task = await taskOf(instanceId, 'Task_QualificationReview');
    const { code } = await ctx.db('registrations as r').join('exams as e', 'e.id', 'r.exam_id').where('r.registration_no', registrationNo).first('e.code');
    expect(await ctx.engine.candidateGroups(task.id)).toEqual([`exam-reviewer-${code}`]);
    expect(task.formKey).toBe('app:registration-review');
    expect(new Date(task.due!).getTime() - new Date(task.created).getTime()).toBeGreaterThan(4.9 * 86_400_000);
    await ctx.engine.complete(task.id, { reviewDecision: 'approve', reviewComment: null, returnItems: null, ...reviewer });
    await reached(instanceId, 'Task_AwaitPayment');
    expect(await activityIds(instanceId)).toEqual(
      expect.arrayContaining(['Start_Submitted', 'SubProcess_Handling', 'Task_Eligibility', 'Gateway_NeedsReview', 'Task_QualificationReview', 'Task_RecordReviewOutcome', 'Gateway_ReviewDecision', 'Gateway_Accepted', 'Task_AwaitPayment']),
    );
    expect((await ctx.engine.processInstance(instanceId)).ended).toBe(false);
  });

  it('M15 no review needed: the DMN accepts a bachelor in safety work and the case goes straight to 待缴费', async () => {
    const { instanceId, registrationNo } = await startCase('p-auto', bachelor);
    await reached(instanceId, 'Task_AwaitPayment');
    expect(await activityIds(instanceId)).not.toContain('Task_QualificationReview');
    expect((await ctx.db('registrations').where({ registration_no: registrationNo }).first()).status).toBe('approved');
  });

  it('M15 reject: the case ends at 审核不通过 and never waits for payment', async () => {
    const { instanceId, registrationNo } = await startCase('p-reject');
    const task = await taskOf(instanceId, 'Task_QualificationReview');
    await ctx.engine.complete(task.id, { reviewDecision: 'reject', reviewComment: '不符合条件', returnItems: null, ...reviewer });
    await reached(instanceId, 'End_Rejected');
    expect(await activityIds(instanceId)).not.toContain('Task_AwaitPayment');
    const row = await ctx.db('registrations').where({ registration_no: registrationNo }).first();
    expect(row.status).toBe('rejected');
    expect(row.review_comment).toBe('不符合条件');
  });

  it('M15 return: the correction task is the candidate\'s own; their correction loops back to the decision', async () => {
    const { agent, username, application, instanceId, registrationNo } = await startCase('p-return');
    const review = await taskOf(instanceId, 'Task_QualificationReview');
    await ctx.engine.complete(review.id, { reviewDecision: 'return', reviewComment: null, returnItems: JSON.stringify([{ item: 'educations', note: '请上传学历认证' }]), ...reviewer });
    const correction = await taskOf(instanceId, 'Task_CandidateCorrection');
    expect(correction.assignee).toBe(username);
    expect(correction.formKey).toBe('app:registration-correction');
    await eventually(async () => (await ctx.db('registrations').where({ registration_no: registrationNo }).first()).status === 'returned', 'the returned status');
    // Corrected as a bachelor: the second decision needs no reviewer.
    expect((await agent.put(`/api/registrations/${registrationNo}`).send({ ...application, ...bachelor })).status).toBe(200);
    await reached(instanceId, 'Task_AwaitPayment');
    expect((await activityIds(instanceId)).filter((a) => a === 'Task_Eligibility')).toHaveLength(2);
  });

  it('M15 withdrawal: the message ends the case at 已撤回确认 from any step before payment', async () => {
    const { agent, instanceId, registrationNo } = await startCase('p-withdraw');
    await taskOf(instanceId, 'Task_QualificationReview');
    expect((await agent.post(`/api/registrations/${registrationNo}/withdraw`)).status).toBe(200);
    await reached(instanceId, 'End_Withdrawn');
    expect((await ctx.engine.processInstancesByBusinessKey('exam-registration', registrationNo)).length).toBe(0);
    expect(await ctx.engine.queryTasks({ processInstanceBusinessKey: registrationNo })).toEqual([]);
  });

  it('M15 the DMN table the engine evaluates agrees with the years the guide states, at and below each threshold', async () => {
    const decider = new EligibilityDecider(ctx.engine);
    for (const education of educationLevels) {
      for (const majorRelated of [true, false]) {
        const required = minimumYears[education][majorRelated ? 'related' : 'other'];
        const at = await decider.decide({ education, majorRelated, workYears: required ?? 0.1, levelCode: 'full', identityType: 'mainland' });
        const below = await decider.decide({ education, majorRelated, workYears: required === null ? 0 : required - 0.1, levelCode: 'full', identityType: 'mainland' });
        expect([education, majorRelated, at.eligible, at.requiredYears], 'at the threshold').toEqual([education, majorRelated, true, required]);
        expect([education, majorRelated, below.eligible], 'below the threshold').toEqual([education, majorRelated, false]);
      }
    }
    expect((await decider.decide({ education: 'bachelor', majorRelated: false, workYears: 1, levelCode: 'additional', identityType: 'mainland' })).reviewReason).toBe('certificate-check');
    expect((await decider.decide({ education: 'bachelor', majorRelated: false, workYears: 1, levelCode: 'full', identityType: 'hk-macao-taiwan' })).reviewReason).toBe('diploma-verification');
    expect((await decider.decide({ education: 'bachelor', majorRelated: false, workYears: 1, levelCode: 'full', identityType: 'mainland' })).manualReview).toBe(false);
  });

  it('U1 redeploying unchanged models creates no new version', async () => {
    const again = await new ProcessDeploymentService(ctx.engine, storedFormsModelChecker(ctx.db)).deployDirectory();
    expect(again.newVersions).toEqual([]);
  });
});
