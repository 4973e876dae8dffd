import type { ExamProblem, ExamStructure, MajorView } from '../../../../api/src/contracts/exams';
import { ApiRequestError } from '../../api/http';

/** The tabs of the exam editor (考试设置). */
export const examTabs = ['basic', 'majors', 'subjects', 'levels', 'fees'] as const;
export type ExamTab = (typeof examTabs)[number];
export const examTabLabels: Record<ExamTab, string> = {
  basic: '基本信息',
  majors: '专业',
  subjects: '科目',
  levels: '报考级别',
  fees: '费用',
};

/** The tab where a problem's field (`subjects.law.feeFen`, `levels.full.majorCodes`, `paymentDeadline`) is fixed. */
export function tabOfField(field: string): ExamTab {
  const [head, , leaf] = field.split('.');
  if (head === 'majors') return 'majors';
  if (head === 'levels') return 'levels';
  if (head === 'subjects') return leaf === 'feeFen' ? 'fees' : 'subjects';
  return 'basic';
}

/** Problems sorted onto the tabs, in the server's order within each. */
export function problemsByTab(problems: readonly ExamProblem[]): Record<ExamTab, ExamProblem[]> {
  const byTab: Record<ExamTab, ExamProblem[]> = { basic: [], majors: [], subjects: [], levels: [], fees: [] };
  for (const problem of problems) byTab[tabOfField(problem.field)].push(problem);
  return byTab;
}

type QuestionTypes = ExamStructure['subjects'][number]['questionTypes'];

export function totalMarks(questionTypes: QuestionTypes): number {
  return questionTypes.reduce((sum, q) => sum + q.count * q.marks, 0);
}

/** `单项选择题70题×1分；多项选择题15题×2分`. */
export function paperSummary(questionTypes: QuestionTypes): string {
  return questionTypes.map((q) => `${q.type}${q.count}题×${q.marks}分`).join('；');
}

/** 公共科目, or 专业科目（化工安全）. */
export function subjectKindLabel(majorCode: string | null, majors: readonly MajorView[]): string {
  if (majorCode === null) return '公共科目';
  return `专业科目（${majors.find((m) => m.code === majorCode)?.name ?? majorCode}）`;
}

export const yuanToFen = (yuan: number): number => Math.round(yuan * 100);
export const fenToYuan = (fen: number): number => fen / 100;

/** What to tell the admin about a refused call: the message, then each problem the server listed. */
export function errorLines(error: ApiRequestError): string[] {
  const lines = [error.message];
  for (const field of error.fields) if (!lines.includes(field.message)) lines.push(field.message);
  return lines;
}

/** Rethrows what is not an API refusal (a bug), so it is not shown as a message. */
export function apiRefusal(error: unknown): ApiRequestError {
  if (error instanceof ApiRequestError) return error;
  throw error;
}
