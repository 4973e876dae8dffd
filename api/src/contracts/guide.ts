import { z } from 'zod';

const text = z.string().trim().min(1);
const isoDateTime = z.iso.datetime({ offset: true });

/**
 * 考试报考指南 (M02): what the guide of one exam states, display-ready. The console renders it as a
 * page and the `exam-guide` template prints it; both take exactly these data.
 */
export const examGuideContent = z.object({
  examName: text, // 考试名称
  year: z.number().int(), // 考试年度
  registrationStart: isoDateTime, // 报名开始
  registrationEnd: isoDateTime, // 报名截止
  organiser: text, // 考务机构 (上海市职业能力考试院)
  eligibility: z.array(text), // 报考条件 (general)
  educationTable: z.array(z.object({ education: text, related: text, other: text })), // 学历与工作年限
  educationNotes: z.array(text),
  levels: z.array(z.object({ label: text, subjects: z.array(text), condition: text, fee: z.number().nonnegative() })), // 报考级别
  subjects: z.array(z.object({ name: text, duration: text, paper: text, fee: z.number().nonnegative() })), // 考试科目
  majors: z.array(text), // 本次考试开设的专业
  photoRules: z.array(text), // 照片要求
  payment: z.array(text), // 缴费
  commitment: z.array(text), // 告知承诺
  contact: z.array(text), // 咨询
});
export type ExamGuideContent = z.infer<typeof examGuideContent>;

export const guideConfirmation = z.object({
  examId: z.number().int(),
  /** The guide version (content hash) the candidate confirmed. */
  version: z.string(),
  confirmedAt: isoDateTime,
});
export type GuideConfirmation = z.infer<typeof guideConfirmation>;

/** GET /api/exams/:examId/guide: the guide, its version and the caller's confirmation (null: not yet). */
export const examGuideView = examGuideContent.extend({
  examId: z.number().int(),
  version: z.string(),
  confirmation: guideConfirmation.nullable(),
});
export type ExamGuideView = z.infer<typeof examGuideView>;

/** POST /api/exams/:examId/guide/confirm: the version the candidate read (a changed guide must be read again). */
export const confirmGuideRequest = z.object({
  version: z.string({ error: '缺少报考指南版本' }).trim().regex(/^[0-9a-f]{16,64}$/, '报考指南版本格式不正确'),
});
export type ConfirmGuideRequest = z.infer<typeof confirmGuideRequest>;
