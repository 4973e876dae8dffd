import { z } from 'zod';
import {
  autoAssignResult,
  bulkApproveRequest,
  bulkApproveResult,
  createConflictRequest,
  examAssignmentSetting,
  reviewSettings,
  reviewerConflict,
  updateExamAssignment,
} from '../../contracts/review-assignment';
import type { DataScope } from '../../auth/data-scope';
import type { Db } from '../../db/knex';
import type { EngineClient } from '../../engine/engine-client';
import type { ApiRoutes } from '../../http/route';
import type { AuditEntryInput } from '../../security/audit-log';
import type { SecurityServices } from '../../security/security-services';
import type { RegistrationRepository } from './registration.repository';
import { ReviewAssignmentService } from './assignment.service';
import { BulkApproveService } from './bulk-approve.service';
import { ReviewAssignmentRepository } from './review-assignment.repository';
import type { ReviewTaskService } from './review-task.service';

const examParams = z.object({ examId: z.coerce.number({ error: '考试编号格式不正确' }).int('考试编号格式不正确').positive('考试编号格式不正确') });
const conflictParams = z.object({ id: z.coerce.number({ error: '回避申报编号格式不正确' }).int('回避申报编号格式不正确').positive('回避申报编号格式不正确') });

/** Guarded bulk approve, review settings, declared conflicts (回避) and automatic assignment (U7). */
export function reviewAssignmentRoutes(api: ApiRoutes, bulk: BulkApproveService, assignment: ReviewAssignmentService): void {
  api.define(
    {
      method: 'post',
      path: '/tasks/bulk-approve',
      summary: '批量通过（仅自动校验全部通过的待办，抽样部分留待逐件审核）',
      tag: 'tasks',
      access: { permission: 'registration-task:complete' },
      body: bulkApproveRequest,
      response: bulkApproveResult,
      audit: { action: 'task.bulk-approve', objectType: 'task', objectId: (v) => v.body?.taskIds.join(',').slice(0, 128) },
    },
    ({ user, body }) => bulk.approve(user, body.taskIds),
  );
  api.define(
    { method: 'post', path: '/tasks/auto-assign', summary: '自动分配未认领的资格审核待办（开启自动分配的考试）', tag: 'tasks', access: { permission: 'exam:manage' }, response: autoAssignResult, audit: { action: 'task.auto-assign-run', objectType: 'task' } },
    ({ user }) => assignment.autoAssign(user.username),
  );
  api.define(
    { method: 'get', path: '/review-settings', summary: '资格审核设置（批量通过抽样比例）', tag: 'tasks', access: { permission: 'exam:manage' }, response: reviewSettings },
    () => assignment.settings(),
  );
  api.define(
    { method: 'put', path: '/review-settings', summary: '修改资格审核设置', tag: 'tasks', access: { permission: 'exam:manage' }, body: reviewSettings, response: reviewSettings, audit: { action: 'review-settings.update', objectType: 'review-settings', objectId: () => 1 } },
    ({ user, body }) => assignment.saveSettings(user, body),
  );
  api.define(
    { method: 'get', path: '/review-settings/exams', summary: '各考试的自动分配设置', tag: 'tasks', access: { permission: 'exam:manage' }, response: z.array(examAssignmentSetting) },
    () => assignment.examSettings(),
  );
  api.define(
    {
      method: 'put',
      path: '/review-settings/exams/:examId',
      summary: '开启或关闭考试的自动分配',
      tag: 'tasks',
      access: { permission: 'exam:manage' },
      params: examParams,
      body: updateExamAssignment,
      response: examAssignmentSetting,
      audit: { action: 'review-settings.auto-assign', objectType: 'exam', objectId: (v) => v.params?.examId },
    },
    ({ user, params, body }) => assignment.setAutoAssign(user, params.examId, body.autoAssign),
  );
  api.define(
    { method: 'get', path: '/reviewer-conflicts', summary: '本人的回避申报', tag: 'tasks', access: { permission: 'registration-task:read' }, response: z.array(reviewerConflict) },
    ({ user }) => assignment.myConflicts(user),
  );
  api.define(
    {
      method: 'post',
      path: '/reviewer-conflicts',
      summary: '申报回避（同一单位、亲属或其他）',
      tag: 'tasks',
      access: { permission: 'registration-task:read' },
      body: createConflictRequest,
      response: reviewerConflict,
      status: 201,
      audit: { action: 'reviewer-conflict.create', objectType: 'reviewer-conflict', objectId: (_v, r) => (r as { id?: number } | undefined)?.id },
    },
    ({ user, body }) => assignment.declareConflict(user, body),
  );
  api.define(
    {
      method: 'delete',
      path: '/reviewer-conflicts/:id',
      summary: '撤回本人的回避申报',
      tag: 'tasks',
      access: { permission: 'registration-task:read' },
      params: conflictParams,
      status: 204,
      audit: { action: 'reviewer-conflict.delete', objectType: 'reviewer-conflict', objectId: (v) => v.params?.id },
    },
    ({ user, params }) => assignment.withdrawConflict(user, params.id),
  );
}

/** Builds the U7 services and mounts their routes (one line in app.ts). */
export function mountReviewAssignment(
  api: ApiRoutes,
  /** `tasks`: the inbox's service, so that a bulk approval passes the same checks (delegation, co-signers) as one by one. */
  deps: { db: Db; engine: EngineClient; security: SecurityServices; registrations: RegistrationRepository; scope: DataScope; tasks: ReviewTaskService },
): void {
  const repo = new ReviewAssignmentRepository(deps.db);
  const audit = (entry: AuditEntryInput) => deps.security.audit.append(entry);
  const tasks = deps.tasks;
  reviewAssignmentRoutes(
    api,
    new BulkApproveService(deps.engine, deps.registrations, deps.scope, tasks, repo, audit),
    ReviewAssignmentService.create(deps.db, deps.engine, deps.registrations, deps.security),
  );
}
