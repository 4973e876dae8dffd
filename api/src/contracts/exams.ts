import { z } from 'zod';

/**
 * 考试设置 (M17-M22): an exam's schedule, majors, subjects, levels and fees as the exam admin
 * maintains them and as registration reads them (`ExamStructure`).
 */

/** 报考级别 (DOMAIN.md): 考全科 both subjects, 考增项 an added major (实务 only), 考单科 one subject. */
export const levelCodes = ['full', 'additional', 'single'] as const;
export type LevelCode = (typeof levelCodes)[number];
export const levelLabels: Record<LevelCode, string> = {
  full: '考全科',
  additional: '考增项',
  single: '考单科',
};

export const examStatuses = ['draft', 'published'] as const;
export type ExamStatus = (typeof examStatuses)[number];
export const examStatusLabels: Record<ExamStatus, string> = { draft: '未发布', published: '已发布' };

/** Question types the console offers (题型); others may be typed in. */
export const commonQuestionTypes = ['单项选择题', '多项选择题', '案例分析题'] as const;

/** Default fee per subject and sitting: 70 yuan (DOMAIN.md), in fen. */
export const DEFAULT_SUBJECT_FEE_FEN = 7000;
/** Upper bound of a subject fee an admin may set: 1000 yuan. */
export const MAX_SUBJECT_FEE_FEN = 100_000;

/** A problem with an exam's data: the field at fault (dotted path) and what is wrong, in Chinese. */
export const examProblem = z.object({ field: z.string(), message: z.string() });
export type ExamProblem = z.infer<typeof examProblem>;

// --- what the API answers ---

export const questionType = z.object({ type: z.string(), count: z.number().int(), marks: z.number() });
export const examSession = z.object({ subjectCode: z.string(), startsAt: z.string(), endsAt: z.string() });
export const majorView = z.object({ code: z.string(), name: z.string() });
export type MajorView = z.infer<typeof majorView>;
export const examLevelView = z.object({
  code: z.enum(levelCodes),
  name: z.string(),
  requiresCertificate: z.boolean(),
  majorCodes: z.array(z.string()),
  subjectCodes: z.array(z.string()),
});
export const examSubjectView = z.object({
  code: z.string(),
  name: z.string(),
  shortName: z.string(),
  /** null: 公共科目, sat whatever the major. */
  majorCode: z.string().nullable(),
  feeFen: z.number().int(),
  questionTypes: z.array(questionType),
});
export type ExamSubjectView = z.infer<typeof examSubjectView>;

/** The whole structure of one exam; registration derives a candidate's subjects and fee from it. */
export const examStructure = z.object({
  exam: z.object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    shortName: z.string(),
    year: z.number().int(),
    status: z.enum(examStatuses),
    registrationStart: z.string(),
    registrationEnd: z.string(),
    paymentDeadline: z.string(),
    ticketPrintStart: z.string(),
    ticketPrintEnd: z.string(),
    sessions: z.array(examSession),
  }),
  majors: z.array(majorView),
  levels: z.array(examLevelView),
  subjects: z.array(examSubjectView),
});
export type ExamStructure = z.infer<typeof examStructure>;

/** GET /api/exams/:examId: the structure, what keeps it from being published, and how many registered. */
export const examAdminView = examStructure.extend({
  publishedAt: z.string().nullable(),
  updatedAt: z.string(),
  registrationCount: z.number().int(),
  /** Empty when the exam may be published (M22). */
  problems: z.array(examProblem),
});
export type ExamAdminView = z.infer<typeof examAdminView>;

export const examListItem = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  shortName: z.string(),
  year: z.number().int(),
  status: z.enum(examStatuses),
  /** The first session's start (考试时间), null while no session is set. */
  examStartsAt: z.string().nullable(),
  registrationStart: z.string(),
  registrationEnd: z.string(),
  majorCount: z.number().int(),
  subjectCount: z.number().int(),
  levelCount: z.number().int(),
  registrationCount: z.number().int(),
});
export type ExamListItem = z.infer<typeof examListItem>;

// --- what the API accepts ---

const dateTime = (label: string) =>
  z.iso.datetime({ offset: true, error: (issue) => (issue.input === undefined ? `请选择${label}` : `${label}格式不正确`) });
