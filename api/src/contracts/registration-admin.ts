import { z } from 'zod';
import { pageQuery, paged } from './paged';
import {
  educationLevels,
  educationRecord,
  workPeriod,
  levelCodes,
  registrationForm,
  registrationStatuses,
  registrationView,
  returnItem,
  shanghaiDistricts,
  type RegistrationStatus,
} from './registration';

/**
 * 报名数据管理 for exam admins and reviewers: search and details (M23), audited corrections (M23)
 * and statistics by dimension with an Excel export (M24).
 */

const isoDay = (what: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what}格式应为YYYY-MM-DD`)
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${what}不是有效日期`);

const examId = z.coerce.number({ error: '考试编号不正确' }).int('考试编号不正确').positive('考试编号不正确');

export const registrationSortFields = ['submittedAt', 'registrationNo', 'fullName', 'status'] as const;
export type RegistrationSortField = (typeof registrationSortFields)[number];

/** The search form (M23). Empty fields are left out of the query string. */
export const registrationSearchQuery = z
  .object({
    examId: examId.optional(),
    /** Exact match, through the blind index (the column itself is SM4 ciphertext). */
    idNumber: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^\d{17}[\dX]$/, '证件号码应为18位，最后一位可以是数字或X')
      .optional(),
    /** Part of the name. */
    fullName: z.string().trim().min(1, '请输入姓名').max(30, '姓名不能超过30个字').optional(),
    status: z.enum(registrationStatuses, { error: '报名状态不正确' }).optional(),
    levelCode: z.enum(levelCodes, { error: '报考级别不正确' }).optional(),
    majorCode: z.string().trim().regex(/^[a-z0-9-]{1,32}$/, '报考专业不正确').optional(),
    district: z.enum(shanghaiDistricts, { error: '所在区不正确' }).optional(),
    /** Days in Shanghai time, both included. */
    submittedFrom: isoDay('报名开始日期').optional(),
    submittedTo: isoDay('报名截止日期').optional(),
    ...pageQuery,
    sort: z.enum(registrationSortFields, { error: '排序字段不正确' }).default('submittedAt'),
    order: z.enum(['asc', 'desc'], { error: '排序方向不正确' }).default('desc'),
  })
  .refine((q) => !q.submittedFrom || !q.submittedTo || q.submittedFrom <= q.submittedTo, {
    path: ['submittedTo'],
    message: '报名截止日期不能早于开始日期',
  });
export type RegistrationSearchQuery = z.infer<typeof registrationSearchQuery>;

/** A row of the search: the registration as its view shows it, without the form's details. */
export const registrationSearchRow = registrationView.pick({
  registrationNo: true,
  examId: true,
  examName: true,
  levelCode: true,
  majorCode: true,
  majorName: true,
  fullName: true,
  idNumberMasked: true,
  phoneMasked: true,
  district: true,
  status: true,
  statusLabel: true,
  submittedAt: true,
});
export type RegistrationSearchRow = z.infer<typeof registrationSearchRow>;

export const registrationSearchPage = paged(registrationSearchRow);
export type RegistrationSearchPage = z.infer<typeof registrationSearchPage>;

/** What the search form offers: the exams within the user's data scope and the majors. */
export const registrationSearchOptions = z.object({
  exams: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string(), year: z.number().int() })),
  majors: z.array(z.object({ code: z.string(), name: z.string() })),
});
export type RegistrationSearchOptions = z.infer<typeof registrationSearchOptions>;

/** Fields an exam admin may correct (M23). The ID number is not among them: another ID is another person. */
export const correctableFields = ['fullName', 'employer', 'district', 'phone', 'levelCode', 'majorCode'] as const;
export type CorrectableField = (typeof correctableFields)[number];
export const correctableFieldLabels: Record<CorrectableField, string> = {
  fullName: '姓名',
  employer: '工作单位',
  district: '所在区',
  phone: '手机号码',
  levelCode: '报考级别',
  majorCode: '报考专业',
};
/** Statuses in which the exam choice (level, major) may still be corrected: before the review approved it and the fee fell due. */
export const examChoiceCorrectableStatuses = ['draft', 'submitted', 'under-review', 'returned'] as const satisfies readonly RegistrationStatus[];

const correctionShape = {
  fullName: registrationForm.shape.fullName.optional(),
  employer: registrationForm.shape.employer.optional(),
  district: registrationForm.shape.district.optional(),
  phone: registrationForm.shape.phone.optional(),
  levelCode: registrationForm.shape.levelCode.optional(),
  majorCode: registrationForm.shape.majorCode.optional(),
  reason: z
    .string({ error: '请填写更正原因' })
    .trim()
    .min(5, '更正原因至少5个字')
    .max(500, '更正原因不能超过500个字'),
};

/** A correction: the fields to change (at least one) and the reason, which is mandatory. */
export const registrationCorrectionRequest = z.looseObject(correctionShape).superRefine((body, ctx) => {
  // Anything else (the ID number, the status, ...) is refused by name rather than silently dropped.
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(correctionShape, key)) ctx.addIssue({ code: 'custom', path: [key], message: '该项不能更正' });
  }
  if (!correctableFields.some((f) => body[f] !== undefined)) ctx.addIssue({ code: 'custom', path: ['changes'], message: '请至少更正一项报名信息' });
});
export type RegistrationCorrectionRequest = z.infer<typeof registrationCorrectionRequest>;

