import { z } from 'zod';

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
  'submitted',
  'under-review',
  'approved',
  'rejected',
] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];
export const registrationStatusLabels: Record<RegistrationStatus, string> = {
  submitted: '已提交',
  'under-review': '待资格审核',
  approved: '审核通过，待缴费',
  rejected: '审核不通过',
};

export const levelCodes = ['full', 'additional', 'single'] as const;
export type LevelCode = (typeof levelCodes)[number];
export const levelLabels: Record<LevelCode, string> = {
  full: '考全科',
  additional: '考增项',
  single: '考单科',
};

/** Mainland resident ID number (GB 11643-1999): 17 digits and a check character. */
const idNumber = z
  .string({ error: '请输入身份证号码' })
  .trim()
  .toUpperCase()
  .regex(/^\d{17}[\dX]$/, '身份证号码应为18位，最后一位可以是数字或X');

/** The minimal application of the walking skeleton; issue 4 extends it to the full form. */
export const createRegistrationRequest = z.object({
  examId: z.number({ error: '请选择考试' }).int().positive('请选择考试'),
  levelCode: z.enum(levelCodes, { error: '请选择报考级别' }),
  majorCode: z.string({ error: '请选择报考专业' }).trim().min(1, '请选择报考专业').max(32),
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
  employer: z.string({ error: '请输入工作单位' }).trim().min(2, '请输入工作单位').max(100, '工作单位不能超过100个字'),
  education: z.enum(educationLevels, { error: '请选择学历' }),
  educationMajorRelated: z.boolean({ error: '请选择所学专业是否为安全工程或相关专业' }),
  safetyWorkYears: z
    .number({ error: '请输入从事安全生产工作年限' })
    .min(0, '工作年限不能为负数')
    .max(60, '工作年限不能超过60年'),
});
export type CreateRegistrationRequest = z.infer<typeof createRegistrationRequest>;

/** Personal fields the console SM2-encrypts for transport (GB/T 39786: 重要数据传输机密性). */
export const registrationEncryptedFields = ['idNumber', 'phone'] as const satisfies ReadonlyArray<keyof CreateRegistrationRequest>;

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
  majors: z.array(z.object({ code: z.string(), name: z.string() })),
});
export type ExamSummary = z.infer<typeof examSummary>;
