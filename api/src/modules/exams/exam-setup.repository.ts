import type { Db } from '../../db/knex';
import { levelCodes, type ExamListQuery, type ExamStructure, type LevelCode, type MajorView } from '../../contracts/exams';
import type { ExamRecord } from './exam.repository';

export interface QuestionTypeRow {
  type: string;
  count: number;
  marks: number;
}

export interface SubjectRow {
  id: number;
  exam_id: number;
  code: string;
  name: string;
  short_name: string;
  major_code: string | null;
  fee_fen: number;
  question_types: QuestionTypeRow[];
}

export interface LevelRow {
  id: number;
  exam_id: number;
  level_code: LevelCode;
  name: string;
  requires_certificate: boolean;
}

export interface ExamListRow extends ExamRecord {
  exam_starts_at: Date | null;
  major_count: number;
  subject_count: number;
  level_count: number;
  registration_count: number;
}

export type ExamFields = Pick<
  ExamRecord,
  'code' | 'name' | 'short_name' | 'year' | 'registration_start' | 'registration_end' | 'payment_deadline' | 'ticket_print_start' | 'ticket_print_end'
>;
export type SubjectFields = Pick<SubjectRow, 'code' | 'name' | 'short_name' | 'major_code' | 'question_types'>;

/** Levels in their fixed order: 考全科, 考增项, 考单科. */
const byLevelOrder = (a: LevelCode, b: LevelCode) => levelCodes.indexOf(a) - levelCodes.indexOf(b);

/** Exam set-up queries (M17-M22). Construct it on a transaction to lock and change an exam atomically. */
export class ExamSetupRepository {
  constructor(private readonly db: Db) {}

  /** The exam row, locked until the transaction ends (registrations' foreign keys wait for it). */
  lockExam(id: number): Promise<ExamRecord | undefined> {
    return this.db<ExamRecord>('exams').where({ id }).forUpdate().first();
  }

  async list(query: ExamListQuery): Promise<ExamListRow[]> {
    const count = (table: string, as: string) => this.db.raw(`(select count(*)::int from ${table} x where x.exam_id = e.id) as ${as}`);
    const q = this.db('exams as e')
      .select(
        'e.*',
        this.db.raw('(select min(s.starts_at) from exam_sessions s where s.exam_id = e.id) as exam_starts_at'),
        count('exam_majors', 'major_count'),
        count('exam_subjects', 'subject_count'),
        count('exam_levels', 'level_count'),
        count('registrations', 'registration_count'),
      )
      .orderBy([{ column: 'e.year', order: 'desc' }, { column: 'e.id', order: 'desc' }]);
    if (query.year !== undefined) q.where('e.year', query.year);
    if (query.status !== undefined) q.where('e.status', query.status);
    // The month of the exam date (考试年月): a session in that month, in Shanghai time.
    if (query.month !== undefined) {
      const month = query.month;
      const year = query.year;
      q.whereExists((sub) => {
        sub
          .select(this.db.raw('1'))
          .from('exam_sessions as s')
          .whereRaw('s.exam_id = e.id')
          .andWhereRaw("extract(month from s.starts_at at time zone 'Asia/Shanghai') = ?", [month]);
        if (year !== undefined) sub.andWhereRaw("extract(year from s.starts_at at time zone 'Asia/Shanghai') = ?", [year]);
      });
    }
    return (await q) as ExamListRow[];
  }

  findExam(id: number): Promise<ExamRecord | undefined> {
    return this.db<ExamRecord>('exams').where({ id }).first();
  }

  async touch(id: number): Promise<void> {
    await this.db('exams').where({ id }).update({ updated_at: this.db.fn.now() });
  }

  async codeTaken(code: string, exceptId?: number): Promise<boolean> {
    const q = this.db('exams').where({ code });
    if (exceptId !== undefined) q.whereNot({ id: exceptId });
    return (await q.first('id')) !== undefined;
  }

  async insertExam(fields: ExamFields): Promise<number> {
    const [row] = await this.db('exams').insert({ ...fields, status: 'draft' }).returning<Array<{ id: number }>>('id');
    return row!.id;
  }

  async updateExam(id: number, patch: Partial<ExamFields & Pick<ExamRecord, 'status' | 'published_at'>>): Promise<void> {
    await this.db('exams').where({ id }).update({ ...patch, updated_at: this.db.fn.now() });
  }

  // --- majors ---

  catalogue(): Promise<MajorView[]> {
    return this.db('majors').orderBy('sort_order').select('code', 'name');
  }