const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `请输入${label}` })
    .trim()
    .min(min, min <= 1 ? `请输入${label}` : `${label}至少${min}个字`)
    .max(max, `${label}不能超过${max}个字`);
/** Codes of majors and subjects: lower-case letters, digits and hyphens (`practice-chemical`). */
const slug = (label: string) =>
  z
    .string({ error: `请输入${label}` })
    .trim()
    .regex(/^[a-z][a-z0-9-]{1,31}$/, `${label}为2至32位小写字母、数字或连字符，以字母开头`);

export const examListQuery = z.object({
  year: z.coerce.number({ error: '考试年度格式不正确' }).int('考试年度格式不正确').min(2000, '考试年度格式不正确').max(2100, '考试年度格式不正确').optional(),
  month: z.coerce.number({ error: '考试月份格式不正确' }).int('考试月份格式不正确').min(1, '考试月份应为1至12').max(12, '考试月份应为1至12').optional(),
  status: z.enum(examStatuses, { error: '考试状态不正确' }).optional(),
});
export type ExamListQuery = z.infer<typeof examListQuery>;

/** The dates of an exam before its sessions: registration, payment, ticket printing. */
export interface ExamSchedule {
  registrationStart: string;
  registrationEnd: string;
  paymentDeadline: string;
  ticketPrintStart: string;
  ticketPrintEnd: string;
}

/**
 * The order of an exam's dates: registration window, then the payment deadline (not before
 * registration closes, so whoever registers last can still pay), then ticket printing.
 */
export function scheduleProblems(s: ExamSchedule): ExamProblem[] {
  const t = (iso: string) => Date.parse(iso);
  const problems: ExamProblem[] = [];
  if (t(s.registrationEnd) <= t(s.registrationStart)) problems.push({ field: 'registrationEnd', message: '网上报名结束时间应晚于开始时间' });
  if (t(s.paymentDeadline) < t(s.registrationEnd)) problems.push({ field: 'paymentDeadline', message: '缴费截止时间不能早于网上报名结束时间' });
  if (t(s.ticketPrintStart) <= t(s.paymentDeadline)) problems.push({ field: 'ticketPrintStart', message: '准考证打印开始时间应晚于缴费截止时间' });
  if (t(s.ticketPrintEnd) <= t(s.ticketPrintStart)) problems.push({ field: 'ticketPrintEnd', message: '准考证打印结束时间应晚于开始时间' });
  return problems;
}

/** 基本信息 of an exam (create and edit). */
export const examBasicRequest = z
  .object({
    code: z
      .string({ error: '请输入考试代码' })
      .trim()
      .toUpperCase()
      .regex(/^[0-9A-Z]{2,16}$/, '考试代码为2至16位字母或数字'),
    name: text('考试名称', 2, 128),
    shortName: text('考试简称', 1, 64),
    year: z.number({ error: '请输入考试年度' }).int('考试年度应为整数').min(2000, '考试年度应在2000至2100之间').max(2100, '考试年度应在2000至2100之间'),
    registrationStart: dateTime('网上报名开始时间'),
    registrationEnd: dateTime('网上报名结束时间'),
    paymentDeadline: dateTime('缴费截止时间'),
    ticketPrintStart: dateTime('准考证打印开始时间'),
    ticketPrintEnd: dateTime('准考证打印结束时间'),
  })
  .superRefine((value, ctx) => {
    for (const p of scheduleProblems(value)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
  });
export type ExamBasicRequest = z.infer<typeof examBasicRequest>;

/** Longest session an exam may schedule (a whole day). */
export const MAX_SESSION_HOURS = 12;

/** 考试时间: one session per subject (replaces the exam's sessions). */
export const examSessionsRequest = z.object({
  sessions: z
    .array(
      z
        .object({
          subjectCode: slug('科目代码'),
          startsAt: dateTime('开考时间'),
          endsAt: dateTime('结束时间'),
        })
        .superRefine((s, ctx) => {
          const minutes = (Date.parse(s.endsAt) - Date.parse(s.startsAt)) / 60_000;
          if (minutes <= 0) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: '结束时间应晚于开考时间' });
          else if (minutes > MAX_SESSION_HOURS * 60) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: `单场考试不能超过${MAX_SESSION_HOURS}小时` });
        }),
      { error: '请设置考试时间' },
    )
    .max(50, '考试场次过多')
    .superRefine((sessions, ctx) => {
      const seen = new Set<string>();
      sessions.forEach((s, i) => {
        if (seen.has(s.subjectCode)) ctx.addIssue({ code: 'custom', path: [i, 'subjectCode'], message: '同一科目只能设置一个考试场次' });
        seen.add(s.subjectCode);
      });
    }),
});
export type ExamSessionsRequest = z.infer<typeof examSessionsRequest>;