/** Fields of `registrationCorrectionRequest` the console SM2-encrypts for transport. */
export const registrationCorrectionEncryptedFields = ['phone'] as const satisfies ReadonlyArray<CorrectableField>;

export const registrationCorrectionView = z.object({
  id: z.number().int(),
  field: z.enum(correctableFields),
  fieldLabel: z.string(),
  /** As shown: the phone masked, codes with their names. */
  before: z.string().nullable(),
  after: z.string().nullable(),
  reason: z.string(),
  correctedBy: z.string(),
  correctedByName: z.string(),
  correctedAt: z.string(),
});
export type RegistrationCorrectionView = z.infer<typeof registrationCorrectionView>;

/** The whole registration as exam admins and reviewers see it (M23). ID and phone stay masked. */
export const registrationAdminDetail = z.object({
  registrationNo: z.string(),
  examId: z.number().int(),
  examCode: z.string(),
  examName: z.string(),
  levelCode: z.enum(levelCodes),
  majorCode: z.string(),
  majorName: z.string(),
  /** The subjects sat, named as the exam names them (the code where the exam no longer has it). */
  subjects: z.array(z.object({ code: z.string(), name: z.string() })),
  feeTotalFen: z.number().int().nullable(),
  fullName: z.string(),
  identityType: z.enum(['mainland', 'hk-macao-taiwan']),
  idNumberMasked: z.string(),
  phoneMasked: z.string(),
  gender: z.enum(['M', 'F']).nullable(),
  birthDate: z.string().nullable(),
  district: z.string().nullable(),
  employer: z.string(),
  education: z.enum(educationLevels),
  educationMajorRelated: z.boolean(),
  safetyWorkYears: z.number(),
  safetyWorkMonths: z.number().int().nullable(),
  eligibilityRule: z.string().nullable(),
  manualReview: z.boolean().nullable(),
  precheckPassed: z.boolean().nullable(),
  precheckMessage: z.string().nullable(),
  status: z.enum(registrationStatuses),
  statusLabel: z.string(),
  reviewComment: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  returnItems: z.array(returnItem),
  certificateNo: z.string().nullable(),
  signedAt: z.string().nullable(),
  submittedAt: z.string(),
  updatedAt: z.string(),
  educations: z.array(educationRecord.extend({ majorRelated: z.boolean() })),
  workPeriods: z.array(workPeriod),
  events: z.array(z.object({ at: z.string(), kind: z.string(), title: z.string(), detail: z.string().nullable(), actor: z.string().nullable() })),
  /** Each signing of the commitment letter: when, the SM3 digest of what was signed, and whether it was withdrawn. */
  signatures: z.array(z.object({ signedAt: z.string(), digest: z.string(), keyId: z.string(), withdrawnAt: z.string().nullable() })),
  corrections: z.array(registrationCorrectionView),
  /** What the signed-in user may correct now (empty without `registration:update`). */
  correctable: z.array(z.enum(correctableFields)),
});
export type RegistrationAdminDetail = z.infer<typeof registrationAdminDetail>;

// --- statistics (M24) ---

export const statisticsDimensions = ['level', 'major', 'subject', 'status', 'district', 'education', 'ageBand', 'gender'] as const;
export type StatisticsDimension = (typeof statisticsDimensions)[number];
export const statisticsDimensionLabels: Record<StatisticsDimension, string> = {
  level: '报考级别',
  major: '报考专业',
  subject: '报考科目',
  status: '报名状态',
  district: '所在区',
  education: '最高学历',
  ageBand: '年龄段',
  gender: '性别',
};

/** Age reached in the exam year (exam year − year of birth). */
export const ageBands = ['under-25', '25-34', '35-44', '45-54', '55-plus'] as const;
export type AgeBand = (typeof ageBands)[number];
export const ageBandLabels: Record<AgeBand, string> = {
  'under-25': '25岁以下',
  '25-34': '25～34岁',
  '35-44': '35～44岁',
  '45-54': '45～54岁',
  '55-plus': '55岁及以上',
};
export const genderLabels: Record<'M' | 'F', string> = { M: '男', F: '女' };
/** The key of a group whose value was not recorded (e.g. registrations from before the full form). */
export const UNKNOWN_KEY = 'unknown';

export const registrationStatisticsQuery = z.object({
  examId: examId.optional(),
  dimension: z.enum(statisticsDimensions, { error: '请选择统计维度' }),
  status: z.enum(registrationStatuses, { error: '报名状态不正确' }).optional(),
});
export type RegistrationStatisticsQuery = z.infer<typeof registrationStatisticsQuery>;

export const registrationStatistics = z.object({
  examId: z.number().int().nullable(),
  /** The exam, or 全部考试. */
  scopeLabel: z.string(),
  dimension: z.enum(statisticsDimensions),
  dimensionLabel: z.string(),
  status: z.enum(registrationStatuses).nullable(),
  /** Registrations counted; by subject the rows add up to more (a registration sits one or two subjects). */
  total: z.number().int(),
  rows: z.array(z.object({ key: z.string(), label: z.string(), count: z.number().int(), share: z.number() })),
  generatedAt: z.string(),
});
export type RegistrationStatistics = z.infer<typeof registrationStatistics>;