  async catalogueConflict(code: string, name: string): Promise<'code' | 'name' | null> {
    const row = await this.db('majors').where({ code }).orWhere({ name }).first<{ code: string } | undefined>('code');
    if (!row) return null;
    return row.code === code ? 'code' : 'name';
  }

  async insertMajor(major: MajorView): Promise<void> {
    await this.db('majors').insert({ ...major, sort_order: this.db.raw('(select coalesce(max(sort_order), 0) + 1 from majors)') });
  }

  async knownMajors(codes: string[]): Promise<string[]> {
    return codes.length ? this.db('majors').whereIn('code', codes).pluck('code') : [];
  }

  examMajorCodes(examId: number): Promise<string[]> {
    return this.db('exam_majors').where({ exam_id: examId }).pluck('major_code');
  }

  async setExamMajors(examId: number, codes: string[]): Promise<void> {
    await this.db('exam_majors').where({ exam_id: examId }).whereNotIn('major_code', codes).delete();
    if (codes.length) {
      await this.db('exam_majors')
        .insert(codes.map((major_code) => ({ exam_id: examId, major_code })))
        .onConflict(['exam_id', 'major_code'])
        .ignore();
    }
  }

  /** What in the exam uses a major: subject codes and level codes. */
  async majorUsage(examId: number, majorCode: string): Promise<{ subjects: string[]; levels: LevelCode[] }> {
    const subjects: string[] = await this.db('exam_subjects').where({ exam_id: examId, major_code: majorCode }).orderBy('code').pluck('code');
    const levels: LevelCode[] = await this.db('exam_level_majors as lm')
      .join('exam_levels as l', 'l.id', 'lm.level_id')
      .where({ 'lm.exam_id': examId, 'lm.major_code': majorCode })
      .pluck('l.level_code');
    return { subjects, levels: levels.sort(byLevelOrder) };
  }

  // --- subjects, sessions, fees ---

  subjects(examId: number): Promise<SubjectRow[]> {
    return this.db<SubjectRow>('exam_subjects').where({ exam_id: examId }).orderBy('id');
  }

  findSubject(examId: number, code: string): Promise<SubjectRow | undefined> {
    return this.db<SubjectRow>('exam_subjects').where({ exam_id: examId, code }).first();
  }

  async insertSubject(examId: number, fields: SubjectFields & Partial<Pick<SubjectRow, 'fee_fen'>>): Promise<void> {
    await this.db('exam_subjects').insert({ ...fields, exam_id: examId, question_types: JSON.stringify(fields.question_types) });
  }

  async updateSubject(id: number, fields: SubjectFields): Promise<void> {
    await this.db('exam_subjects').where({ id }).update({ ...fields, question_types: JSON.stringify(fields.question_types) });
  }

  async deleteSubject(id: number): Promise<void> {
    await this.db('exam_subjects').where({ id }).delete();
  }

  async setFee(id: number, feeFen: number): Promise<void> {
    await this.db('exam_subjects').where({ id }).update({ fee_fen: feeFen });
  }

  /** The levels a subject is bound to and whether it has a session. */
  async subjectUsage(subjectId: number): Promise<{ levels: LevelCode[]; hasSession: boolean }> {
    const levels: LevelCode[] = await this.db('exam_level_subjects as ls').join('exam_levels as l', 'l.id', 'ls.level_id').where('ls.subject_id', subjectId).pluck('l.level_code');
    const session = await this.db('exam_sessions').where({ subject_id: subjectId }).first('id');
    return { levels: levels.sort(byLevelOrder), hasSession: session !== undefined };
  }

  async replaceSessions(examId: number, sessions: Array<{ subject_id: number; starts_at: Date; ends_at: Date }>): Promise<void> {
    await this.db('exam_sessions').where({ exam_id: examId }).delete();
    if (sessions.length) await this.db('exam_sessions').insert(sessions.map((s) => ({ ...s, exam_id: examId })));
  }

  // --- levels ---

  findLevel(examId: number, code: LevelCode): Promise<LevelRow | undefined> {
    return this.db<LevelRow>('exam_levels').where({ exam_id: examId, level_code: code }).first();
  }

  async insertLevel(examId: number, level: Pick<LevelRow, 'level_code' | 'name' | 'requires_certificate'>): Promise<void> {
    await this.db('exam_levels').insert({ ...level, exam_id: examId });
  }

  async updateLevel(id: number, fields: Pick<LevelRow, 'name' | 'requires_certificate'>): Promise<void> {
    await this.db('exam_levels').where({ id }).update(fields);
  }

  /** Deletes the level with its bindings (they cascade). */
  async deleteLevel(id: number): Promise<void> {
    await this.db('exam_levels').where({ id }).delete();
  }

