import { describe, expect, it } from 'vitest';
import type { InboxTask } from '../../../../api/src/contracts/task';
import { canBulkApprove } from './bulk-approve';

const registrationCase = (precheckPassed: boolean | null): InboxTask['case'] => ({
  kind: 'exam-registration',
  businessKey: 'BM2026000001',
  title: '张* · 考试 · 考全科 · 化工安全',
  candidateNameMasked: '张*',
  examName: '考试',
  levelCode: 'full',
  majorName: '化工安全',
  precheckPassed,
  precheckMessage: null,
});

const task = (over: Partial<InboxTask>): InboxTask => ({
  id: '00000000-0000-0000-0000-000000000001',
  name: '资格审核',
  taskDefinitionKey: 'Task_QualificationReview',
  businessKey: 'BM2026000001',
  assignee: null,
  created: '2026-11-28T00:00:00Z',
  due: null,
  case: registrationCase(true),
  ...over,
});

describe('bulk approve selection (U7)', () => {
  it('U7 offers only 资格审核 rows whose automatic checks passed and that are free or mine', () => {
    expect(canBulkApprove(task({}), 'reviewer1')).toBe(true);
    expect(canBulkApprove(task({ assignee: 'reviewer1' }), 'reviewer1')).toBe(true);
    expect(canBulkApprove(task({ assignee: 'reviewer2' }), 'reviewer1')).toBe(false);
    expect(canBulkApprove(task({ case: registrationCase(false) }), 'reviewer1')).toBe(false);
    expect(canBulkApprove(task({ case: registrationCase(null) }), 'reviewer1')).toBe(false);
    // A step a designer added (专家评审) is always decided one by one.
    expect(canBulkApprove(task({ taskDefinitionKey: 'Activity_0expert', name: '专家评审', formKey: 'form:expert-review' }), 'reviewer1')).toBe(false);
  });
});
