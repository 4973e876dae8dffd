import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import type { CurrentUser } from '../../contracts/auth';
import {
  educationLevels,
  registrationStatusLabels,
  returnableItemLabels,
  type RegistrationCheck,
  type RegistrationForm,
  type RegistrationStatus,
  type RegistrationView,
  type ReturnItem,
  type SubmitRegistrationRequest,
  type TimelineEntry,
} from '../../contracts/registration';
import { conflict, DomainError, forbidden, notFound, unavailable, validationError, type FieldError } from '../../http/errors';
import type { CheckedUpload } from '../../http/uploads';
import { EngineError, type EngineClient } from '../../engine/engine-client';
import { DataScope } from '../../auth/data-scope';
import { UserRepository } from '../../auth/user.repository';
import type { SecurityServices } from '../../security/security-services';
import { maskIdNumber, maskPhone } from '../../security/masking';
import { loadExamStructure, subjectsFor, type ExamStructure } from '../exams/exam-structure';
import { guideConfirmations, type GuideService } from '../guide/guide.service';
import { photoService, type PhotoService } from '../photos/photo.service';
import { validateIdNumber } from './id-number';
import { EligibilityDecider, explainEligibility, type EligibilityDecision, type EligibilityFacts } from './eligibility';
import { historyErrors, safetyWorkYears, type WorkYears } from './work-years';
import { isRelatedMajor, RelatedMajors } from './related-majors';
import { signCommitment } from './commitment-signature';
import { RegistrationRepository, type EducationRow, type FormColumns, type RegistrationDetailRow } from './registration.repository';
import { examRegistrationFlow } from '../../contracts/flows/exam-registration';
import { startVariablesOf } from '../../contracts/flows/flow';

const flow = examRegistrationFlow;
/** Minimum age on the day of registration. */
const MINIMUM_AGE = 18;

const messages = {
  examClosed: '该考试不在报名时间内，无法报名',
  majorNotOffered: '该考试的所选报考级别未开设此专业',
  guideNotConfirmed: '请先阅读并确认报考指南',
  duplicate: '您已报名过该考试，不能重复报名',
  notFound: '报名记录不存在',
  engineDown: '报名系统暂时繁忙，报名未提交，请稍后再试',
  locked: '报名信息已确认并锁定；如需修改，请先撤回确认（仅限缴费前）',
  notWithdrawable: '当前状态不能撤回确认',
  examChanged: '修改报名信息时不能更换考试，如需报考其他考试请另行报名',
  phoneNotBound: '请先绑定并验证手机号码',
  phoneNotTheBound: '手机号码须与已验证绑定的手机号码一致',
  photoMissing: '请先上传符合要求的照片',
  certificateRequired: '考增项须填写已取得的初级注册安全工程师证书编号',
  certificateScanRequired: '考增项须上传已取得的证书',
  underAge: `报考人员须年满${MINIMUM_AGE}周岁`,
};

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === '23505';
}

const educationRank = (level: string): number => educationLevels.indexOf(level as (typeof educationLevels)[number]);

/** What the system concluded from a form (M15), before anything is written. */
interface Evaluation {
  structure: ExamStructure;
  subjects: ExamStructure['subjects'];
  feeTotalFen: number;
  years: WorkYears;
  educations: EducationRow[];
  qualifying: EducationRow;
  facts: EligibilityFacts & { countedUntil: string };
  decision: EligibilityDecision;
  explanation: string;
  birthDate: string;
  gender: 'M' | 'F';
  photoId: string;
}

export interface RegistrationServiceOptions {
  registrations?: RegistrationRepository;
  /** How often a case waiting for payment asks the platform when no callback came (ISO 8601 repeating interval). */
  paymentQueryCycle?: string;
  /** Confirmations of the exam guide (M10); by default the table of this database. */
  guides?: Pick<GuideService, 'hasConfirmed'>;
}

export class RegistrationService {
  private readonly registrations: RegistrationRepository;
  private readonly guides: Pick<GuideService, 'hasConfirmed'>;
  private readonly scope: DataScope;
  private readonly users: UserRepository;
  private readonly photos: PhotoService;
  private readonly relatedMajors: RelatedMajors;
  private readonly decider: EligibilityDecider;
  private readonly paymentQueryCycle: string;

