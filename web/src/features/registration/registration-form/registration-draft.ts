import {
  levelLabels,
  registrationForm,
  type EducationLevel,
  type EducationRecord,
  type RegistrationCheck,
  type WorkPeriod,
  type ExamSummary,
  type LevelCode,
  type RegistrationForm,
  type RegistrationPrefill,
  type RegistrationView,
  type ReturnableItem,
  type shanghaiDistricts,
} from '../../../../../api/src/contracts/registration';
import type { ExamSubjectView } from '../../../../../api/src/contracts/exams';
import { readableMessage } from '../../../forms/field-errors';

/**
 * The registration form as the candidate types it (M11, M15): empty inputs are '' or null until
 * filled. `validateDraft` turns it into the contract's `RegistrationForm`, or into messages keyed by
 * the field's path (`workPeriods.1.startDate`), the same keys the API's field errors map to.
 */

export type District = (typeof shanghaiDistricts)[number];

export interface EducationDraft {
  level: EducationLevel | '';
  school: string;
  major: string;
  /** undefined until chosen (el-radio-group's empty value). */
  fullTime: boolean | undefined;
  startDate: string | null;
  graduationDate: string | null;
  certificateNo: string;
}

export interface WorkPeriodDraft {
  employer: string;
  post: string;
  startDate: string | null;
  /** Empty: until now (至今). */
  endDate: string | null;
  safetyWork: boolean | undefined;
}

export interface RegistrationDraft {
  examId: number | null;
  levelCode: LevelCode | '';
  majorCode: string;
  /** 考单科 only. */
  subjectCode: string;
  /** 考增项 only: the certificate held and its uploaded scan. */
  certificateNo: string;
  certificateAttachmentId: number | null;
  certificateFileName: string;
  fullName: string;
  idNumber: string;
  phone: string;
  district: District | '';
  employer: string;
  educations: EducationDraft[];
  workPeriods: WorkPeriodDraft[];
}

/** Field messages keyed by path (`educations.0.school`); a bare section key is about the whole list. */
export type DraftErrors = Record<string, string>;

/** Whether the candidate confirmed the chosen exam's guide (M10); applying requires it. */
export type GuideState = 'none' | 'checking' | 'confirmed' | 'missing' | 'error';

/** The three steps of the application: ① 选择考试 ② 填写信息 ③ 核对确认. */
export const STEP_EXAM = 0;
export const STEP_DETAILS = 1;
export const STEP_CONFIRM = 2;

export const emptyEducation = (): EducationDraft => ({ level: '', school: '', major: '', fullTime: undefined, startDate: null, graduationDate: null, certificateNo: '' });
export const emptyWorkPeriod = (): WorkPeriodDraft => ({ employer: '', post: '', startDate: null, endDate: null, safetyWork: undefined });

export function emptyDraft(prefill?: RegistrationPrefill | null): RegistrationDraft {
  return {
    examId: null,
    levelCode: '',
    majorCode: '',
    subjectCode: '',
    certificateNo: '',
    certificateAttachmentId: null,
    certificateFileName: '',
    fullName: prefill?.fullName ?? '',
    idNumber: prefill?.idNumber ?? '',
    phone: prefill?.phone ?? '',
    district: '',
    employer: '',
    educations: [emptyEducation()],
    workPeriods: [emptyWorkPeriod()],
  };
}

/**
 * A stored registration as a draft to correct. The view carries the ID and phone masked only: they come
 * from the prefill (the verified identity and bound phone) or are typed again.
 */
export function draftFromView(view: RegistrationView, prefill?: RegistrationPrefill | null): RegistrationDraft {
  return {
    examId: view.examId,
    levelCode: view.levelCode,
    majorCode: view.majorCode,
    subjectCode: view.subjectCode ?? '',
    certificateNo: view.certificateNo ?? '',
    certificateAttachmentId: view.certificateAttachmentId,
    certificateFileName: view.certificateAttachmentId === null ? '' : '已上传的证书',
    fullName: view.fullName,
    idNumber: prefill?.idNumber ?? '',
    phone: prefill?.phone ?? '',
    district: (view.district ?? '') as District | '',
    employer: view.employer,
    educations: view.educations.map((e) => ({
      level: e.level,
      school: e.school,
      major: e.major,
      fullTime: e.fullTime,
      startDate: e.startDate,
      graduationDate: e.graduationDate,
      certificateNo: e.certificateNo,
    })),
    workPeriods: view.workPeriods.map((w) => ({ ...w })),
  };
}

/** An API field path (`workPeriods[1].startDate` or `workPeriods.1.startDate`) as a draft error key. */
export function errorKey(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}

