import type { Db } from '../../db/knex';
import type { ExamStructure } from '../../contracts/exams';
import { validationError } from '../../http/errors';
import { ExamSetupRepository } from './exam-setup.repository';

export type { ExamStructure } from '../../contracts/exams';

const messages = {
  levelNotOffered: '该考试未开设所选报考级别',
  majorNotInLevel: (level: string) => `所选专业不在「${level}」的可报专业中`,
  noSubjects: (level: string) => `「${level}」未设置所选专业的考试科目`,
  chooseSubject: '考单科须选择一个报考科目',
  subjectNotOffered: '所选科目不在可报考的科目中',
};

/** An exam's majors, subjects (with fees), levels and sessions; undefined when the exam does not exist. */
export async function loadExamStructure(db: Db, examId: number): Promise<ExamStructure | undefined> {
  return new ExamSetupRepository(db).structure(examId);
}

/**
 * Subjects a candidate sits for a level and major: the level's public subjects plus its subjects of
 * that major; for `single` only the chosen one, which must be among them. Throws a validationError
 * with field 'levelCode' / 'majorCode' / 'subjectCode' otherwise.
 */
export function subjectsFor(structure: ExamStructure, levelCode: string, majorCode: string, chosenSubjectCode?: string): ExamStructure['subjects'] {
  const level = structure.levels.find((l) => l.code === levelCode);
  if (!level) throw validationError([{ field: 'levelCode', message: messages.levelNotOffered }]);
  if (!level.majorCodes.includes(majorCode) || !structure.majors.some((m) => m.code === majorCode)) {
    throw validationError([{ field: 'majorCode', message: messages.majorNotInLevel(level.name) }]);
  }
  const subjects = structure.subjects.filter((s) => level.subjectCodes.includes(s.code) && (s.majorCode === null || s.majorCode === majorCode));
  if (subjects.length === 0) throw validationError([{ field: 'majorCode', message: messages.noSubjects(level.name) }]);
  if (level.code !== 'single') return subjects;
  if (!chosenSubjectCode) throw validationError([{ field: 'subjectCode', message: messages.chooseSubject }]);
  const chosen = subjects.find((s) => s.code === chosenSubjectCode);
  if (!chosen) throw validationError([{ field: 'subjectCode', message: messages.subjectNotOffered }]);
  return [chosen];
}