  constructor(
    private readonly db: Db,
    private readonly security: SecurityServices,
    private readonly engine: EngineClient,
    options: RegistrationServiceOptions = {},
  ) {
    this.registrations = options.registrations ?? new RegistrationRepository(db, security);
    this.guides = options.guides ?? guideConfirmations(db);
    this.scope = new DataScope(db);
    this.users = new UserRepository(db, security);
    this.photos = photoService(db);
    this.relatedMajors = new RelatedMajors(db);
    this.decider = new EligibilityDecider(engine);
    this.paymentQueryCycle = options.paymentQueryCycle ?? 'R/PT2M';
  }

  // --- the candidate's form ---

  /**
   * What the form starts with (M07): the identity 一网通办 confirmed at sign-on and the phone verified
   * by SMS (M08). Only ever the user's own data, decrypted for them.
   */
  async prefill(user: CurrentUser): Promise<{ fullName: string | null; idNumber: string | null; phone: string | null; identityVerified: boolean }> {
    const row = await this.users.identity(user.id);
    if (!row) throw new Error(`signed-in user ${user.id} not found`);
    const verified = Boolean(row.ywtb_sub && row.id_number);
    return {
      fullName: verified ? row.display_name : null,
      idNumber: verified && row.id_number ? this.security.cipher.decrypt(row.id_number) : null,
      phone: row.bound_phone ? this.security.cipher.decrypt(row.bound_phone) : null,
      identityVerified: verified,
    };
  }

  /** A certificate scan (考增项) the candidate's form will refer to. */
  async addCertificate(user: CurrentUser, file: CheckedUpload): Promise<{ id: number; fileName: string }> {
    const fileName = `证书.${file.extension}`;
    const id = await this.registrations.addAttachment({ user_id: user.id, kind: 'certificate', file_name: fileName, mime_type: file.mimeType, content: file.data, sha256: createHash('sha256').update(file.data).digest('hex') });
    return { id, fileName };
  }

  /** Validates a form and tells the candidate what follows from it (years, subjects, fee, eligibility); writes nothing. */
  async check(user: CurrentUser, form: RegistrationForm, now = new Date()): Promise<RegistrationCheck> {
    const e = await this.evaluate(user, form, now, null, { requirePhoto: false });
    return {
      safetyWorkMonths: e.years.months,
      safetyWorkYears: e.years.years,
      countedUntil: e.years.countedUntil,
      qualifyingEducation: { level: e.qualifying.level, major: e.qualifying.major, majorRelated: e.qualifying.majorRelated },
      eligible: e.decision.eligible,
      manualReview: e.decision.manualReview,
      explanation: e.explanation,
      subjects: e.subjects.map((s) => ({ code: s.code, name: s.name, feeFen: s.feeFen })),
      feeTotalFen: e.feeTotalFen,
    };
  }

