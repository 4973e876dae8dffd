import type { CurrentUser } from '../../contracts/auth';
import type { CaseDocument } from '../../contracts/cases';
import type { RegistrationCaseSummary } from '../../contracts/case-summaries';
import { levelLabels, type RegistrationStatus } from '../../contracts/registration';
import { REVIEW_TASK } from '../../contracts/task';
import type { DataScope } from '../../auth/data-scope';
import type { Db } from '../../db/knex';
import { notFound } from '../../http/errors';
import type { CaseDetails, CaseMatches, CaseOfInstance, CaseType, StepReturn, WithdrawalRule } from '../cases/case-type';
import type { DocumentOwner, DocumentState } from '../deliveries/delivery.case-type';
import { maskName } from '../../security/masking';
import type { RegistrationDetailRow, RegistrationRepository } from './registration.repository';
import type { RegistrationService } from './registration.service';
import { examRegistrationFlow } from '../../contracts/flows/exam-registration';

const CORRECTION_TASK = examRegistrationFlow.activities.candidateCorrection;

/** Registrations with no receipt to send: withdrawn, not approved, cancelled. */
const NO_RECEIPT: readonly RegistrationStatus[] = ['draft', 'rejected', 'cancelled'];

/** Steps after a review decision during which its reviewer may still take it back (撤回). */
const WITHDRAWABLE_STEPS = new Set<string>([CORRECTION_TASK, examRegistrationFlow.activities.recordReviewOutcome, examRegistrationFlow.activities.notifyReturned]);

type InboxRegistration = Omit<RegistrationDetailRow, 'id_number' | 'phone'>;

function registrationSummary(r: InboxRegistration): RegistrationCaseSummary {
  const candidateNameMasked = maskName(r.full_name);
  return {
    kind: 'exam-registration',
    businessKey: r.registration_no,
    title: `${candidateNameMasked} · ${r.exam_name} · ${levelLabels[r.level_code] ?? r.level_code} · ${r.major_name}`,
    candidateNameMasked,
    examName: r.exam_name,
    levelCode: r.level_code,
    majorName: r.major_name,
    precheckPassed: r.precheck_passed,
    precheckMessage: r.precheck_message,
  };
}

/**
 * 考试报名 as a case type: the registration number is the case's number; reviewers see the cases of
 * their exams, exam admins every case, the candidate their own.
 */
export class RegistrationCaseType implements CaseType, DocumentOwner {
  readonly kind = 'exam-registration' as const;
  readonly label = '考试报名';
  readonly processKeys = [examRegistrationFlow.processKey];
  readonly stepNames = { [REVIEW_TASK]: '资格审核', [CORRECTION_TASK]: '考生修改报名信息' };

  constructor(
    private readonly db: Db,
    private readonly registrations: RegistrationService,
    private readonly rows: RegistrationRepository,
    private readonly scope: DataScope,
  ) {}

  async casesOfInstances(processInstanceIds: string[]): Promise<Map<string, CaseOfInstance>> {
    const rows = await this.rows.ofProcessInstances(processInstanceIds);
    return new Map(rows.map((r) => [r.process_instance_id!, { businessKey: r.registration_no, processInstanceId: r.process_instance_id!, summary: registrationSummary(r) }]));
  }

  /** The summaries of registrations by number (a delivery's case). */
  async summaries(registrationNos: string[]): Promise<Map<string, RegistrationCaseSummary>> {
    const rows = await this.rows.ofNumbers(registrationNos);
    return new Map(rows.map((r) => [r.registration_no, registrationSummary(r)]));
  }

  async search(text: string, limit: number): Promise<CaseMatches> {
    const rows = await this.rows.search(text, limit);
    return { businessKeys: rows.map((r) => r.registration_no), processInstanceIds: rows.map((r) => r.process_instance_id) };
  }

