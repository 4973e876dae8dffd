import crypto from 'node:crypto';
import type { CurrentUser } from '../../contracts/auth';
import { BULK_APPROVE_COMMENT, HELD_BACK_REASON, type BulkApproveResult } from '../../contracts/review-assignment';
import type { DataScope } from '../../auth/data-scope';
import { EngineError, type EngineClient, type EngineTask } from '../../engine/engine-client';
import { DomainError } from '../../http/errors';
import type { AuditEntryInput } from '../../security/audit-log';
import { reviewReasonLabel } from './eligibility';
import { registrationEligibilityDecisions } from '../../contracts/flows/registration-eligibility';
import type { RegistrationDetailRow, RegistrationRepository } from './registration.repository';
import type { ReviewAssignmentRepository } from './review-assignment.repository';
import type { ReviewTaskService } from './review-task.service';
import { REVIEW_TASK } from '../../contracts/task';

/**
 * Review reasons (DMN registration-review-routing) whose check a reviewer may confirm in bulk: the
 * automatic checks passed and only the stated work years remain to be looked at. `not-eligible`,
 * certificate and diploma checks always need an individual decision.
 */
export const BATCHABLE_REVIEW_REASONS: readonly string[] = ['work-years-check'];

const messages = {
  taskGone: '该待办已被处理或不存在',
  claimedByOther: '该待办已被其他人认领',
  notYourGroup: '该待办不属于您的岗位',
  statusChanged: '报名状态已变化，请单独办理',
  notEligible: '报考条件判定为不符合，须单独审核',
  notChecked: '自动校验未全部通过，须单独审核',
};

/** A draw in [0, 1): SM3 of seed and task when a seed is set (reproducible), random otherwise. */
export function sampleScore(seed: string | null, taskId: string): number {
  if (seed === null) return crypto.randomInt(0, 2 ** 32) / 2 ** 32;
  return crypto.createHash('sm3').update(`${seed}:${taskId}`).digest().readUInt32BE(0) / 2 ** 32;
}

type Audit = (entry: AuditEntryInput) => Promise<unknown>;
type Checked = { task: EngineTask; registration: RegistrationDetailRow };

/**
 * Guarded bulk approve (U7 ★): only tasks whose automatic checks all passed, a sample held back for
 * individual review (the draw is kept per task, so retrying cannot dodge it), never a bulk rejection.
 * Each approval is the same claim + complete as an individual one, and audited as one.
 */
export class BulkApproveService {
  constructor(
    private readonly engine: EngineClient,
    private readonly registrations: RegistrationRepository,
    private readonly scope: DataScope,
    private readonly tasks: ReviewTaskService,
    private readonly repo: ReviewAssignmentRepository,
    private readonly audit: Audit,
  ) {}

  async approve(user: CurrentUser, taskIds: string[]): Promise<BulkApproveResult> {
    const result: BulkApproveResult = { approved: [], heldBack: [], refused: [] };
    const refuse = (taskId: string, reason: string, businessKey: string | null = null) => result.refused.push({ taskId, businessKey, reason });

    // 1. The task must exist, be a qualification review and be within the reviewer's reach — before
    //    anything about its case is looked at, so nothing leaks about other exams' cases.
    const mine = await this.scope.engineGroups(user);
    const reachable: EngineTask[] = [];
    for (const taskId of taskIds) {
      const task = await this.loadTask(taskId);
      if (!task) refuse(taskId, messages.taskGone);
      else if (task.assignee && task.assignee !== user.username) refuse(taskId, messages.claimedByOther);
      else if (!(await this.engine.candidateGroups(taskId)).some((g) => mine.includes(g))) refuse(taskId, messages.notYourGroup);
      else reachable.push(task);
    }

    // 2. Every automatic check passed (one database query for all the cases).
    const rows = await this.registrations.listByProcessInstances([...new Set(reachable.map((t) => t.processInstanceId))]);
    const byInstance = new Map(rows.map((r) => [r.process_instance_id, r]));
    const routing = new Map<string, Promise<string>>();
    const eligible: Checked[] = [];
    for (const task of reachable) {
      const registration = byInstance.get(task.processInstanceId);
      if (!registration) {
        refuse(task.id, messages.taskGone);
        continue;
      }
      const reason = await this.uncheckedReason(registration, routing);
      if (reason) refuse(task.id, reason, registration.registration_no);
      else eligible.push({ task, registration });
    }

    // 3. The sample held back, then the approvals.
    const settings = await this.repo.settings();
    for (const { task, registration } of eligible) {
      const businessKey = registration.registration_no;
      const drawn = await this.repo.existingDraw(task.id);
      const heldBack = drawn ?? (await this.repo.recordDraw(task.id, sampleScore(settings.sampleSeed, task.id) < settings.bulkSampleRate, settings.bulkSampleRate));
      if (heldBack) {
        result.heldBack.push({ taskId: task.id, businessKey, reason: HELD_BACK_REASON });
        continue;
      }
      try {
        if (!task.assignee) await this.tasks.claim(user, task.id);
        await this.tasks.complete(user, task.id, { decision: 'approve', comment: BULK_APPROVE_COMMENT });
        result.approved.push({ taskId: task.id, businessKey });
        await this.audit({ actor: user.username, action: 'task.complete', objectType: 'task', objectId: task.id, result: 'success', detail: { decision: 'approve', bulk: true, registrationNo: businessKey } });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        refuse(task.id, err.message, businessKey);
        await this.audit({ actor: user.username, action: 'task.complete', objectType: 'task', objectId: task.id, result: 'failure', detail: { decision: 'approve', bulk: true, reason: err.message } });
      }
    }
    return result;
  }

  private async loadTask(taskId: string): Promise<EngineTask | null> {
    try {
      const task = await this.engine.getTask(taskId);
      return task.taskDefinitionKey === REVIEW_TASK ? task : null;
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) return null;
      throw err;
    }
  }

  /** Why the case needs an individual decision, or null when every automatic check passed. */
  private async uncheckedReason(r: RegistrationDetailRow, routing: Map<string, Promise<string>>): Promise<string | null> {
    if (r.status !== 'under-review') return messages.statusChanged;
    if (r.precheck_passed !== true) return messages.notEligible;
    if (r.manual_review !== true) return messages.notChecked;
    // The review reason is the routing decision's, evaluated by the engine as the flow did.
    const key = `${r.level_code}|${r.identity_type}|${r.education}`;
    let reason = routing.get(key);
    if (!reason) {
      reason = this.engine
        .evaluateDecision(registrationEligibilityDecisions.decisions.reviewRouting.key, { eligible: true, levelCode: r.level_code, identityType: r.identity_type, education: r.education })
        .then(([hit]) => String(hit?.reviewReason ?? 'not-eligible'));
      routing.set(key, reason);
    }
    const why = await reason;
    return BATCHABLE_REVIEW_REASONS.includes(why) ? null : `${reviewReasonLabel(why)}，须单独审核`;
  }
}