  /**
   * Checks everything a form must satisfy and collects every field error at once; then evaluates the
   * eligibility decisions in the engine for each education record and keeps the one that qualifies.
   */
  private async evaluate(user: CurrentUser, form: RegistrationForm, now: Date, existing: RegistrationDetailRow | null, opts: { requirePhoto: boolean }): Promise<Evaluation> {
    const errors: FieldError[] = [];
    const idError = validateIdNumber(form.idNumber, now);
    if (idError) errors.push({ field: 'idNumber', message: idError });
    const birthDate = `${form.idNumber.slice(6, 10)}-${form.idNumber.slice(10, 12)}-${form.idNumber.slice(12, 14)}`;
    if (!idError && ageOn(birthDate, now) < MINIMUM_AGE) errors.push({ field: 'idNumber', message: messages.underAge });

    const structure = await loadExamStructure(this.db, form.examId);
    const exam = structure?.exam;
    if (!structure || !exam || exam.status !== 'published' || now < new Date(exam.registrationStart) || now >= new Date(exam.registrationEnd)) {
      throw validationError([{ field: 'examId', message: messages.examClosed }]);
    }
    if (existing && existing.exam_id !== form.examId) throw validationError([{ field: 'examId', message: messages.examChanged }]);
    // M10: applying requires having read and confirmed the exam's guide.
    if (!(await this.guides.hasConfirmed(user.id, exam.id))) throw validationError([{ field: 'examId', message: messages.guideNotConfirmed }]);

    let subjects: ExamStructure['subjects'] = [];
    try {
      subjects = subjectsFor(structure, form.levelCode, form.majorCode, form.subjectCode ?? undefined);
    } catch (err) {
      if (err instanceof DomainError && err.fields) errors.push(...err.fields);
      else throw err;
    }
    const level = structure.levels.find((l) => l.code === form.levelCode);
    if (level?.requiresCertificate) {
      if (!form.certificateNo) errors.push({ field: 'certificateNo', message: messages.certificateRequired });
      if (!form.certificateAttachmentId || !(await this.registrations.attachmentOf(user.id, form.certificateAttachmentId, 'certificate'))) {
        errors.push({ field: 'certificateAttachmentId', message: messages.certificateScanRequired });
      }
    }

    // M08: the phone on the form is the one the candidate verified by SMS.
    const bound = await this.users.boundPhone(user.id);
    if (!bound?.bound_phone_idx) errors.push({ field: 'phone', message: messages.phoneNotBound });
    else if (bound.bound_phone_idx !== this.security.index('phone', form.phone)) errors.push({ field: 'phone', message: messages.phoneNotTheBound });

    errors.push(...historyErrors(form.workPeriods, form.educations, now));
    const photo = await this.photos.current(user);
    if (opts.requirePhoto && !photo) errors.push({ field: 'photo', message: messages.photoMissing });
    if (errors.length) throw validationError(errors);

    const related = await this.relatedMajors.list();
    const educations: EducationRow[] = form.educations.map((e) => ({ ...e, majorRelated: isRelatedMajor(e.major, related) }));
    const years = safetyWorkYears(form.workPeriods, form.educations, exam.year);
    const identityType = /^8[123]/.test(form.idNumber) ? 'hk-macao-taiwan' : 'mainland';

    // Each distinct education is a way to qualify; keep the best: eligible first, then the higher degree.
    const candidates = [...new Map(educations.map((e) => [`${e.level}/${e.majorRelated}`, e])).values()];
    const decided = await Promise.all(
      candidates.map(async (edu) => {
        const facts = { education: edu.level, majorRelated: edu.majorRelated, workYears: years.years, levelCode: form.levelCode, identityType, countedUntil: years.countedUntil } as const;
        return { edu, facts, decision: await this.decide(facts) };
      }),
    );
    decided.sort((a, b) => Number(b.decision.eligible) - Number(a.decision.eligible) || educationRank(b.edu.level) - educationRank(a.edu.level));
    const best = decided[0]!;
    return {
      structure,
      subjects,
      feeTotalFen: subjects.reduce((sum, s) => sum + s.feeFen, 0),
      years,
      educations,
      qualifying: best.edu,
      facts: best.facts,
      decision: best.decision,
      explanation: explainEligibility(best.facts, best.decision),
      birthDate,
      gender: Number(form.idNumber[16]) % 2 === 1 ? 'M' : 'F',
      photoId: photo?.id ?? '',
    };
  }

  private async decide(facts: EligibilityFacts): Promise<EligibilityDecision> {
    try {
      return await this.decider.decide(facts);
    } catch (err) {
      throw Object.assign(unavailable('报考条件判定暂时不可用，请稍后再试'), { cause: err });
    }
  }

  /** A form that does not meet the conditions is refused with the reason in plain Chinese. */
  private assertEligible(e: Evaluation): void {
    if (!e.decision.eligible) throw new DomainError(422, 'NOT_ELIGIBLE', e.explanation, [{ field: 'workPeriods', message: e.explanation }]);
  }

  private formColumns(form: RegistrationForm, e: Evaluation): FormColumns {
    return {
      level_code: form.levelCode,
      major_code: form.majorCode,
      full_name: form.fullName,
      id_number: form.idNumber,
      phone: form.phone,
      employer: form.employer,
      education: e.qualifying.level,
      education_major_related: e.qualifying.majorRelated,
      safety_work_years: e.years.years,
      identity_type: e.facts.identityType,
      gender: e.gender,
      birth_date: e.birthDate,
      district: form.district,
      subject_codes: e.subjects.map((s) => s.code).join(','),
      fee_total_fen: e.feeTotalFen,
      safety_work_months: e.years.months,
      photo_id: e.photoId || null,
      certificate_no: form.certificateNo,
      certificate_attachment_id: form.certificateAttachmentId,
      signed_at: null,
    };
  }