const stepOfField: Readonly<Record<string, number>> = {
  examId: STEP_EXAM,
  levelCode: STEP_EXAM,
  majorCode: STEP_EXAM,
  subjectCode: STEP_EXAM,
  certificateNo: STEP_EXAM,
  certificateAttachmentId: STEP_EXAM,
  fullName: STEP_DETAILS,
  idNumber: STEP_DETAILS,
  phone: STEP_DETAILS,
  district: STEP_DETAILS,
  employer: STEP_DETAILS,
  educations: STEP_DETAILS,
  workPeriods: STEP_DETAILS,
  photo: STEP_CONFIRM,
  commitmentAccepted: STEP_CONFIRM,
};

/** The step that shows a field; undefined for messages about no field of the form. */
export function stepOf(key: string): number | undefined {
  return stepOfField[key.split('.')[0] ?? ''];
}

/** The first step showing any of the errors (the one to open), or undefined. */
export function firstStepWithError(errors: DraftErrors): number | undefined {
  const steps = Object.keys(errors)
    .map(stepOf)
    .filter((s): s is number => s !== undefined);
  return steps.length ? Math.min(...steps) : undefined;
}

const stepOfReturnItem: Readonly<Record<ReturnableItem, number>> = {
  exam: STEP_EXAM,
  certificate: STEP_EXAM,
  personal: STEP_DETAILS,
  educations: STEP_DETAILS,
  workPeriods: STEP_DETAILS,
  photo: STEP_CONFIRM,
};

/** Where a correction starts: the first step holding an item the reviewer marked. */
export function firstMarkedStep(items: readonly ReturnableItem[]): number {
  return items.length ? Math.min(...items.map((i) => stepOfReturnItem[i])) : STEP_EXAM;
}

/** The subjects a level binds for a major (公共科目 plus that major's); none until both are chosen. */
export function levelSubjects(exam: ExamSummary | undefined, levelCode: string, majorCode: string): ExamSubjectView[] {
  const level = exam?.levels.find((l) => l.code === levelCode);
  if (!exam || !level || !majorCode) return [];
  return exam.subjects.filter((s) => level.subjectCodes.includes(s.code) && (s.majorCode === null || s.majorCode === majorCode));
}

/** The subjects the candidate sits: all of the level's, or the one chosen for 考单科. */
export function subjectsToSit(exam: ExamSummary | undefined, draft: Pick<RegistrationDraft, 'levelCode' | 'majorCode' | 'subjectCode'>): ExamSubjectView[] {
  const offered = levelSubjects(exam, draft.levelCode, draft.majorCode);
  return draft.levelCode === 'single' ? offered.filter((s) => s.code === draft.subjectCode) : offered;
}

export function requiresCertificate(exam: ExamSummary | undefined, levelCode: string): boolean {
  return exam?.levels.find((l) => l.code === levelCode)?.requiresCertificate ?? false;
}

const given = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? undefined : trimmed;
};
const choice = <T>(value: T | '' | null | undefined): T | undefined => (value === '' || value === null ? undefined : value);

/** The draft as the contract's input: what is empty is left out, so the schema answers "请填写…". */
export function toFormInput(draft: RegistrationDraft, exam: ExamSummary | undefined): Record<string, unknown> {
  const withCertificate = requiresCertificate(exam, draft.levelCode);
  return {
    examId: choice(draft.examId),
    levelCode: choice(draft.levelCode),
    majorCode: given(draft.majorCode),
    subjectCode: draft.levelCode === 'single' ? (given(draft.subjectCode) ?? null) : null,
    certificateNo: withCertificate ? (given(draft.certificateNo) ?? null) : null,
    certificateAttachmentId: withCertificate ? draft.certificateAttachmentId : null,
    fullName: given(draft.fullName),
    idNumber: given(draft.idNumber),
    phone: given(draft.phone),
    district: choice(draft.district),
    employer: given(draft.employer),
    educations: draft.educations.map((e) => ({
      level: choice(e.level),
      school: given(e.school),
      major: given(e.major),
      fullTime: choice(e.fullTime),
      startDate: given(e.startDate),
      graduationDate: given(e.graduationDate),
      certificateNo: given(e.certificateNo),
    })),
    workPeriods: draft.workPeriods.map((w) => ({
      employer: given(w.employer),
      post: given(w.post),
      startDate: given(w.startDate),
      endDate: given(w.endDate) ?? null,
      safetyWork: choice(w.safetyWork),
    })),
  };
}

