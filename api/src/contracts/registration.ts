import { z } from 'zod';
import { examLevelView, examSubjectView, levelCodes } from './exams';

/** Education levels of DOMAIN.md (中专, 大专, 本科, 硕士, 博士). */
export const educationLevels = ['secondary', 'college', 'bachelor', 'master', 'doctor'] as const;
export type EducationLevel = (typeof educationLevels)[number];
export const educationLabels: Record<EducationLevel, string> = {
  secondary: '中专',
  college: '大专',
  bachelor: '本科',
  master: '硕士研究生',
  doctor: '博士研究生',
};

/** Registration status as the candidate and staff see it. */
export const registrationStatuses = [
  'draft',
  'submitted',
  'under-review',
  'returned',
  'approved',
  'rejected',
  'paid',
  'cancelled',
] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];
export const registrationStatusLabels: Record<RegistrationStatus, string> = {
  draft: '已撤回确认，待重新确认',
  submitted: '已提交',
  'under-review': '待资格审核',
  returned: '退回修改',
  approved: '待缴费',
  rejected: '审核不通过',
  paid: '已缴费',
  cancelled: '逾期未缴费，视为放弃',
};

// Levels are defined with the exam set-up (M20); re-exported here for the registration side.
export { levelCodes, levelLabels, type LevelCode } from './exams';

/** The 16 districts of Shanghai (work or residence), for the form and statistics. */
export const shanghaiDistricts = [
  '黄浦区', '徐汇区', '长宁区', '静安区', '普陀区', '虹口区', '杨浦区', '闵行区',
  '宝山区', '嘉定区', '浦东新区', '金山区', '松江区', '青浦区', '奉贤区', '崇明区',
] as const;

/** Mainland resident ID number (GB 11643-1999): 17 digits and a check character. */
const idNumber = z
  .string({ error: '请输入身份证号码' })
  .trim()
  .toUpperCase()
  .regex(/^\d{17}[\dX]$/, '身份证号码应为18位，最后一位可以是数字或X');

const isoDate = (what: string) =>
  z
    .string({ error: `请填写${what}` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what}格式应为YYYY-MM-DD`)
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${what}不是有效日期`);

const plainText = (what: string, min: number, max: number) =>
  z.string({ error: `请填写${what}` }).trim().min(min, `请填写${what}`).max(max, `${what}不能超过${max}个字`);

/** One education record (学历). */
export const educationRecord = z.object({
  level: z.enum(educationLevels, { error: '请选择学历层次' }),
  school: plainText('毕业院校', 2, 100),
  major: plainText('所学专业', 2, 100),
  fullTime: z.boolean({ error: '请选择是否全日制' }),
  startDate: isoDate('入学日期'),
  graduationDate: isoDate('毕业日期'),
  certificateNo: z.string({ error: '请填写毕业证书编号' }).trim().regex(/^[0-9A-Za-z-]{6,40}$/, '毕业证书编号应为6至40位字母或数字'),
});
export type EducationRecord = z.infer<typeof educationRecord>;

/** One period of work (工作经历); an open end means "until now". */
export const workPeriod = z.object({
  employer: plainText('工作单位', 2, 100),
  post: plainText('岗位', 2, 64),
  startDate: isoDate('开始日期'),
  endDate: isoDate('结束日期').nullable(),
  safetyWork: z.boolean({ error: '请选择是否从事安全生产业务' }),
});
export type WorkPeriod = z.infer<typeof workPeriod>;

/** The registration form (M11, M15): exam choice, personal data, education and work history. */
export const registrationForm = z.object({
  examId: z.number({ error: '请选择考试' }).int().positive('请选择考试'),
  levelCode: z.enum(levelCodes, { error: '请选择报考级别' }),
  majorCode: z.string({ error: '请选择报考专业' }).trim().min(1, '请选择报考专业').max(32),
  /** 考单科 only: the one subject sat. */
  subjectCode: z.string().trim().max(32).nullable().default(null),
  /** 考增项 only: the junior certificate already held and its scan. */
  certificateNo: z.string().trim().regex(/^[0-9A-Za-z-]{6,40}$/, '证书编号应为6至40位字母或数字').nullable().default(null),
  certificateAttachmentId: z.number().int().positive().nullable().default(null),
  fullName: z
    .string({ error: '请输入姓名' })
    .trim()
    .min(2, '姓名至少2个字')
    .max(30, '姓名不能超过30个字')
    .regex(/^[\p{Script=Han}A-Za-z·. ]+$/u, '姓名只能包含汉字、字母、间隔号'),
  idNumber,
  phone: z
    .string({ error: '请输入手机号码' })
    .trim()
    .regex(/^1[3-9]\d{9}$/, '手机号码应为11位中国大陆手机号'),
  district: z.enum(shanghaiDistricts, { error: '请选择工作或居住所在区' }),
  employer: plainText('现工作单位', 2, 100),
  educations: z.array(educationRecord, { error: '请填写学历信息' }).min(1, '请至少填写一条学历信息').max(6, '学历信息最多6条'),
  workPeriods: z.array(workPeriod, { error: '请填写工作经历' }).min(1, '请至少填写一段工作经历').max(20, '工作经历最多20段'),
});
export type RegistrationForm = z.infer<typeof registrationForm>;

