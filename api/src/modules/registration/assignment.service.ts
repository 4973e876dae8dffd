import type { CurrentUser } from '../../contracts/auth';
import type {
  AutoAssignResult,
  CreateConflictRequest,
  ExamAssignmentSetting,
  ReviewSettings,
  ReviewerConflict,
} from '../../contracts/review-assignment';
import { reviewerGroup } from '../../auth/data-scope';
import { EngineError, type EngineClient } from '../../engine/engine-client';
import { notFound } from '../../http/errors';
import type { AuditEntryInput } from '../../security/audit-log';
import type { SecurityServices } from '../../security/security-services';
import type { RegistrationDetailRow, RegistrationRepository } from './registration.repository';
import { examRegistrationFlow } from '../../contracts/flows/exam-registration';
import { ReviewAssignmentRepository, type ConflictRow, type ExamReviewer } from './review-assignment.repository';
import type { Db } from '../../db/knex';
import { REVIEW_TASK } from '../../contracts/task';

/** Unassigned tasks handled per exam and run; a later run takes the rest. */
const BATCH = 500;

const messages = {
  examGone: '考试不存在',
  conflictGone: '该回避申报不存在',
  noReviewers: '该考试尚未指定资格审核员',
  allConflicted: '该考试的审核员均需回避，请人工指派',
  caseGone: '未找到该待办对应的报名',
  claimedMeanwhile: '该待办已被认领',
};

type Audit = (entry: AuditEntryInput) => Promise<unknown>;

/** Employer names compare without spaces and with half-width brackets (（上海）== (上海)). */
export function normalizeEmployer(name: string): string {
  return name.replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')').toLowerCase();
}

/** Whether a reviewer's declared conflicts cover a case: its employer, or the candidate's ID number. */
export function hasConflict(conflicts: ConflictRow[], employer: string, idNumberIdx: string): boolean {
  const company = normalizeEmployer(employer);
  return conflicts.some((c) => (c.employer !== null && normalizeEmployer(c.employer) === company) || (c.id_number_idx !== null && c.id_number_idx === idNumberIdx));
}

/**
 * The least-loaded reviewer without a conflict; ties go to the username that sorts first, so the
 * same state always gives the same answer.
 */
export function pickReviewer(reviewers: ExamReviewer[], load: Map<number, number>, conflicted: (r: ExamReviewer) => boolean): ExamReviewer | null {
  let best: ExamReviewer | null = null;
  for (const r of reviewers) {
    if (conflicted(r)) continue;
    const l = load.get(r.id) ?? 0;
    const b = best ? (load.get(best.id) ?? 0) : Infinity;
    if (!best || l < b || (l === b && r.username < best.username)) best = r;
  }
  return best;
}

const toConflict = (r: ConflictRow): ReviewerConflict => ({
  id: r.id,
  kind: r.kind,
  employer: r.employer,
  hasIdNumber: r.id_number_idx !== null,
  note: r.note,
  createdAt: new Date(r.created_at).toISOString(),
});

/** Review settings, declared conflicts (回避) and fair automatic assignment of review tasks (U7 ★). */
export class ReviewAssignmentService {
  constructor(
    private readonly engine: EngineClient,
    private readonly registrations: RegistrationRepository,
    private readonly repo: ReviewAssignmentRepository,
    private readonly security: SecurityServices,
    private readonly audit: Audit,
  ) {}

  /** The service as the API and the workers' periodic assignment both build it. */
  static create(db: Db, engine: EngineClient, registrations: RegistrationRepository, security: SecurityServices): ReviewAssignmentService {
    return new ReviewAssignmentService(engine, registrations, new ReviewAssignmentRepository(db), security, (entry) => security.audit.append(entry));
  }

  settings(): Promise<ReviewSettings> {
    return this.repo.settings();
  }

  async saveSettings(user: CurrentUser, settings: ReviewSettings): Promise<ReviewSettings> {
    await this.repo.saveSettings(settings, user.username);
    return this.repo.settings();
  }

  examSettings(): Promise<ExamAssignmentSetting[]> {
    return this.repo.examSettings();
  }