/** Names of the form's fields, for messages the schema leaves in English. */
const fieldLabels: Readonly<Record<string, string>> = {
  examId: '考试',
  levelCode: '报考级别',
  majorCode: '报考专业',
  subjectCode: '报考科目',
  certificateNo: '证书编号',
  certificateAttachmentId: '证书扫描件',
  fullName: '姓名',
  idNumber: '身份证号码',
  phone: '手机号码',
  district: '工作或居住所在区',
  employer: '现工作单位',
  educations: '学历信息',
  workPeriods: '工作经历',
  level: '学历层次',
  school: '毕业院校',
  major: '所学专业',
  fullTime: '是否全日制',
  startDate: '开始日期',
  graduationDate: '毕业日期',
  endDate: '结束日期',
  post: '岗位',
  safetyWork: '是否从事安全生产业务',
};

/** The value at a dotted path of the form input (`workPeriods.1.startDate`). */
export function valueAt(input: unknown, key: string): unknown {
  let value = input;
  for (const part of key.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Level rules the schema cannot see (the exam's structure); the API checks them again. */
function levelErrors(draft: RegistrationDraft, exam: ExamSummary | undefined): DraftErrors {
  const errors: DraftErrors = {};
  if (draft.levelCode === 'single' && draft.majorCode && !draft.subjectCode) errors.subjectCode = '考单科须选择一个报考科目';
  if (requiresCertificate(exam, draft.levelCode)) {
    if (!given(draft.certificateNo)) errors.certificateNo = '考增项须填写已取得的初级注册安全工程师证书编号';
    if (draft.certificateAttachmentId === null) errors.certificateAttachmentId = '考增项须上传已取得的证书';
  }
  return errors;
}

/**
 * Checks the draft against the contract (and the level rules of the chosen exam). `form` is set when
 * nothing is wrong; otherwise `errors` holds one message per field path.
 */
export function validateDraft(draft: RegistrationDraft, exam: ExamSummary | undefined): { form?: RegistrationForm; errors: DraftErrors } {
  const input = toFormInput(draft, exam);
  const parsed = registrationForm.safeParse(input);
  const errors: DraftErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.');
      const label = fieldLabels[key.split('.').at(-1) ?? ''] ?? fieldLabels[key.split('.')[0] ?? ''] ?? '此项';
      errors[key] ??= readableMessage(issue.message, label, valueAt(input, key) === undefined);
    }
  }
  Object.assign(errors, { ...levelErrors(draft, exam), ...errors });
  return Object.keys(errors).length === 0 && parsed.success ? { form: parsed.data, errors } : { errors };
}

/** Only the messages of one step (the step's 下一步 checks what it shows). */
export function errorsOfStep(errors: DraftErrors, step: number): DraftErrors {
  return Object.fromEntries(Object.entries(errors).filter(([key]) => stepOf(key) === step));
}

/** What the read-only form shows, whether from the draft being confirmed or a stored registration. */
export interface RegistrationSummaryData {
  examName: string;
  levelName: string;
  majorName: string;
  subjects: ReadonlyArray<{ code: string; name: string; feeFen: number }>;
  feeTotalFen: number | null;
  certificateNo: string | null;
  fullName: string;
  idNumber: string;
  phone: string;
  district: string | null;
  employer: string;
  educations: ReadonlyArray<EducationRecord & { majorRelated?: boolean }>;
  workPeriods: readonly WorkPeriod[];
}

export function summaryFromView(view: RegistrationView): RegistrationSummaryData {
  return {
    examName: view.examName,
    levelName: levelLabels[view.levelCode],
    majorName: view.majorName,
    subjects: view.subjects,
    feeTotalFen: view.feeTotalFen,
    certificateNo: view.certificateNo,
    fullName: view.fullName,
    idNumber: view.idNumberMasked,
    phone: view.phoneMasked,
    district: view.district,
    employer: view.employer,
    educations: view.educations,
    workPeriods: view.workPeriods,
  };
}

/** The validated form with what the check computed (subjects and fee), before it is signed. */
export function summaryFromForm(form: RegistrationForm, exam: ExamSummary | undefined, check: RegistrationCheck): RegistrationSummaryData {
  return {
    examName: exam?.name ?? '',
    levelName: exam?.levels.find((l) => l.code === form.levelCode)?.name ?? levelLabels[form.levelCode],
    majorName: exam?.majors.find((m) => m.code === form.majorCode)?.name ?? form.majorCode,
    subjects: check.subjects,
    feeTotalFen: check.feeTotalFen,
    certificateNo: form.certificateNo,
    fullName: form.fullName,
    idNumber: form.idNumber,
    phone: form.phone,
    district: form.district,
    employer: form.employer,
    educations: form.educations,
    workPeriods: form.workPeriods,
  };
}

/** `2026-12-31` → `2026年12月31日` (how the rules state the day years are counted to). */
export function chineseDate(isoDay: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDay);
  return match ? `${match[1]}年${Number(match[2])}月${Number(match[3])}日` : isoDay;
}
