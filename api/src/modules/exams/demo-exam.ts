import type { ExamRepository } from './exam.repository';
import type { Db } from '../../db/knex';
import { DataScope } from '../../auth/data-scope';

/** A published exam open for registration, so a demo installation can be tried at once. */
export async function seedDemoExam(db: Db, exams: ExamRepository, now = new Date()): Promise<void> {
  const existing = await db('exams').first('id');
  if (existing) return;
  const year = now.getFullYear();
  const day = 24 * 3600 * 1000;
  const examId = await exams.create(
    {
      code: `${year}01`,
      name: `${year}年度上海市初级注册安全工程师职业资格考试`,
      short_name: `${year}初级注安`,
      year,
      registration_start: new Date(now.getTime() - 7 * day),
      registration_end: new Date(now.getTime() + 60 * day),
      status: 'published',
    },
    ['chemical', 'metallurgy', 'construction', 'road-transport', 'other'],
  );
  // The demo reviewers review this exam.
  const scope = new DataScope(db);
  for (const id of (await db('users').whereIn('username', ['reviewer1', 'reviewer2']).pluck('id')) as number[]) await scope.assignReviewer(examId, id);
}
