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

/** The whole row: the schedule after the registration window and the publication (M17, M22). */
export interface ExamRecord extends ExamRow {
  payment_deadline: Date;
  ticket_print_start: Date;
  ticket_print_end: Date;
  published_at: Date | null;
  updated_at: Date;
}

type ScheduleAfterRegistration = Pick<ExamRecord, 'payment_deadline' | 'ticket_print_start' | 'ticket_print_end'>;

/** A new exam; callers that give only the registration window get the provisional schedule after it. */
export type NewExam = Omit<ExamRow, 'id'> & Partial<ScheduleAfterRegistration>;

const DAY_MS = 24 * 3600 * 1000;

/** Payment 7 days after registration closes, tickets from 14 to 30 days after (as migration 16 did for old exams). */
function provisionalSchedule(registrationEnd: Date): ScheduleAfterRegistration {
  const after = (days: number) => new Date(registrationEnd.getTime() + days * DAY_MS);
  return { payment_deadline: after(7), ticket_print_start: after(14), ticket_print_end: after(30) };
}

export class ExamRepository {
  constructor(readonly db: Db) {}

  findById(id: number): Promise<ExamRecord | undefined> {
    return this.db<ExamRecord>('exams').where({ id }).first();
  }

  /** Published exams whose registration window contains `now`. */
  findOpen(now: Date): Promise<ExamRecord[]> {
    return this.db<ExamRecord>('exams')
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

  /** An exam with its majors only (no subjects or levels: tests and set-up build those). */
  async create(exam: NewExam, majorCodes: string[]): Promise<number> {
    return this.db.transaction(async (trx) => {
      const row = { ...provisionalSchedule(exam.registration_end), ...exam, published_at: exam.status === 'published' ? new Date() : null };
      const [inserted] = await trx('exams').insert(row).returning<Array<{ id: number }>>('id');
      if (majorCodes.length) await trx('exam_majors').insert(majorCodes.map((major_code) => ({ exam_id: inserted!.id, major_code })));
      return inserted!.id;
    });
  }
}