/** Submitting = confirming the form and signing the commitment letter (告知承诺书, M03/M15). */
export const submitRegistrationRequest = registrationForm.extend({
  commitmentAccepted: z.literal(true, { error: '请阅读并签署告知承诺书' }),
});
export type SubmitRegistrationRequest = z.infer<typeof submitRegistrationRequest>;

/** Personal fields the console SM2-encrypts for transport (GB/T 39786: 重要数据传输机密性). */
export const registrationEncryptedFields = ['idNumber', 'phone'] as const satisfies ReadonlyArray<keyof RegistrationForm>;

/** What the system concluded from the form before it is submitted (years, subjects, fee, eligibility). */
export const registrationCheck = z.object({
  safetyWorkMonths: z.number().int(),
  safetyWorkYears: z.number(),
  countedUntil: z.string(),
  qualifyingEducation: z.object({ level: z.enum(educationLevels), major: z.string(), majorRelated: z.boolean() }),
  eligible: z.boolean(),
  manualReview: z.boolean(),
  /** Plain Chinese: which rule, which data. */
  explanation: z.string(),
  subjects: z.array(z.object({ code: z.string(), name: z.string(), feeFen: z.number().int() })),
  feeTotalFen: z.number().int(),
});
export type RegistrationCheck = z.infer<typeof registrationCheck>;

/** What the form starts with: identity from 一网通办 sign-on (M07) and the verified phone (M08). */
export const registrationPrefill = z.object({
  fullName: z.string().nullable(),
  idNumber: z.string().nullable(),
  phone: z.string().nullable(),
  identityVerified: z.boolean(),
});
export type RegistrationPrefill = z.infer<typeof registrationPrefill>;

/** Items a reviewer marks when returning a registration for correction. */
export const returnableItems = ['personal', 'educations', 'workPeriods', 'photo', 'certificate', 'exam'] as const;
export type ReturnableItem = (typeof returnableItems)[number];
export const returnableItemLabels: Record<ReturnableItem, string> = {
  personal: '个人信息',
  educations: '学历信息',
  workPeriods: '工作经历',
  photo: '照片',
  certificate: '已取得的证书',
  exam: '报考级别与专业',
};
export const returnItem = z.object({
  item: z.enum(returnableItems, { error: '请选择需要修改的项目' }),
  note: z.string({ error: '请说明需要如何修改' }).trim().min(2, '请说明需要如何修改').max(200, '说明不能超过200个字'),
});
export type ReturnItem = z.infer<typeof returnItem>;

export const registrationView = z.object({
  registrationNo: z.string(),
  examId: z.number().int(),
  examName: z.string(),
  levelCode: z.enum(levelCodes),
  majorCode: z.string(),
  majorName: z.string(),
  fullName: z.string(),
  idNumberMasked: z.string(),
  phoneMasked: z.string(),
  employer: z.string(),
  education: z.enum(educationLevels),
  educationMajorRelated: z.boolean(),
  safetyWorkYears: z.number(),
  district: z.string().nullable(),
  identityType: z.enum(['mainland', 'hk-macao-taiwan']),
  subjects: z.array(z.object({ code: z.string(), name: z.string(), feeFen: z.number().int() })),
  feeTotalFen: z.number().int().nullable(),
  educations: z.array(educationRecord.extend({ majorRelated: z.boolean() })),
  workPeriods: z.array(workPeriod),
  certificateNo: z.string().nullable(),
  /** The scan of the certificate held (考增项), so that a correction can keep it. */
  certificateAttachmentId: z.number().int().nullable(),
  /** The photo signed with the form (the owner's; GET /api/photos/:id/processed.jpg). */
  photoId: z.string().nullable(),
  subjectCode: z.string().nullable(),
  eligibilityExplanation: z.string().nullable(),
  manualReview: z.boolean().nullable(),
  returnItems: z.array(returnItem),
  /** The form may be changed: after the confirmation was withdrawn, or when returned for correction. */
  editable: z.boolean(),
  /** The confirmation may be withdrawn (only before payment). */
  withdrawable: z.boolean(),
  signedAt: z.string().nullable(),
  signatureDigest: z.string().nullable(),
  status: z.enum(registrationStatuses),
  statusLabel: z.string(),
  precheckPassed: z.boolean().nullable(),
  precheckMessage: z.string().nullable(),
  reviewComment: z.string().nullable(),
  submittedAt: z.string(),
  updatedAt: z.string(),
});
export type RegistrationView = z.infer<typeof registrationView>;

/** One step of the case timeline, in plain Chinese for the candidate (U9). */
export const timelineEntry = z.object({
  at: z.string(),
  title: z.string(),
  detail: z.string().nullable(),
  actor: z.string().nullable(),
  state: z.enum(['done', 'current', 'failed']),
});
export type TimelineEntry = z.infer<typeof timelineEntry>;

export const examSummary = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  year: z.number().int(),
  registrationStart: z.string(),
  registrationEnd: z.string(),
  /** Unpaid registrations count as withdrawn after it (M16). */
  paymentDeadline: z.string(),
  majors: z.array(z.object({ code: z.string(), name: z.string() })),
  /** Levels with their majors and subjects; a candidate's subjects: `subjectsFor` in api/src/modules/exams/exam-structure.ts. */
  levels: z.array(examLevelView),
  /** Subjects with fees (fen) and question types. */
  subjects: z.array(examSubjectView),
});
export type ExamSummary = z.infer<typeof examSummary>;
