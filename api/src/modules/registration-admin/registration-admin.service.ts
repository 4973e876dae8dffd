import type { Db } from '../../db/knex';
import type { CurrentUser } from '../../contracts/auth';
import {
  educationLabels,
  educationLevels,
  levelCodes,
  levelLabels,
  registrationStatusLabels,
  registrationStatuses,
  returnItem,
  shanghaiDistricts,
  type ReturnItem,
} from '../../contracts/registration';
import {
  ageBandLabels,
  ageBands,
  correctableFieldLabels,
  correctableFields,
  examChoiceCorrectableStatuses,
  genderLabels,
  statisticsDimensionLabels,
  UNKNOWN_KEY,
  type CorrectableField,
  type RegistrationAdminDetail,
  type RegistrationCorrectionRequest,
  type RegistrationCorrectionView,
  type RegistrationSearchOptions,
  type RegistrationSearchPage,
  type RegistrationSearchQuery,
  type RegistrationSearchRow,
  type RegistrationStatistics,
  type RegistrationStatisticsQuery,
  type StatisticsDimension,
} from '../../contracts/registration-admin';
import { DomainError, notFound, validationError, type FieldError } from '../../http/errors';
import type { DataScope } from '../../auth/data-scope';
import type { SecurityServices } from '../../security/security-services';
import type { ExamService } from '../exams/exam.service';
import { loadExamStructure, subjectsFor } from '../exams/exam-structure';
import { maskIdNumber, maskPhone } from '../../security/masking';
import type { RegistrationCorrection, RegistrationRecords, RegistrationRow } from '../registration/registration-records.service';
import {
  correctionColumns,
  type AdminRegistrationRow,
  type CorrectionRow,
  type ExamScope,
  type NewCorrection,
  type RegistrationAdminRepository,
} from './registration-admin.repository';

const messages = {
  notFound: '报名记录不存在',
  examNotFound: '考试不存在或不在您的数据范围内',
  nothingChanged: '填写的内容与现有报名信息相同，无需更正',
  examChoiceLocked: (status: string) => `报名状态为「${status}」，不能再更正报考级别和专业`,
  needsCertificate: '该报考级别须由考生上传已取得的证书，请退回考生修改',
  needsSubjectChoice: '考单科须由考生选择报考科目，请退回考生修改',
  unknown: '未填写',
};

/** The value of a field as the corrections table keeps it: personal values (the phone) masked, never in clear. */
const storedValue = (field: CorrectableField, value: string | null): string | null =>
  value === null ? null : field === 'phone' ? maskPhone(value) : value;

/** The Shanghai day `YYYY-MM-DD` as an instant (+08:00 all year), optionally some days later. */
const shanghaiDay = (day: string, plusDays = 0): Date => new Date(Date.parse(`${day}T00:00:00+08:00`) + plusDays * 86_400_000);

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const subjectCodesOf = (value: string | null): string[] => (value ? value.split(',').filter(Boolean) : []);

/** Display order of the groups of each dimension; groups the order does not know come after it, "not recorded" last. */
function dimensionOrder(dimension: StatisticsDimension, majors: Array<{ code: string }>, subjects: Map<string, string>): readonly string[] {
  switch (dimension) {
    case 'level':
      return levelCodes;
    case 'major':
      return majors.map((m) => m.code);
    case 'subject':
      return [...subjects.keys()].sort();
    case 'status':
      return registrationStatuses;
    case 'district':
      return shanghaiDistricts;
    case 'education':
      return educationLevels;
    case 'ageBand':
      return ageBands;
    case 'gender':
      return ['M', 'F'];
  }
}

function labelOf(dimension: StatisticsDimension, key: string, majors: Map<string, string>, subjects: Map<string, string>): string {
  const known = (labels: Readonly<Record<string, string>>) => (Object.hasOwn(labels, key) ? labels[key]! : key);
  switch (dimension) {
    case 'level':
      return known(levelLabels);
    case 'major':
      return majors.get(key) ?? key;
    case 'subject':
      return subjects.get(key) ?? key;
    case 'status':
      return known(registrationStatusLabels);
    case 'district':
      return key;
    case 'education':
      return known(educationLabels);
    case 'ageBand':
      return known(ageBandLabels);
    case 'gender':
      return known(genderLabels);
  }
}

/**
 * 报名数据管理 (M23, M24): search, details and corrections of registrations, and statistics. Every
 * read passes the data scope (exam admins: every exam; reviewers: their exams); rows are read
 * through RegistrationRepository, which checks their seals and decrypts ID and phone numbers, which
 * leave here masked.
 */
