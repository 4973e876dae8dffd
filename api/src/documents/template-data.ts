import { z } from 'zod';
import { isImageDataUrl } from './image-data-url';
import { examGuideContent } from '../contracts/guide';

// Data contracts of the document templates: one zod schema per template, the TypeScript types
// inferred from it. Documents are views: values arrive display-ready (names, majors, subjects as
// the exam publishes them); only small closed sets (gender, review status) are codes that the
// template turns into Chinese labels, so an admin editing a template controls the wording.

const text = z.string().trim().min(1);
/** `YYYY-MM-DD` */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
/** `YYYY-MM` or `YYYY-MM-DD` (work history and graduation are often known to the month). */
const isoMonthOrDate = z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, 'expected YYYY-MM or YYYY-MM-DD');
const isoDateTime = z.iso.datetime({ offset: true });
const imageDataUrl = z.string().refine(isImageDataUrl, 'expected a data:image/png or data:image/jpeg base64 URL');

export const educationRecordSchema = z.object({
  level: text, // 学历 (中专 / 大专 / 本科 / 硕士研究生 / ...)
  school: text, // 毕业院校
  major: text, // 所学专业
  graduationDate: isoMonthOrDate, // 毕业时间
});

export const workRecordSchema = z.object({
  startDate: isoMonthOrDate, // 起止时间 (start)
  endDate: isoMonthOrDate.nullable(), // null: 至今
  employer: text, // 工作单位
  position: text, // 岗位
});

export const reviewStatusSchema = z.enum(['pending', 'approved', 'rejected', 'returned']);

/** 报名表 (M04). */
export const registrationFormDataSchema = z.object({
  registrationNumber: text, // 报名号
  /** 照片: a processed 1-inch photo; absent: the form shows an empty box labelled 照片. */
  photo: imageDataUrl.nullable().optional(),
  candidate: z.object({
    name: text, // 姓名
    gender: z.enum(['male', 'female']), // 性别
    idNumber: text, // 身份证件号码 (shown in full: this is the candidate's own form)
    birthDate: isoDate, // 出生日期
    mobile: text, // 手机号码
    employer: text, // 工作单位
    address: text, // 通讯地址
  }),
  application: z.object({
    examName: text, // 考试名称
    level: text, // 报考级别 (考全科 / 考增项 / 考单科)
    major: text.nullable(), // 报考专业; null for a level without one (e.g. 法律法规 only)
    subjects: z.array(text), // 报考科目
  }),
  education: z.array(educationRecordSchema), // 学历信息
  workHistory: z.array(workRecordSchema), // 工作经历
  safetyWorkYears: z.number().nonnegative(), // 从事安全生产工作年限
  review: z.object({
    status: reviewStatusSchema, // 审核状态
    opinion: z.string().nullable().optional(), // 审核意见
  }),
  commitment: z.object({
    signature: z.string().nullable().optional(), // 签名; absent until the candidate signs online
    signedAt: isoDateTime.nullable().optional(), // 日期
  }),
  generatedAt: isoDateTime, // 生成时间
});

/** 考试报考指南 (M02): the guide as the console shows it, with its version and print time. */
export const examGuideDataSchema = examGuideContent.extend({
  version: text, // 指南版本 (content hash)
  generatedAt: isoDateTime, // 生成时间
});

/** An ID number as a document may print it: part of it starred (`310101********1234`), never in full. */
const maskedIdNumber = text.refine((value) => value.includes('*'), 'expected a masked ID number (part of it replaced by *)');

/**
 * 告知承诺书 (M03). The candidate fields are null in the blank letter a candidate reads before
 * applying; `signedAt` and `signatureId` are present once the candidate has signed online.
 */
export const commitmentLetterDataSchema = z.object({
  examName: text, // 考试名称
  levelName: text.nullable(), // 报考级别 (考全科 / 考增项 / 考单科)
  majorName: text.nullable(), // 报考专业; null for a level without one
  fullName: text.nullable(), // 姓名
  idNumberMasked: maskedIdNumber.nullable(), // 身份证件号码 (masked)
  signedAt: isoDateTime.optional(), // 签署时间
  signatureId: text.max(128).optional(), // 签名编号 (the online signature's id)
});

export type EducationRecord = z.infer<typeof educationRecordSchema>;
export type WorkRecord = z.infer<typeof workRecordSchema>;
export type ReviewStatus = z.infer<typeof reviewStatusSchema>;
export type RegistrationFormData = z.infer<typeof registrationFormDataSchema>;
export type ExamGuideData = z.infer<typeof examGuideDataSchema>;
export type CommitmentLetterData = z.infer<typeof commitmentLetterDataSchema>;

/**
 * Every template the service renders: its title (as the template editor lists it), its data schema
 * and how it prints. A template added to `templates/` gets an entry here, which types
 * `DocumentService` calls for it, and a sample in `template-samples.ts` for the editor's preview.
 */
export const templateDefinitions = {
  'registration-form': { title: '报名表', schema: registrationFormDataSchema, landscape: false },
  'exam-guide': { title: '考试报考指南', schema: examGuideDataSchema, landscape: false },
  'commitment-letter': { title: '告知承诺书', schema: commitmentLetterDataSchema, landscape: false },
} as const;

export type TemplateName = keyof typeof templateDefinitions;
export type TemplateDataMap = { [K in TemplateName]: z.infer<(typeof templateDefinitions)[K]['schema']> };

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(templateDefinitions, name);
}
