import type { Db } from '../../db/knex';

export interface ExamRow {
  id: number;
  code: string;
  name: string;
  short_name: string;
  year: number;
  registration_start: Date;
  registration_end: Date;
  status: 'draft' | 'published';
}

export class ExamRepository {
  constructor(private readonly db: Db) {}

  findById(id: number): Promise<ExamRow | undefined> {
    return this.db<ExamRow>('exams').where({ id }).first();
  }

  /** Published exams whose registration window contains `now`. */
  findOpen(now: Date): Promise<ExamRow[]> {
    return this.db<ExamRow>('exams')
      .where({ status: 'published' })
      .andWhere('registration_start', '<=', now)
      .andWhere('registration_end', '>', now)
      .orderBy('registration_end');
  }

  async majorsOf(examIds: number[]): Promise<Map<number, Array<{ code: string; name: string }>>> {
    const rows: Array<{ exam_id: number; code: string; name: string }> = examIds.length
      ? await this.db('exam_majors as em').join('majors as m', 'm.code', 'em.major_code').whereIn('em.exam_id', examIds).orderBy('m.sort_order').select('em.exam_id', 'm.code', 'm.name')
      : [];
    const byExam = new Map<number, Array<{ code: string; name: string }>>();
    for (const r of rows) byExam.set(r.exam_id, [...(byExam.get(r.exam_id) ?? []), { code: r.code, name: r.name }]);
    return byExam;
  }

  async create(exam: Omit<ExamRow, 'id'>, majorCodes: string[]): Promise<number> {
    return this.db.transaction(async (trx) => {
      const [row] = await trx('exams').insert(exam).returning<Array<{ id: number }>>('id');
      await trx('exam_majors').insert(majorCodes.map((major_code) => ({ exam_id: row!.id, major_code })));
      return row!.id;
    });
  }
}
