import type { Db } from '../../db/knex';
import type { CurrentUser } from '../../contracts/auth';
import {
  registrationStatusLabels,
  type CreateRegistrationRequest,
  type RegistrationView,
  type TimelineEntry,
} from '../../contracts/registration';
import { conflict, notFound, unavailable, validationError } from '../../http/errors';
import type { EngineClient } from '../../engine/engine-client';
import type { DataScope } from '../../auth/data-scope';
import type { ExamRepository } from '../exams/exam.repository';
import { GuideRepository } from '../guide/guide.repository';
import { maskIdNumber, maskPhone, validateIdNumber } from './id-number';
import { precheckEligibility } from './eligibility';
import type { RegistrationDetailRow, RegistrationRepository } from './registration.repository';

export const EXAM_REGISTRATION_PROCESS = 'exam-registration';

const messages = {
  examClosed: '该考试不在报名时间内，无法报名',
  majorNotOffered: '该考试未开设所选专业',
  guideNotConfirmed: '请先阅读并确认报考指南',
  duplicate: '您已报名过该考试，不能重复报名',
  notFound: '报名记录不存在',
  engineDown: '报名系统暂时繁忙，报名未提交，请稍后再试',
};

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === '23505';
}

export class RegistrationService {
  private readonly guides: Pick<GuideRepository, 'hasConfirmed'>;

  constructor(
    private readonly db: Db,
    private readonly registrations: RegistrationRepository,
    private readonly exams: ExamRepository,
    private readonly engine: EngineClient,
    private readonly scope: DataScope,
    /** Confirmations of the exam guide (M10); by default the table of this database. */
    guides?: Pick<GuideRepository, 'hasConfirmed'>,
  ) {
    this.guides = guides ?? new GuideRepository(db);
  }

  /**
   * Stores the application and starts its `exam-registration` case with the registration number as
   * business key. The engine call is inside the transaction: if the case cannot start, nothing is stored.
   */
  async submit(user: CurrentUser, input: CreateRegistrationRequest, now = new Date()): Promise<RegistrationView> {
    const idError = validateIdNumber(input.idNumber, now);
    if (idError) throw validationError([{ field: 'idNumber', message: idError }]);
    const exam = await this.exams.findById(input.examId);
    if (!exam || exam.status !== 'published' || now < exam.registration_start || now >= exam.registration_end) {
      throw validationError([{ field: 'examId', message: messages.examClosed }]);
    }
    // M10: applying requires having read and confirmed the exam's guide.
    if (!(await this.guides.hasConfirmed(user.id, exam.id))) throw validationError([{ field: 'examId', message: messages.guideNotConfirmed }]);
    const majors = (await this.exams.majorsOf([exam.id])).get(exam.id) ?? [];
    if (!majors.some((m) => m.code === input.majorCode)) throw validationError([{ field: 'majorCode', message: messages.majorNotOffered }]);
    if (await this.registrations.findExisting(exam.id, user.id, input.idNumber)) {
      throw conflict('DUPLICATE_REGISTRATION', messages.duplicate, 'examId');
    }

    let created: { id: number; no: string };
    try {
      created = await this.db.transaction(async (trx) => {
        const seq = await this.registrations.nextNumber(trx, 'registration', exam.code);
        const no = `BM${exam.code}${String(seq).padStart(6, '0')}`;
        const id = await this.registrations.insert(trx, {
          registration_no: no,
          exam_id: exam.id,
          user_id: user.id,
          level_code: input.levelCode,
          major_code: input.majorCode,
          full_name: input.fullName,
          id_number: input.idNumber,
          phone: input.phone,
          employer: input.employer,
          education: input.education,
          education_major_related: input.educationMajorRelated,
          safety_work_years: input.safetyWorkYears,
          status: 'submitted',
        });
        await this.registrations.addEvent(trx, id, { kind: 'submitted', title: '提交报名', actor: user.displayName, idempotencyKey: `submitted:${no}` });
        return { id, no };
      });
    } catch (err) {
      // Two concurrent submissions of the same person: the unique constraint decides.
      if (isUniqueViolation(err)) throw conflict('DUPLICATE_REGISTRATION', messages.duplicate, 'examId');
      throw err;
    }
    await this.startCase(created.id, created.no, exam.code);
    return this.view(user, created.no);
  }

  /**
   * Starts the case of a committed registration, so that its first automated step always finds it.
   * If the engine cannot start it, the registration is taken back and the candidate told to retry.
   */
  private async startCase(id: number, registrationNo: string, examCode: string): Promise<void> {
    let instanceId: string;
    try {
      instanceId = (await this.engine.startProcess(EXAM_REGISTRATION_PROCESS, registrationNo, { registrationNo, examCode })).id;
    } catch (err) {
      await this.db.transaction((trx) => this.registrations.remove(trx, id));
      throw Object.assign(unavailable(messages.engineDown), { cause: err });
    }
    await this.db.transaction((trx) => this.registrations.setProcessInstance(trx, id, instanceId));
  }