  /** Signs the confirmation of the whole form and the commitment letter, in the transaction that stores it. */
  private async sign(trx: Knex.Transaction, user: CurrentUser, registrationId: number, registrationNo: string, form: RegistrationForm, e: Evaluation, at: Date): Promise<void> {
    const content = {
      type: '报名信息确认及告知承诺书签署',
      registrationNo,
      examCode: e.structure.exam.code,
      username: user.username,
      signedAt: at.toISOString(),
      form: { ...form, idNumber: undefined, phone: undefined, idNumberIndex: this.security.index('id-number', form.idNumber), phoneIndex: this.security.index('phone', form.phone) },
      computed: { safetyWorkYears: e.years.years, subjects: e.subjects.map((s) => s.code), feeTotalFen: e.feeTotalFen },
    };
    // The letter's text as the candidate read it: the published template version (0: the built-in one).
    const templateVersion = (await this.registrations.publishedCommitmentLetterVersion(trx)) ?? 0;
    const signed = signCommitment(this.security.sm2, { ...content, commitmentLetterVersion: templateVersion });
    await this.registrations.addSignature(trx, {
      registrationId,
      userId: user.id,
      content: signed.content,
      digest: signed.digest,
      signature: signed.signature,
      keyId: signed.keyId,
      signedAt: at,
      templateVersion,
    });
  }

  /**
   * Confirms the form and signs the commitment (M15, M03): stores the registration, locked, and starts
   * its `exam-registration` case with the registration number as business key.
   */
  async submit(user: CurrentUser, input: SubmitRegistrationRequest, now = new Date()): Promise<RegistrationView> {
    const e = await this.evaluate(user, input, now, null, { requirePhoto: true });
    this.assertEligible(e);
    if (await this.registrations.findExisting(input.examId, user.id, input.idNumber)) {
      throw conflict('DUPLICATE_REGISTRATION', messages.duplicate, 'examId');
    }
    let created: { id: number; no: string };
    try {
      created = await this.db.transaction(async (trx) => {
        const seq = await this.registrations.nextNumber(trx, 'registration', e.structure.exam.code);
        const no = `BM${e.structure.exam.code}${String(seq).padStart(6, '0')}`;
        const id = await this.registrations.insert(trx, { ...this.formColumns(input, e), signed_at: now, registration_no: no, exam_id: input.examId, user_id: user.id, status: 'submitted' });
        await this.registrations.writeHistory(trx, id, e.educations, input.workPeriods);
        await this.sign(trx, user, id, no, input, e, now);
        await this.registrations.addEvent(trx, id, { kind: 'submitted', title: '确认报名信息并签署告知承诺书', actor: user.displayName, idempotencyKey: `submitted:${no}` });
        return { id, no };
      });
    } catch (err) {
      // Two concurrent submissions of the same person: the unique constraint decides.
      if (isUniqueViolation(err)) throw conflict('DUPLICATE_REGISTRATION', messages.duplicate, 'examId');
      throw err;
    }
    try {
      await this.startCase(created.id, created.no, e.structure.exam.code, user.username);
    } catch (err) {
      await this.db.transaction((trx) => this.registrations.remove(trx, created.id));
      throw Object.assign(unavailable(messages.engineDown), { cause: err });
    }
    return this.view(user, created.no);
  }

  /**
   * The candidate corrects the form and signs again: after withdrawing the confirmation (a new case
   * starts) or when a reviewer returned it (the correction task completes and the case re-decides).
   */
  async resubmit(user: CurrentUser, registrationNo: string, input: SubmitRegistrationRequest, now = new Date()): Promise<RegistrationView> {
    const row = await this.own(user, registrationNo);
    if (row.status !== 'draft' && row.status !== 'returned') throw conflict('REGISTRATION_LOCKED', messages.locked);
    const e = await this.evaluate(user, input, now, row, { requirePhoto: true });
    this.assertEligible(e);
    const wasReturned = row.status === 'returned';
    try {
      await this.db.transaction(async (trx) => {
        await this.registrations.replaceForm(trx, row.id, { ...this.formColumns(input, e), signed_at: now }, { status: 'submitted' });
        await this.registrations.writeHistory(trx, row.id, e.educations, input.workPeriods);
        await this.sign(trx, user, row.id, registrationNo, input, e, now);
        await this.registrations.addEvent(trx, row.id, {
          kind: 'resubmitted',
          title: wasReturned ? '按要求修改报名信息并重新签署承诺书' : '重新确认报名信息并签署告知承诺书',
          actor: user.displayName,
          idempotencyKey: `resubmitted:${registrationNo}:${now.getTime()}`,
        });
        // The correction task completes inside the transaction: if the engine refuses, nothing is stored.
        if (wasReturned) await this.completeCorrection(registrationNo, user);
      });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      if (err instanceof EngineError) throw Object.assign(unavailable(messages.engineDown), { cause: err });
      throw err;
    }
    if (!wasReturned) {
      try {
        await this.startCase(row.id, registrationNo, row.exam_code, user.username);
      } catch (err) {
        // Back to where the candidate was, so that they can simply try again.
        await this.db.transaction((trx) => this.registrations.transition(trx, registrationNo, ['submitted'], { status: 'draft', signed_at: null }));
        throw Object.assign(unavailable(messages.engineDown), { cause: err });
      }
    }
    return this.view(user, registrationNo);
  }