export class RegistrationAdminService {
  constructor(
    private readonly db: Db,
    private readonly admin: RegistrationAdminRepository,
    private readonly registrations: RegistrationRecords,
    private readonly exams: Pick<ExamService, 'findById'>,
    private readonly scope: DataScope,
    private readonly security: Pick<SecurityServices, 'index'>,
  ) {}

  /** The user's exam scope; an exam asked for outside it is "not found", so its existence is not confirmed. */
  private async scopeFor(user: CurrentUser, examId: number | undefined): Promise<ExamScope> {
    const scope = await this.scope.registrationExamScope(user);
    if (examId !== undefined && scope && !scope.includes(examId)) throw notFound(messages.examNotFound);
    return scope;
  }

  async options(user: CurrentUser): Promise<RegistrationSearchOptions> {
    const scope = await this.scopeFor(user, undefined);
    const [exams, majors] = await Promise.all([this.admin.exams(scope), this.admin.majors()]);
    return { exams, majors };
  }

  async search(user: CurrentUser, query: RegistrationSearchQuery): Promise<RegistrationSearchPage> {
    const scope = await this.scopeFor(user, query.examId);
    const { rows, total } = await this.admin.search(
      scope,
      {
        ...(query.examId !== undefined ? { examId: query.examId } : {}),
        ...(query.idNumber ? { idNumberIdx: this.security.index('id-number', query.idNumber) } : {}),
        ...(query.fullName ? { fullName: query.fullName } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.levelCode ? { levelCode: query.levelCode } : {}),
        ...(query.majorCode ? { majorCode: query.majorCode } : {}),
        ...(query.district ? { district: query.district } : {}),
        ...(query.submittedFrom ? { submittedFrom: shanghaiDay(query.submittedFrom) } : {}),
        ...(query.submittedTo ? { submittedBefore: shanghaiDay(query.submittedTo, 1) } : {}),
      },
      query,
    );
    // A row failing its seal is left out (and reported by the repository), never shown.
    const items = this.registrations.openRows(rows).map(toSearchRow);
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  /** A registration within the user's scope, verified and decrypted; 404 otherwise. */
  private async find(user: CurrentUser, registrationNo: string): Promise<AdminRegistrationRow> {
    const stored = await this.admin.findByNo(registrationNo);
    if (!stored || !(await this.scope.canReadRegistration(user, stored))) throw notFound(messages.notFound);
    return this.registrations.openRow(stored);
  }

  async detail(user: CurrentUser, registrationNo: string): Promise<RegistrationAdminDetail> {
    const r = await this.find(user, registrationNo);
    const [educations, workPeriods, events, signatures, corrections, majors, subjectNames] = await Promise.all([
      this.registrations.educations(r.id),
      this.registrations.workPeriods(r.id),
      this.registrations.events(r.id),
      this.admin.signatures(r.id),
      this.admin.corrections(r.id),
      this.admin.majors(),
      this.admin.subjectNames(null, r.exam_id),
    ]);
    const majorNames = new Map(majors.map((m) => [m.code, m.name]));
    const returnItems = returnItem.array().safeParse(r.return_items ?? []);
    return {
      registrationNo: r.registration_no,
      examId: r.exam_id,
      examCode: r.exam_code,
      examName: r.exam_name,
      levelCode: r.level_code,
      majorCode: r.major_code,
      majorName: r.major_name,
      subjects: subjectCodesOf(r.subject_codes).map((code) => ({ code, name: subjectNames.get(code) ?? code })),
      feeTotalFen: r.fee_total_fen === null ? null : Number(r.fee_total_fen),
      fullName: r.full_name,
      identityType: r.identity_type,
      idNumberMasked: maskIdNumber(r.id_number),
      phoneMasked: maskPhone(r.phone),
      gender: r.gender,
      birthDate: r.birth_day,
      district: r.district,
      employer: r.employer,
      education: r.education,
      educationMajorRelated: r.education_major_related,
      safetyWorkYears: Number(r.safety_work_years),
      safetyWorkMonths: r.safety_work_months === null ? null : Number(r.safety_work_months),
      eligibilityRule: r.eligibility_rule,
      manualReview: r.manual_review,
      precheckPassed: r.precheck_passed,
      precheckMessage: r.precheck_message,
      status: r.status,
      statusLabel: registrationStatusLabels[r.status],
      reviewComment: r.review_comment,
      reviewedBy: r.reviewed_by,
      reviewedAt: iso(r.reviewed_at),
      returnItems: returnItems.success ? returnItems.data : ([] as ReturnItem[]),
      certificateNo: r.certificate_no,
      signedAt: iso(r.signed_at),
      submittedAt: r.submitted_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      educations,
      workPeriods,
      events: events.map((e) => ({ at: e.created_at.toISOString(), kind: e.kind, title: e.title, detail: e.detail, actor: e.actor })),
      signatures: signatures.map((s) => ({ signedAt: s.signed_at.toISOString(), digest: s.digest.trim(), keyId: s.key_id, withdrawnAt: iso(s.withdrawn_at) })),
      corrections: corrections.map((c) => toCorrectionView(c, majorNames)),
      correctable: correctableNow(user, r.status),
    };
  }

  /**
   * An exam admin corrects a registration (M23). The changed fields, each with its value before and
   * after and the reason, go to `registration_corrections` in the same transaction as the change
   * (made through RegistrationRepository, which re-seals the row), and the case timeline says that
   * the data were corrected. Any field refused: 400 naming it, and nothing is written.
   */
  async correct(user: CurrentUser, registrationNo: string, input: RegistrationCorrectionRequest): Promise<RegistrationAdminDetail> {
    await this.find(user, registrationNo);
    await this.db.transaction(async (trx) => {
      // Read again under the row lock: the comparison and the change see the same row.
      const current = await this.registrations.findForUpdate(trx, registrationNo);
      if (!current) throw notFound(messages.notFound);
      const before: Record<CorrectableField, string | null> = {
        fullName: current.full_name,
        employer: current.employer,
        district: current.district,
        phone: current.phone,
        levelCode: current.level_code,
        majorCode: current.major_code,
      };
      const changed = correctableFields.filter((f) => input[f] !== undefined && input[f] !== before[f]);
      if (changed.length === 0) throw validationError([{ field: 'changes', message: messages.nothingChanged }]);

      const changes: RegistrationCorrection = {};
      const errors: FieldError[] = [];
      for (const field of changed) {
        const value = input[field]!;
        if (field === 'fullName') changes.full_name = value;
        else if (field === 'employer') changes.employer = value;
        else if (field === 'district') changes.district = value;
        else if (field === 'phone') changes.phone = value;
      }
      const choiceChanged = changed.filter((f): f is 'levelCode' | 'majorCode' => f === 'levelCode' || f === 'majorCode');
      if (choiceChanged.length > 0) {
        // Level and major decide the subjects and the fee. Before approval no payment order exists, so
        // they may still change (subjects and fee re-derived from the exam); after it, they may not.
        if (!(examChoiceCorrectableStatuses as readonly string[]).includes(current.status)) {
          for (const field of choiceChanged) errors.push({ field, message: messages.examChoiceLocked(registrationStatusLabels[current.status]) });
        } else {
          const levelCode = input.levelCode ?? current.level_code;
          const majorCode = input.majorCode ?? current.major_code;
          const field = changed.includes('majorCode') ? 'majorCode' : 'levelCode';
          const structure = await loadExamStructure(trx, current.exam_id);
          // The foreign key keeps the exam; its absence is a fault, not an input error.
          if (!structure) throw new Error(`exam ${current.exam_id} of registration ${registrationNo} not found`);
          const level = structure.levels.find((l) => l.code === levelCode);
          // 考单科 and a level asking for a certificate need what only the candidate can give: the chosen subject, the certificate.
          if (levelCode === 'single' && current.level_code !== 'single') errors.push({ field: 'levelCode', message: messages.needsSubjectChoice });
          else if (levelCode !== current.level_code && level?.requiresCertificate && !current.certificate_no) errors.push({ field: 'levelCode', message: messages.needsCertificate });
          else {
            try {
              // 考单科 keeps the one subject the candidate chose; if the new major does not offer it, the candidate must choose again.
              const subjects = subjectsFor(structure, levelCode, majorCode, subjectCodesOf(current.subject_codes)[0]);
              if (levelCode !== current.level_code) changes.level_code = levelCode;
              if (majorCode !== current.major_code) changes.major_code = majorCode;
              changes.subject_codes = subjects.map((sub) => sub.code).join(',');
              changes.fee_total_fen = subjects.reduce((sum, sub) => sum + sub.feeFen, 0);
            } catch (err) {
              if (!(err instanceof DomainError) || !err.fields) throw err;
              for (const f of err.fields) errors.push(f.field === 'subjectCode' ? { field, message: messages.needsSubjectChoice } : f);
            }
          }
        }
      }
      if (errors.length) throw validationError(errors);

      await this.registrations.correct(trx, current.id, changes);
      const rows: NewCorrection[] = changed.map((field) => ({
        registration_id: current.id,
        field: correctionColumns[field],
        before_value: storedValue(field, before[field]),
        after_value: storedValue(field, input[field]!),
        reason: input.reason,
        corrected_by: user.username,
        corrected_by_name: user.displayName,
      }));
      const [firstId] = await this.admin.insertCorrections(trx, rows);
      // The candidate's timeline shows that, and which, data were corrected; the values and reason stay with the staff.
      await this.registrations.addEvent(trx, current.id, {
        kind: 'corrected',
        title: '报名信息已更正',
        detail: `考务管理员更正了：${changed.map((f) => correctableFieldLabels[f]).join('、')}`,
        actor: user.displayName,
        idempotencyKey: `correction:${firstId}`,
      });
    });
    return this.detail(user, registrationNo);
  }

  async statistics(user: CurrentUser, query: RegistrationStatisticsQuery, now = new Date()): Promise<RegistrationStatistics> {
    const scope = await this.scopeFor(user, query.examId);
    const exam = query.examId === undefined ? undefined : await this.exams.findById(query.examId);
    if (query.examId !== undefined && !exam) throw notFound(messages.examNotFound);
    const filter = { ...(query.examId !== undefined ? { examId: query.examId } : {}), ...(query.status ? { status: query.status } : {}) };
    const [{ groups, total }, majors, subjects] = await Promise.all([
      this.admin.statistics(scope, filter, query.dimension),
      query.dimension === 'major' ? this.admin.majors() : Promise.resolve([]),
      query.dimension === 'subject' ? this.admin.subjectNames(scope, query.examId) : Promise.resolve(new Map<string, string>()),
    ]);
    const majorNames = new Map(majors.map((m) => [m.code, m.name]));
    const order = dimensionOrder(query.dimension, majors, subjects);
    const rank = (key: string | null) => (key === null ? Number.MAX_SAFE_INTEGER : order.includes(key) ? order.indexOf(key) : order.length);
    const rows = [...groups]
      .sort((a, b) => rank(a.key) - rank(b.key) || String(a.key).localeCompare(String(b.key)))
      .map((g) => ({
        key: g.key ?? UNKNOWN_KEY,
        label: g.key === null ? messages.unknown : labelOf(query.dimension, g.key, majorNames, subjects),
        count: g.count,
        share: total === 0 ? 0 : Math.round((g.count / total) * 10_000) / 10_000,
      }));
    return {
      examId: exam?.id ?? null,
      scopeLabel: exam ? exam.name : '全部考试',
      dimension: query.dimension,
      dimensionLabel: statisticsDimensionLabels[query.dimension],
      status: query.status ?? null,
      total,
      rows,
      generatedAt: now.toISOString(),
    };
  }
}

function correctableNow(user: CurrentUser, status: RegistrationRow['status']): CorrectableField[] {
  if (!user.permissions.includes('registration:update')) return [];
  const choiceOpen = (examChoiceCorrectableStatuses as readonly string[]).includes(status);
  return correctableFields.filter((f) => choiceOpen || (f !== 'levelCode' && f !== 'majorCode'));
}

function toSearchRow(r: AdminRegistrationRow): RegistrationSearchRow {
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
    district: r.district,
    status: r.status,
    statusLabel: registrationStatusLabels[r.status],
    submittedAt: r.submitted_at.toISOString(),
  };
}

const fieldOfColumn = Object.fromEntries(Object.entries(correctionColumns).map(([field, column]) => [column, field])) as Record<CorrectionRow['field'], CorrectableField>;

function toCorrectionView(c: CorrectionRow, majorNames: Map<string, string>): RegistrationCorrectionView {
  const field = fieldOfColumn[c.field];
  const shown = (value: string | null): string | null => {
    if (value === null) return null;
    if (field === 'levelCode') return Object.hasOwn(levelLabels, value) ? levelLabels[value as keyof typeof levelLabels] : value;
    if (field === 'majorCode') return majorNames.get(value) ?? value;
    return value;
  };
  return {
    id: c.id,
    field,
    fieldLabel: correctableFieldLabels[field],
    before: shown(c.before_value),
    after: shown(c.after_value),
    reason: c.reason,
    correctedBy: c.corrected_by,
    correctedByName: c.corrected_by_name,
    correctedAt: c.corrected_at.toISOString(),
  };
}