  /**
   * Registrations committed without their case (the API stopped between the two steps) get it now;
   * a case already started under the registration number is linked rather than started twice.
   */
  async resumeUnstartedCases(olderThanMs = 60_000): Promise<number> {
    const pending = await this.registrations.withoutCase(new Date(Date.now() - olderThanMs));
    for (const r of pending) {
      const [existing] = await this.engine.processInstancesByBusinessKey(EXAM_REGISTRATION_PROCESS, r.registration_no);
      if (existing) await this.db.transaction((trx) => this.registrations.setProcessInstance(trx, r.id, existing.id));
      else await this.startCase(r.id, r.registration_no, r.exam_code);
    }
    return pending.length;
  }

  /** A registration within the user's data scope. */
  async find(user: CurrentUser, registrationNo: string): Promise<RegistrationDetailRow> {
    const row = await this.registrations.findByNo(registrationNo);
    // 404 rather than 403, so that numbers of other people's registrations are not confirmed.
    if (!row || !(await this.scope.canReadRegistration(user, row))) throw notFound(messages.notFound);
    return row;
  }

  async view(user: CurrentUser, registrationNo: string): Promise<RegistrationView> {
    return toView(await this.find(user, registrationNo));
  }

  async mine(user: CurrentUser): Promise<RegistrationView[]> {
    return (await this.registrations.listByUser(user.id)).map(toView);
  }

  /** The case in plain Chinese (U9): what happened, then what is awaited now. */
  async timeline(user: CurrentUser, registrationNo: string): Promise<TimelineEntry[]> {
    const row = await this.find(user, registrationNo);
    const events = await this.registrations.events(row.id);
    const entries: TimelineEntry[] = events.map((e) => ({
      at: e.created_at.toISOString(),
      title: e.title,
      detail: e.detail,
      actor: e.actor,
      state: e.kind === 'review-rejected' ? 'failed' : 'done',
    }));
    const pending: Partial<Record<RegistrationDetailRow['status'], { title: string; detail: string }>> = {
      submitted: { title: '等待资格预检', detail: '系统正在自动核对报考条件' },
      'under-review': { title: '等待资格审核', detail: '资格审核人员将审核您的报名信息' },
      approved: { title: '等待缴费', detail: '请在缴费截止时间前完成网上缴费' },
    };
    const now = pending[row.status];
    if (now) entries.push({ at: row.updated_at.toISOString(), title: now.title, detail: now.detail, actor: null, state: 'current' });
    return entries;
  }

  // --- steps performed by workers (idempotent: a redelivered task changes nothing twice) ---

  /** Records the automatic eligibility pre-check and hands the case to the reviewers. */
  async recordPrecheck(registrationNo: string): Promise<{ passed: boolean }> {
    const row = await this.registrations.findByNo(registrationNo);
    if (!row) throw new Error(`registration ${registrationNo} not found`);
    if (row.precheck_passed !== null) return { passed: row.precheck_passed };
    const result = precheckEligibility({
      education: row.education,
      educationMajorRelated: row.education_major_related,
      safetyWorkYears: Number(row.safety_work_years),
    });
    await this.db.transaction(async (trx) => {
      const moved = await this.registrations.transition(trx, registrationNo, ['submitted'], {
        status: 'under-review',
        precheck_passed: result.passed,
        precheck_message: result.message,
      });
      if (moved) {
        await this.registrations.addEvent(trx, row.id, {
          kind: 'precheck',
          title: result.passed ? '资格预检通过' : '资格预检未通过，转人工审核',
          detail: result.message,
          actor: '系统',
          idempotencyKey: `precheck:${registrationNo}`,
        });
      }
    });
    return result;
  }

  /** Records the reviewer's decision carried by the case. */
  async recordReviewOutcome(
    registrationNo: string,
    outcome: { decision: 'approve' | 'reject'; comment: string | null; reviewerName: string; reviewerUsername: string; stepId: string },
  ): Promise<void> {
    const row = await this.registrations.findByNo(registrationNo);
    if (!row) throw new Error(`registration ${registrationNo} not found`);
    const approved = outcome.decision === 'approve';
    await this.db.transaction(async (trx) => {
      const moved = await this.registrations.transition(trx, registrationNo, ['under-review'], {
        status: approved ? 'approved' : 'rejected',
        review_comment: outcome.comment,
        reviewed_by: outcome.reviewerUsername,
        reviewed_at: new Date(),
      });
      if (moved) {
        await this.registrations.addEvent(trx, row.id, {
          kind: approved ? 'review-approved' : 'review-rejected',
          title: approved ? '资格审核通过' : '资格审核不通过',
          detail: outcome.comment,
          actor: outcome.reviewerName,
          idempotencyKey: `review:${outcome.stepId}`,
        });
      }
    });
  }
}

export function toView(r: RegistrationDetailRow): RegistrationView {
  return {
    registrationNo: r.registration_no,
    examId: r.exam_id,
    examName: r.exam_name,
    levelCode: r.level_code,
    majorCode: r.major_code,
    majorName: r.major_name,
    fullName: r.full_name,
    idNumberMasked: maskIdNumber(r.id_number),
    phoneMasked: maskPhone(r.phone),
    employer: r.employer,
    education: r.education,
    educationMajorRelated: r.education_major_related,
    safetyWorkYears: Number(r.safety_work_years),
    status: r.status,
    statusLabel: registrationStatusLabels[r.status],
    precheckPassed: r.precheck_passed,
    precheckMessage: r.precheck_message,
    reviewComment: r.review_comment,
    submittedAt: r.submitted_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
