import { REVIEW_TASK, type InboxTask } from '../../../../api/src/contracts/task';

/**
 * Rows the console offers for 批量通过: a 资格审核 task whose automatic pre-check passed, free or the
 * user's own. The API checks again (review reason, sample, scope) and says why it refuses a task.
 */
export function canBulkApprove(task: InboxTask, username: string | undefined): boolean {
  return task.taskDefinitionKey === REVIEW_TASK && task.case.kind === 'exam-registration' && task.case.precheckPassed === true && (task.assignee === null || task.assignee === username);
}