  async bindMajor(level: LevelRow, majorCode: string): Promise<void> {
    await this.db('exam_level_majors').insert({ exam_id: level.exam_id, level_id: level.id, major_code: majorCode }).onConflict(['level_id', 'major_code']).ignore();
  }

  /** Whether there was a binding to remove. */
  async unbindMajor(level: LevelRow, majorCode: string): Promise<boolean> {
    return (await this.db('exam_level_majors').where({ level_id: level.id, major_code: majorCode }).delete()) > 0;
  }

  async bindSubject(level: LevelRow, subjectId: number): Promise<void> {
    await this.db('exam_level_subjects').insert({ exam_id: level.exam_id, level_id: level.id, subject_id: subjectId }).onConflict(['level_id', 'subject_id']).ignore();
  }

  async unbindSubject(level: LevelRow, subjectId: number): Promise<boolean> {
    return (await this.db('exam_level_subjects').where({ level_id: level.id, subject_id: subjectId }).delete()) > 0;
  }

  async registrationCount(examId: number): Promise<number> {
    const row = await this.db('registrations').where({ exam_id: examId }).count<{ count: string }>({ count: '*' }).first();
    return Number(row?.count ?? 0);
  }

  /** The exam's whole structure, in display order: majors by catalogue order, public subjects first. */
  async structure(examId: number): Promise<ExamStructure | undefined> {
    const exam = await this.db<ExamRecord>('exams').where({ id: examId }).first();
    if (!exam) return undefined;
    const majors: MajorView[] = await this.db('exam_majors as em').join('majors as m', 'm.code', 'em.major_code').where('em.exam_id', examId).orderBy('m.sort_order').select('m.code', 'm.name');
    const subjects: SubjectRow[] = await this.db('exam_subjects as s')
      .leftJoin('majors as m', 'm.code', 's.major_code')
      .where('s.exam_id', examId)
      .orderByRaw('s.major_code is not null, m.sort_order, s.code')
      .select('s.*');
    const sessions: Array<{ code: string; starts_at: Date; ends_at: Date }> = await this.db('exam_sessions as x')
      .join('exam_subjects as s', 's.id', 'x.subject_id')
      .where('x.exam_id', examId)
      .orderBy([{ column: 'x.starts_at' }, { column: 's.code' }])
      .select('s.code', 'x.starts_at', 'x.ends_at');
    const levels: LevelRow[] = await this.db<LevelRow>('exam_levels').where({ exam_id: examId });
    levels.sort((a, b) => byLevelOrder(a.level_code, b.level_code));
    const levelMajors: Array<{ level_id: number; major_code: string }> = await this.db('exam_level_majors').where({ exam_id: examId }).select('level_id', 'major_code');
    const levelSubjects: Array<{ level_id: number; subject_id: number }> = await this.db('exam_level_subjects').where({ exam_id: examId }).select('level_id', 'subject_id');

    const majorOrder = majors.map((m) => m.code);
    const byOrder = <T>(order: T[]) => (a: T, b: T) => order.indexOf(a) - order.indexOf(b);
    return {
      exam: {
        id: exam.id,
        code: exam.code,
        name: exam.name,
        shortName: exam.short_name,
        year: exam.year,
        status: exam.status,
        registrationStart: exam.registration_start.toISOString(),
        registrationEnd: exam.registration_end.toISOString(),
        paymentDeadline: exam.payment_deadline.toISOString(),
        ticketPrintStart: exam.ticket_print_start.toISOString(),
        ticketPrintEnd: exam.ticket_print_end.toISOString(),
        sessions: sessions.map((s) => ({ subjectCode: s.code, startsAt: s.starts_at.toISOString(), endsAt: s.ends_at.toISOString() })),
      },
      majors,
      levels: levels.map((l) => ({
        code: l.level_code,
        name: l.name,
        requiresCertificate: l.requires_certificate,
        majorCodes: levelMajors
          .filter((b) => b.level_id === l.id)
          .map((b) => b.major_code)
          .sort(byOrder(majorOrder)),
        subjectCodes: subjects.filter((s) => levelSubjects.some((b) => b.level_id === l.id && b.subject_id === s.id)).map((s) => s.code),
      })),
      subjects: subjects.map((s) => ({
        code: s.code,
        name: s.name,
        shortName: s.short_name,
        majorCode: s.major_code,
        feeFen: s.fee_fen,
        questionTypes: s.question_types.map((q) => ({ type: q.type, count: q.count, marks: q.marks })),
      })),
    };
  }
}