  async details(user: CurrentUser, businessKey: string): Promise<CaseDetails | null> {
    // Data scope: the candidate's own, the exam's reviewers, exam admins (404 otherwise).
    const row = await this.registrations.findIfAny(user, businessKey);
    if (!row) return null;
    const [registration, events, receipt] = await Promise.all([this.registrations.viewOf(row), this.rows.events(row.id), this.rows.latestReceipt(row.id)]);
    const documents: CaseDocument[] = [
      { kind: 'registration-form', title: '报名表', url: `/api/registrations/${businessKey}/form.pdf`, digest: null, at: registration.submittedAt },
    ];
    if (registration.signatureDigest)
      documents.push({ kind: 'commitment', title: '告知承诺书（已电子签署）', url: null, digest: registration.signatureDigest, at: registration.signedAt });
    if (receipt)
      documents.push({ kind: 'e-receipt', title: `财政电子票据 ${receipt.receipt_no}`, url: `/api/registrations/${businessKey}/receipt.pdf`, digest: null, at: receipt.issued_at.toISOString() });
    return {
      title: `${registration.examName} · ${registration.majorName}`,
      statusLabel: registration.statusLabel,
      ownerUserId: row.user_id,
      events: events.map((e) => ({ at: e.created_at, kind: e.kind, title: e.title, detail: e.detail, actor: e.actor, failed: e.kind === 'review-rejected' })),
      documents,
    };
  }

  async isOwnCase(user: CurrentUser, businessKey: string): Promise<boolean> {
    return (await this.rows.findByNo(businessKey))?.user_id === user.id;
  }

  /** The registration receipt (报名回执) exists once the registration is submitted and neither rejected nor cancelled. */
  async documentState(user: CurrentUser, businessKey: string): Promise<DocumentState | null> {
    const row = await this.rows.findByNo(businessKey);
    if (!row || row.user_id !== user.id) return null;
    return NO_RECEIPT.includes(row.status) ? { issued: false, reason: '该报名当前没有可寄递的报名回执（已撤回、未通过或已取消的报名不寄递）' } : { issued: true };
  }

  async staffMayRead(user: CurrentUser, businessKey: string): Promise<boolean> {
    const row = await this.rows.findByNo(businessKey);
    return !!row && row.user_id !== user.id && (await this.scope.canReadRegistration(user, row));
  }

  /** The registration's status follows the step the case returns to: the candidate's correction, or 资格审核 again. */
  async returnedToStep(input: StepReturn): Promise<void> {
    const { businessKey, user, comment } = input;
    const status =
      input.toStep === CORRECTION_TASK
        ? { from: ['under-review' as const], to: { status: 'returned' as const, review_comment: comment, reviewed_by: user.username, reviewed_at: new Date() } }
        : input.toStep === REVIEW_TASK
          ? { from: ['approved' as const, 'rejected' as const], to: { status: 'under-review' as const, review_comment: null, reviewed_by: null, reviewed_at: null } }
          : null;
    await this.db.transaction(async (trx) => {
      const row = await this.rows.findForUpdate(trx, businessKey);
      if (!row) throw notFound('该待办已被处理或不存在');
      if (status) await this.rows.transition(trx, businessKey, status.from, status.to);
      await this.rows.addEvent(trx, row.id, {
        kind: 'review-returned',
        title: `${input.fromStepName}：退回上一环节`,
        detail: comment,
        actor: user.displayName,
        idempotencyKey: `return-previous:${input.taskId}`,
      });
    });
  }

  /** A 资格审核 decision can be taken back while the case waits at the steps right after it. */
  readonly withdrawal: WithdrawalRule = {
    step: REVIEW_TASK,
    whileAt: WITHDRAWABLE_STEPS,
    withdrawn: async ({ businessKey, taskId, user }) => {
      await this.db.transaction(async (trx) => {
        const row = await this.rows.findForUpdate(trx, businessKey);
        if (!row) return;
        await this.rows.transition(trx, businessKey, ['returned', 'under-review'], { status: 'under-review', review_comment: null, reviewed_by: null, reviewed_at: null, return_items: null });
        await this.rows.addEvent(trx, row.id, { kind: 'review-withdrawn', title: '审核员撤回审核结论，重新审核', actor: user.displayName, idempotencyKey: `withdraw:${taskId}` });
      });
    },
  };
}
