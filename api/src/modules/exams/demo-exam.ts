import type { Db } from '../../db/knex';
import { DEFAULT_SUBJECT_FEE_FEN, levelLabels, type LevelCode } from '../../contracts/exams';
import { DataScope } from '../../auth/data-scope';
import { ExamSetupRepository, type QuestionTypeRow } from './exam-setup.repository';
import { publishProblems } from './exam-validation';
import { beijingDate as shanghaiDate } from '../../integrations/wire-formats';

const DAY_MS = 24 * 3600 * 1000;

/** The five majors Shanghai offers (DOMAIN.md), by catalogue code. */
export const SHANGHAI_MAJOR_CODES = ['chemical', 'metallurgy', 'construction', 'road-transport', 'other'] as const;

/** Typical papers (DOMAIN.md): 法律法规 70 single-choice x1 + 15 multi-choice x2; 实务 20 single-choice x1 + 4 cases x20. */
const lawPaper: QuestionTypeRow[] = [
  { type: '单项选择题', count: 70, marks: 1 },
  { type: '多项选择题', count: 15, marks: 2 },
];
const practicePaper: QuestionTypeRow[] = [
  { type: '单项选择题', count: 20, marks: 1 },
  { type: '案例分析题', count: 4, marks: 20 },
];

export interface StandardExamOptions {
  code: string;
  name: string;
  shortName: string;
  /** Registration opens 7 days before it and closes 60 days after; the exam is about 90 days after. */
  now?: Date;
  majorCodes?: readonly string[];
  publish?: boolean;
}

const at = (day: string, time: string) => new Date(`${day}T${time}:00+08:00`);

/** The standard exam's day: about 90 days after registration opens for it. */
const examDayAfter = (now: Date) => shanghaiDate(new Date(now.getTime() + 90 * DAY_MS));

/**
 * A complete exam as Shanghai holds it: the public subject 安全生产法律法规 (`law`) in the morning,
 * one 安全生产实务 per major (`practice-<major>`) in the afternoon of the same day, levels 考全科
 * (law + 实务), 考增项 (实务 only, certificate required) and 考单科 (any one of them), 70 yuan per
 * subject. Registration is open at `now`. Returns the exam id.
 */
export async function createStandardExam(db: Db, options: StandardExamOptions): Promise<number> {
  const now = options.now ?? new Date();
  const majorCodes = [...(options.majorCodes ?? SHANGHAI_MAJOR_CODES)];
  const examDay = examDayAfter(now);
  const ticketDay = shanghaiDate(new Date(at(examDay, '09:00').getTime() - 10 * DAY_MS));
  const morning = { starts_at: at(examDay, '09:00'), ends_at: at(examDay, '11:00') };
  const afternoon = { starts_at: at(examDay, '14:00'), ends_at: at(examDay, '16:30') };

  return db.transaction(async (trx) => {
    const repo = new ExamSetupRepository(trx);
    const id = await repo.insertExam({
      code: options.code,
      name: options.name,
      short_name: options.shortName,
      year: Number(examDay.slice(0, 4)),
      registration_start: new Date(now.getTime() - 7 * DAY_MS),
      registration_end: new Date(now.getTime() + 60 * DAY_MS),
      payment_deadline: new Date(now.getTime() + 67 * DAY_MS),
      ticket_print_start: at(ticketDay, '09:00'),
      ticket_print_end: afternoon.ends_at,
    });
    await repo.setExamMajors(id, majorCodes);
    const catalogue = await repo.catalogue();
    await repo.insertSubject(id, { code: 'law', name: '安全生产法律法规', short_name: '法律法规', major_code: null, question_types: lawPaper, fee_fen: DEFAULT_SUBJECT_FEE_FEN });
    for (const major of majorCodes) {
      const majorName = catalogue.find((m) => m.code === major)?.name ?? major;
      await repo.insertSubject(id, {
        code: `practice-${major}`,
        name: `安全生产实务（${majorName}）`,
        short_name: '安全生产实务',
        major_code: major,
        question_types: practicePaper,
        fee_fen: DEFAULT_SUBJECT_FEE_FEN,
      });
    }
    const subjects = await repo.subjects(id);
    await repo.replaceSessions(id, subjects.map((s) => ({ subject_id: s.id, ...(s.major_code === null ? morning : afternoon) })));

    const levels: Array<{ code: LevelCode; subjects: 'all' | 'practice' }> = [
      { code: 'full', subjects: 'all' },
      { code: 'additional', subjects: 'practice' },
      { code: 'single', subjects: 'all' },
    ];
    for (const spec of levels) {
      await repo.insertLevel(id, { level_code: spec.code, name: levelLabels[spec.code], requires_certificate: spec.code === 'additional' });
      const level = (await repo.findLevel(id, spec.code))!;
      for (const major of majorCodes) await repo.bindMajor(level, major);
      for (const subject of subjects) if (spec.subjects === 'all' || subject.major_code !== null) await repo.bindSubject(level, subject.id);
    }

    if (options.publish) {
      const problems = publishProblems((await repo.structure(id))!);
      if (problems.length) throw new Error(`standard exam ${options.code} is inconsistent: ${problems.map((p) => p.message).join('; ')}`);
      await repo.updateExam(id, { status: 'published', published_at: now });
    }
    return id;
  });
}

/** A published exam open for registration, so a demo installation can be tried at once. */
export async function seedDemoExam(db: Db, now = new Date()): Promise<void> {
  const existing = await db('exams').first('id');
  if (existing) return;
  const year = Number(examDayAfter(now).slice(0, 4));
  const examId = await createStandardExam(db, {
    code: `${year}01`,
    name: `${year}年度上海市初级注册安全工程师职业资格考试`,
    shortName: `${year}初级注安`,
    now,
    publish: true,
  });
  // The demo reviewers review this exam.
  const scope = new DataScope(db);
  for (const id of (await db('users').whereIn('username', ['reviewer1', 'reviewer2']).pluck('id')) as number[]) await scope.assignReviewer(examId, id);
}
