import { z } from 'zod';
import {
  autoAssignResult,
  bulkApproveResult,
  examAssignmentSetting,
  reviewSettings,
  reviewerConflict,
  type AutoAssignResult,
  type BulkApproveResult,
  type CreateConflictRequest,
  type ExamAssignmentSetting,
  type ReviewSettings,
  type ReviewerConflict,
} from '../../../../api/src/contracts/review-assignment';
import { deleteNoContent, getJson, postJson, putJson } from '../../api/http';

/** Guarded bulk approve, review settings, 回避 and automatic assignment (U7). */

export function bulkApprove(taskIds: string[]): Promise<BulkApproveResult> {
  return postJson('/api/tasks/bulk-approve', { taskIds }, bulkApproveResult);
}

export function runAutoAssign(): Promise<AutoAssignResult> {
  return postJson('/api/tasks/auto-assign', {}, autoAssignResult);
}

export function getReviewSettings(): Promise<ReviewSettings> {
  return getJson('/api/review-settings', reviewSettings);
}

export function saveReviewSettings(body: ReviewSettings): Promise<ReviewSettings> {
  return putJson('/api/review-settings', body, reviewSettings);
}

export function listExamAssignment(): Promise<ExamAssignmentSetting[]> {
  return getJson('/api/review-settings/exams', z.array(examAssignmentSetting));
}

export function setExamAutoAssign(examId: number, autoAssign: boolean): Promise<ExamAssignmentSetting> {
  return putJson(`/api/review-settings/exams/${examId}`, { autoAssign }, examAssignmentSetting);
}

export function listMyConflicts(): Promise<ReviewerConflict[]> {
  return getJson('/api/reviewer-conflicts', z.array(reviewerConflict));
}

export function declareConflict(body: CreateConflictRequest): Promise<ReviewerConflict> {
  return postJson('/api/reviewer-conflicts', body, reviewerConflict);
}

export function withdrawConflict(id: number): Promise<void> {
  return deleteNoContent(`/api/reviewer-conflicts/${id}`);
}