  async setAutoAssign(user: CurrentUser, examId: number, autoAssign: boolean): Promise<ExamAssignmentSetting> {
    if (!(await this.repo.examExists(examId))) throw notFound(messages.examGone);
    await this.repo.setAutoAssign(examId, autoAssign, user.username);
    const row = (await this.repo.examSettings()).find((e) => e.examId === examId);
    if (!row) throw notFound(messages.examGone);
    return row;
  }

  async myConflicts(user: CurrentUser): Promise<ReviewerConflict[]> {
    return (await this.repo.listConflicts(user.id)).map(toConflict);
  }

  async declareConflict(user: CurrentUser, input: CreateConflictRequest): Promise<ReviewerConflict> {
    const row = await this.repo.insertConflict({
      user_id: user.id,
      kind: input.kind,
      employer: input.employer ?? null,
      id_number_idx: input.idNumber === undefined ? null : this.security.index('id-number', input.idNumber),
      note: input.note ?? null,
    });
    return toConflict(row);
  }

  async withdrawConflict(user: CurrentUser, id: number): Promise<void> {
    if (!(await this.repo.deleteConflict(user.id, id))) throw notFound(messages.conflictGone);
  }

  /** Assigns every unassigned review task of the exams with automatic assignment on. */
  async autoAssign(actor: string): Promise<AutoAssignResult> {
    const result: AutoAssignResult = { assigned: [], unassigned: [] };
    for (const exam of await this.repo.autoAssignExams()) {
      const tasks = await this.engine.queryTasks(
        { processDefinitionKey: examRegistrationFlow.processKey, taskDefinitionKey: REVIEW_TASK, candidateGroup: reviewerGroup(exam.code), sorting: [{ sortBy: 'created', sortOrder: 'asc' }] },
        0,
        BATCH,
      );
      if (!tasks.length) continue;
      const rows = await this.registrations.listByProcessInstances([...new Set(tasks.map((t) => t.processInstanceId))]);
      const byInstance = new Map<string | null, RegistrationDetailRow>(rows.map((r) => [r.process_instance_id, r]));
      const reviewers = await this.repo.examReviewers(exam.id);
      // Load: open tasks already assigned to each reviewer, across exams.
      const load = new Map<number, number>();
      for (const r of reviewers) load.set(r.id, await this.engine.countTasks({ processDefinitionKey: examRegistrationFlow.processKey, assignee: r.username }));
      const conflicts = await this.repo.conflictsOf(reviewers.map((r) => r.id));

      for (const task of tasks) {
        const registration = byInstance.get(task.processInstanceId);
        if (!registration) {
          result.unassigned.push({ taskId: task.id, businessKey: '', reason: messages.caseGone });
          continue;
        }
        const businessKey = registration.registration_no;
        if (!reviewers.length) {
          result.unassigned.push({ taskId: task.id, businessKey, reason: messages.noReviewers });
          continue;
        }
        const idx = this.security.index('id-number', registration.id_number);
        const reviewer = pickReviewer(reviewers, load, (r) => hasConflict(conflicts.filter((c) => c.user_id === r.id), registration.employer, idx));
        if (!reviewer) {
          result.unassigned.push({ taskId: task.id, businessKey, reason: messages.allConflicted });
          continue;
        }
        try {
          // Claim on the reviewer's behalf: the engine refuses if someone claimed it meanwhile.
          await this.engine.claim(task.id, reviewer.username);
        } catch (err) {
          if (err instanceof EngineError && (err.status === 400 || err.status === 404 || err.status === 500)) {
            result.unassigned.push({ taskId: task.id, businessKey, reason: messages.claimedMeanwhile });
            continue;
          }
          throw err;
        }
        load.set(reviewer.id, (load.get(reviewer.id) ?? 0) + 1);
        result.assigned.push({ taskId: task.id, businessKey, reviewer: reviewer.username });
        await this.audit({ actor, action: 'task.auto-assign', objectType: 'task', objectId: task.id, result: 'success', detail: { reviewer: reviewer.username, registrationNo: businessKey } });
      }
    }
    return result;
  }
}