/** The exam's majors, chosen from the catalogue (replaces them). */
export const examMajorsRequest = z.object({
  majorCodes: z
    .array(slug('专业代码'), { error: '请选择考试专业' })
    .max(50, '专业过多')
    .refine((codes) => new Set(codes).size === codes.length, '专业不能重复选择'),
});
export type ExamMajorsRequest = z.infer<typeof examMajorsRequest>;

/** A major added to the catalogue (专业类别; DOMAIN.md: majors are data). */
export const createMajorRequest = z.object({
  code: slug('专业代码'),
  name: text('专业名称', 2, 64),
});
export type CreateMajorRequest = z.infer<typeof createMajorRequest>;

const feeFen = z
  .number({ error: '请输入费用' })
  .int('费用须精确到分')
  .min(0, '费用不能为负数')
  .max(MAX_SUBJECT_FEE_FEN, `费用不能超过${MAX_SUBJECT_FEE_FEN / 100}元`);

export const questionTypeRequest = z.object({
  type: text('题型', 1, 20),
  count: z.number({ error: '请输入题量' }).int('题量应为整数').min(1, '题量至少为1').max(500, '题量不能超过500'),
  marks: z
    .number({ error: '请输入每题分值' })
    .positive('每题分值应大于0')
    .max(100, '每题分值不能超过100')
    .refine((m) => Number.isInteger(m * 2), '每题分值应为0.5的倍数'),
});

/** 科目: code, names, 公共科目 (majorCode null) or the major it belongs to, question types. */
export const subjectRequest = z.object({
  code: slug('科目代码'),
  name: text('科目名称', 2, 64),
  shortName: text('科目简称', 1, 32),
  majorCode: slug('所属专业').nullable(),
  questionTypes: z
    .array(questionTypeRequest, { error: '请设置题型' })
    .max(10, '题型不能超过10种')
    .superRefine((types, ctx) => {
      const seen = new Set<string>();
      types.forEach((q, i) => {
        if (seen.has(q.type)) ctx.addIssue({ code: 'custom', path: [i, 'type'], message: '题型不能重复' });
        seen.add(q.type);
      });
    }),
  /** Only when adding; the default is 70 yuan. Changed later through the fees (M21). */
  feeFen: feeFen.optional(),
});
export type SubjectRequest = z.infer<typeof subjectRequest>;

/** 费用设置 (M21): the fee of each listed subject, in fen. */
export const examFeesRequest = z.object({
  fees: z
    .array(z.object({ subjectCode: slug('科目代码'), feeFen }), { error: '请设置科目费用' })
    .min(1, '请设置科目费用')
    .max(100, '科目过多')
    .superRefine((fees, ctx) => {
      const seen = new Set<string>();
      fees.forEach((f, i) => {
        if (seen.has(f.subjectCode)) ctx.addIssue({ code: 'custom', path: [i, 'subjectCode'], message: '同一科目只能设置一个费用' });
        seen.add(f.subjectCode);
      });
    }),
});
export type ExamFeesRequest = z.infer<typeof examFeesRequest>;

const levelName = text('级别名称', 2, 32);

/** Adds a level; the name defaults to its label, 考增项 requires the existing certificate by default. */
export const createLevelRequest = z.object({
  code: z.enum(levelCodes, { error: '请选择报考级别' }),
  name: levelName.optional(),
  requiresCertificate: z.boolean({ error: '请选择是否须上传已有证书' }).optional(),
});
export type CreateLevelRequest = z.infer<typeof createLevelRequest>;

export const updateLevelRequest = z.object({
  name: levelName,
  requiresCertificate: z.boolean({ error: '请选择是否须上传已有证书' }),
});
export type UpdateLevelRequest = z.infer<typeof updateLevelRequest>;