  private async completeCorrection(registrationNo: string, user: CurrentUser): Promise<void> {
    const [task] = await this.engine.queryTasks({ processDefinitionKey: flow.processKey, processInstanceBusinessKey: registrationNo, taskDefinitionKey: flow.activities.candidateCorrection }, 0, 1);
    if (!task) throw conflict('CORRECTION_GONE', '该报名当前没有待修改的事项，请刷新后重试');
    if (task.assignee !== user.username) throw forbidden('该修改任务不属于您');
    await this.engine.complete(task.id, {});
  }

  /**
   * Withdraws the confirmation (only before payment): the case ends at 已撤回确认 and the form becomes
   * editable again. The engine is told inside the transaction, so both change or neither does.
   */
  async withdraw(user: CurrentUser, registrationNo: string): Promise<RegistrationView> {
    const row = await this.own(user, registrationNo);
    if (!withdrawableStatuses.includes(row.status)) throw conflict('NOT_WITHDRAWABLE', messages.notWithdrawable);
    try {
      await this.db.transaction(async (trx) => {
        const moved = await this.registrations.transition(trx, registrationNo, withdrawableStatuses, { status: 'draft', process_instance_id: null, signed_at: null, return_items: null });
        if (!moved) throw conflict('NOT_WITHDRAWABLE', messages.notWithdrawable);
        await this.registrations.withdrawSignatures(trx, row.id);
        await this.registrations.addEvent(trx, row.id, { kind: 'withdrawn', title: '撤回确认', detail: '报名信息已解锁，可修改后重新确认', actor: user.displayName, idempotencyKey: `withdrawn:${registrationNo}:${Date.now()}` });
        if (row.process_instance_id) await this.engine.correlateMessage(flow.messages.registrationWithdrawn, registrationNo);
      });
    } catch (err) {
      if (err instanceof EngineError) throw Object.assign(unavailable('撤回暂时无法完成，请稍后再试'), { cause: err });
      throw err;
    }
    return this.view(user, registrationNo);
  }

  private async startCase(id: number, registrationNo: string, examCode: string, candidateUsername: string): Promise<void> {
    const instance = await this.engine.startProcess(
      flow.processKey,
      registrationNo,
      startVariablesOf(flow, { registrationNo, examCode, candidateUsername, paymentQueryCycle: this.paymentQueryCycle }),
    );
    await this.db.transaction((trx) => this.registrations.setProcessInstance(trx, id, instance.id));
  }

  /**
   * Registrations committed without their case (the API stopped between the two steps) get it now;
   * a case already started under the registration number is linked rather than started twice.
   */
  async resumeUnstartedCases(olderThanMs = 60_000): Promise<number> {
    const pending = await this.registrations.withoutCase(new Date(Date.now() - olderThanMs));
    for (const r of pending) {
      const [existing] = await this.engine.processInstancesByBusinessKey(flow.processKey, r.registration_no);
      if (existing) await this.db.transaction((trx) => this.registrations.setProcessInstance(trx, r.id, existing.id));
      else {
        await this.startCase(r.id, r.registration_no, r.exam_code, await this.registrations.ownerUsername(r.id));
      }
    }
    return pending.length;
  }

  /** A registration within the user's data scope. */
  async find(user: CurrentUser, registrationNo: string): Promise<RegistrationDetailRow> {
    const row = await this.findIfAny(user, registrationNo);
    if (!row) throw notFound(messages.notFound);
    return row;
  }

