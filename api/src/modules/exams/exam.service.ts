import type { Db } from '../../db/knex';
import { loadExamStructure, type ExamStructure } from './exam-structure';
import { ExamRepository, type ExamRecord } from './exam.repository';

export type { ExamRecord, ExamRow } from './exam.repository';

/**
 * What other modules read of an exam (guide, commitment letter, registration admin, notifications):
 * the row, its majors and its structure. They come here, never to ExamRepository.
 */
export class ExamService {
  private readonly exams: ExamRepository;

  constructor(private readonly db: Db) {
    this.exams = new ExamRepository(db);
  }

  findById(id: number): Promise<ExamRecord | undefined> {
    return this.exams.findById(id);
  }

  /** The majors of each exam, in the catalogue's order. */
  majorsOf(examIds: number[]): Promise<Map<number, Array<{ code: string; name: string }>>> {
    return this.exams.majorsOf(examIds);
  }

  /** Levels, majors, subjects and fees of the exam. */
  structure(examId: number): Promise<ExamStructure | undefined> {
    return loadExamStructure(this.db, examId);
  }
}