  /** The same, but null when there is no such registration (the case view asks each case type in turn). */
  async findIfAny(user: CurrentUser, registrationNo: string): Promise<RegistrationDetailRow | null> {
    const row = await this.registrations.findByNo(registrationNo);
    if (!row) return null;
    // 404 rather than 403, so that numbers of other people's registrations are not confirmed.
    if (!(await this.scope.canReadRegistration(user, row))) throw notFound(messages.notFound);
    return row;
  }

  /** The candidate's own registration (changes are the owner's alone, whatever else the user may read). */
  private async own(user: CurrentUser, registrationNo: string): Promise<RegistrationDetailRow> {
    const row = await this.find(user, registrationNo);
    if (row.user_id !== user.id) throw notFound(messages.notFound);
    return row;
  }

  async view(user: CurrentUser, registrationNo: string): Promise<RegistrationView> {
    return this.viewOf(await this.find(user, registrationNo));
  }

  async mine(user: CurrentUser): Promise<RegistrationView[]> {
    return Promise.all((await this.registrations.listByUser(user.id)).map((r) => this.viewOf(r)));
  }

  /** The full view of a registration the caller has found within the user's scope. */
  async viewOf(r: RegistrationDetailRow): Promise<RegistrationView> {
    const [educations, workPeriods, signature, structure] = await Promise.all([
      this.registrations.educations(r.id),
      this.registrations.workPeriods(r.id),
      this.registrations.latestSignature(r.id),
      loadExamStructure(this.db, r.exam_id),
    ]);
    const codes = r.subject_codes ? r.subject_codes.split(',') : [];
    const subjects = codes.map((code) => {
      const s = structure?.subjects.find((x) => x.code === code);
      return { code, name: s?.name ?? code, feeFen: s?.feeFen ?? 0 };
    });
    const inForce = signature && !signature.withdrawn_at ? signature : undefined;
    return {
      ...toView(r),
      educations,
      workPeriods,
      subjects,
      subjectCode: r.level_code === 'single' ? (codes[0] ?? null) : null,
      signedAt: inForce ? inForce.signed_at.toISOString() : null,
      signatureDigest: inForce ? inForce.digest : null,
    };
  }

  /** The case in plain Chinese (U9): what happened, then what is awaited now. */
  async timeline(user: CurrentUser, registrationNo: string): Promise<TimelineEntry[]> {
    const row = await this.find(user, registrationNo);
    const events = await this.registrations.events(row.id);
    // The candidate sees the office that acted, not the name of the member of staff.
    const ownView = row.user_id === user.id;
    const entries: TimelineEntry[] = events.map((e) => ({
      at: e.created_at.toISOString(),
      title: e.title,
      detail: e.detail,
      actor: ownView && e.kind.startsWith('review-') ? '资格审核人员' : e.actor,
      state: e.kind === 'review-rejected' ? 'failed' : 'done',
    }));
    const pending: Partial<Record<RegistrationStatus, { title: string; detail: string }>> = {
      draft: { title: '待重新确认', detail: '请修改报名信息后重新确认并签署告知承诺书' },
      submitted: { title: '等待报考条件判定', detail: '系统正在按报考条件自动判定' },
      'under-review': { title: '等待资格审核', detail: '资格审核人员将审核您的报名信息' },
      returned: { title: '待修改报名信息', detail: returnText(row.return_items ?? []) },
      approved: { title: '待缴费', detail: '请在缴费截止时间前完成网上缴费' },
    };
    const now = pending[row.status];
    if (now) entries.push({ at: row.updated_at.toISOString(), title: now.title, detail: now.detail, actor: null, state: 'current' });
    return entries;
  }

  // --- steps performed by workers (idempotent: a redelivered task changes nothing twice) ---

  /**
   * 报考条件判定: evaluates the DMN decisions on the stored form, records the result in plain Chinese,
   * and either hands the case to the reviewers or accepts it (待缴费).
   */
  async decideEligibility(registrationNo: string): Promise<{ eligible: boolean; manualReview: boolean }> {
    const row = await this.registrations.findByNo(registrationNo);
    if (!row) throw new Error(`registration ${registrationNo} not found`);
    // A resubmission completes the correction task inside its transaction, so this step can run before
    // the corrected form commits: fail and be retried rather than decide on the returned form.
    if (row.status === 'returned') throw new Error(`registration ${registrationNo} is not yet resubmitted`);
    if (row.status !== 'submitted') return { eligible: row.precheck_passed ?? false, manualReview: row.manual_review ?? true };
    const facts = {
      education: row.education,
      majorRelated: row.education_major_related,
      workYears: Number(row.safety_work_years),
      levelCode: row.level_code,
      identityType: row.identity_type,
      countedUntil: `${row.exam_year}-12-31`,
    };
    const decision = await this.decider.decide(facts);
    const explanation = explainEligibility(facts, decision);
    await this.db.transaction(async (trx) => {
      const moved = await this.registrations.transition(trx, registrationNo, ['submitted'], {
        status: decision.manualReview ? 'under-review' : 'approved',
        precheck_passed: decision.eligible,
        precheck_message: explanation,
        eligibility_rule: decision.ruleId,
        manual_review: decision.manualReview,
      });
      if (moved) {
        const key = `eligibility:${registrationNo}:${row.signed_at?.getTime() ?? 0}`;
        await this.registrations.addEvent(trx, row.id, {
          kind: 'eligibility',
          title: decision.manualReview ? '报考条件判定完成，转资格审核' : '报考条件判定：符合，报名受理',
          detail: explanation,
          actor: '系统',
          idempotencyKey: key,
        });
      }
    });
    return { eligible: decision.eligible, manualReview: decision.manualReview };
  }

  /** Records the reviewer's decision carried by the case. */
  async recordReviewOutcome(
    registrationNo: string,
    outcome: { decision: 'approve' | 'reject' | 'return'; comment: string | null; returnItems: ReturnItem[]; reviewerName: string; reviewerUsername: string; stepId: string },
  ): Promise<void> {
    const row = await this.registrations.findByNo(registrationNo);
    if (!row) throw new Error(`registration ${registrationNo} not found`);
    const next = { approve: 'approved', reject: 'rejected', return: 'returned' } as const;
    const titles = { approve: '资格审核通过', reject: '资格审核不通过', return: '资格审核：退回修改' } as const;
    await this.db.transaction(async (trx) => {
      const moved = await this.registrations.transition(trx, registrationNo, ['under-review'], {
        status: next[outcome.decision],
        review_comment: outcome.comment,
        reviewed_by: outcome.reviewerUsername,
        reviewed_at: new Date(),
        return_items: outcome.decision === 'return' ? outcome.returnItems : null,
      });
      if (moved) {
        const detail = outcome.decision === 'return' ? [outcome.comment, returnText(outcome.returnItems)].filter(Boolean).join('；') : outcome.comment;
        await this.registrations.addEvent(trx, row.id, {
          kind: `review-${outcome.decision === 'approve' ? 'approved' : outcome.decision === 'reject' ? 'rejected' : 'returned'}`,
          title: titles[outcome.decision],
          detail,
          actor: outcome.reviewerName,
          idempotencyKey: `review:${outcome.stepId}`,
        });
      }
    });
  }
}

/** Before payment the candidate may withdraw the confirmation (DOMAIN.md). */
const withdrawableStatuses: RegistrationStatus[] = ['submitted', 'under-review', 'returned', 'approved'];

function ageOn(birthDate: string, now: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const age = now.getUTCFullYear() - y;
  return now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d) ? age - 1 : age;
}

export const returnText = (items: ReturnItem[]): string => items.map((i) => `${returnableItemLabels[i.item]}：${i.note}`).join('；');

export function toView(r: RegistrationDetailRow): Omit<RegistrationView, 'educations' | 'workPeriods' | 'subjects' | 'subjectCode' | 'signedAt' | 'signatureDigest'> {
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
    district: r.district,
    identityType: r.identity_type,
    feeTotalFen: r.fee_total_fen,
    certificateNo: r.certificate_no,
    certificateAttachmentId: r.certificate_attachment_id,
    photoId: r.photo_id,
    eligibilityExplanation: r.precheck_message,
    manualReview: r.manual_review,
    returnItems: r.return_items ?? [],
    editable: r.status === 'draft' || r.status === 'returned',
    withdrawable: withdrawableStatuses.includes(r.status),
    status: r.status,
    statusLabel: registrationStatusLabels[r.status],
    precheckPassed: r.precheck_passed,
    precheckMessage: r.precheck_message,
    reviewComment: r.review_comment,
    submittedAt: r.submitted_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
