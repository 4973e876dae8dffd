import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import { fetchPage } from '../../db/paging';
import type { CorrectableField, RegistrationSortField, StatisticsDimension } from '../../contracts/registration-admin';
import type { LevelCode, RegistrationStatus } from '../../contracts/registration';
import { escapeLike } from '../../db/escape-like';
import type { RegistrationDetailRow } from '../registration/registration-records.service';

/** A registration row (`r.*`) with its exam and major names, and its birth date as text. */
export type AdminRegistrationRow = RegistrationDetailRow & {
  /** `birth_date` as `YYYY-MM-DD` (a `date` column comes back as a Date at local midnight). */
  birth_day: string | null;
};

/** Which exams a query may reach: every exam (null) or the listed ones (数据范围). */
export type ExamScope = number[] | null;

/** The search filter with the ID number already turned into its blind index. */
export interface RegistrationFilter {
  examId?: number;
  idNumberIdx?: string;
  fullName?: string;
  status?: RegistrationStatus;
  levelCode?: LevelCode;
  majorCode?: string;
  district?: string;
  submittedFrom?: Date;
  /** Exclusive. */
  submittedBefore?: Date;
}

export interface SignatureRow {
  signed_at: Date;
  digest: string;
  key_id: string;
  withdrawn_at: Date | null;
}

/** Column names of the correctable fields. */
export const correctionColumns = {
  fullName: 'full_name',
  employer: 'employer',
  district: 'district',
  phone: 'phone',
  levelCode: 'level_code',
  majorCode: 'major_code',
} as const satisfies Record<CorrectableField, string>;
export type CorrectionColumn = (typeof correctionColumns)[CorrectableField];

export interface CorrectionRow {
  id: number;
  field: CorrectionColumn;
  before_value: string | null;
  after_value: string | null;
  reason: string;
  corrected_by: string;
  corrected_by_name: string;
  corrected_at: Date;
}

export type NewCorrection = Omit<CorrectionRow, 'id' | 'corrected_at'> & { registration_id: number };

/** One group of a statistic; `key` null: the value was not recorded. */
export interface StatisticsGroup {
  key: string | null;
  count: number;
}

const sortColumns: Record<RegistrationSortField, string> = {
  submittedAt: 'r.submitted_at',
  registrationNo: 'r.registration_no',
  fullName: 'r.full_name',
  status: 'r.status',
};

/**
 * Age reached in the exam year (exam year − year of birth), in the bands of `ageBands`. Kept in SQL
 * so that the statistic is one aggregate over the table, however many registrations there are.
 */
const AGE_BAND_SQL = `case
  when r.birth_date is null then null
  when e.year - extract(year from r.birth_date)::int < 25 then 'under-25'
  when e.year - extract(year from r.birth_date)::int < 35 then '25-34'
  when e.year - extract(year from r.birth_date)::int < 45 then '35-44'
  when e.year - extract(year from r.birth_date)::int < 55 then '45-54'
  else '55-plus' end`;

/** The grouping key of each dimension (SQL over `registrations r`, `exams e`, and `s.code` for subjects). */
const dimensionKeys: Record<StatisticsDimension, string> = {
  level: 'r.level_code',
  major: 'r.major_code',
  subject: 's.code',
  status: 'r.status',
  district: 'r.district',
  education: 'r.education',
  ageBand: AGE_BAND_SQL,
  gender: 'r.gender',
};

/** Queries of the admin side of registrations; rows leave here as stored (seals are checked by RegistrationRepository). */
export class RegistrationAdminRepository {
  constructor(private readonly db: Db) {}

  private scoped(scope: ExamScope, filter: RegistrationFilter): Knex.QueryBuilder {
    const q = this.db('registrations as r').join('exams as e', 'e.id', 'r.exam_id');
    if (scope) q.whereIn('r.exam_id', scope);
    if (filter.examId !== undefined) q.where('r.exam_id', filter.examId);
    if (filter.idNumberIdx) q.where('r.id_number_idx', filter.idNumberIdx);
    if (filter.fullName) q.whereILike('r.full_name', `%${escapeLike(filter.fullName)}%`);
    if (filter.status) q.where('r.status', filter.status);
    if (filter.levelCode) q.where('r.level_code', filter.levelCode);
    if (filter.majorCode) q.where('r.major_code', filter.majorCode);
    if (filter.district) q.where('r.district', filter.district);
    if (filter.submittedFrom) q.where('r.submitted_at', '>=', filter.submittedFrom);
    if (filter.submittedBefore) q.where('r.submitted_at', '<', filter.submittedBefore);
    return q;
  }

  private withNames(q: Knex.QueryBuilder): Knex.QueryBuilder {
    return q
      .join('majors as m', 'm.code', 'r.major_code')
      .select('r.*', 'e.name as exam_name', 'e.code as exam_code', 'e.year as exam_year', 'm.name as major_name')
      .select(this.db.raw(`to_char(r.birth_date, 'YYYY-MM-DD') as birth_day`));
  }

  async search(
    scope: ExamScope,
    filter: RegistrationFilter,
    paging: { page: number; pageSize: number; sort: RegistrationSortField; order: 'asc' | 'desc' },
  ): Promise<{ rows: AdminRegistrationRow[]; total: number }> {
    const ordered = this.withNames(this.scoped(scope, filter)).orderBy([{ column: sortColumns[paging.sort], order: paging.order }, { column: 'r.id', order: paging.order }]);
    return fetchPage<AdminRegistrationRow>(this.scoped(scope, filter), ordered, paging);
  }

  async findByNo(registrationNo: string): Promise<AdminRegistrationRow | undefined> {
    return (await this.withNames(this.scoped(null, {})).where('r.registration_no', registrationNo).first()) as AdminRegistrationRow | undefined;
  }

  signatures(registrationId: number): Promise<SignatureRow[]> {
    return this.db('registration_signatures')
      .where({ registration_id: registrationId })
      .orderBy([{ column: 'signed_at' }, { column: 'id' }])
      .select('signed_at', 'digest', 'key_id', 'withdrawn_at');
  }

  async corrections(registrationId: number): Promise<CorrectionRow[]> {
    const rows = await this.db('registration_corrections')
      .where({ registration_id: registrationId })
      .orderBy([{ column: 'corrected_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .select<Array<Omit<CorrectionRow, 'id'> & { id: string }>>('id', 'field', 'before_value', 'after_value', 'reason', 'corrected_by', 'corrected_by_name', 'corrected_at');
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  /** Inside the transaction that changes the registration, so that the two commit together. */
  async insertCorrections(trx: Knex.Transaction, rows: NewCorrection[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const ids = await trx('registration_corrections').insert(rows).returning<Array<{ id: string }>>('id');
    return ids.map((r) => Number(r.id));
  }

  exams(scope: ExamScope): Promise<Array<{ id: number; code: string; name: string; year: number }>> {
    const q = this.db('exams').select('id', 'code', 'name', 'year').orderBy([{ column: 'year', order: 'desc' }, { column: 'id', order: 'desc' }]);
    if (scope) q.whereIn('id', scope);
    return q;
  }

  majors(): Promise<Array<{ code: string; name: string }>> {
    return this.db('majors').orderBy('sort_order').select('code', 'name');
  }

  /** Names of the subjects of the exams in scope by code (an exam's subjects live in `exam_subjects`). */
  async subjectNames(scope: ExamScope, examId: number | undefined): Promise<Map<string, string>> {
    const q = this.db('exam_subjects').select('code').min({ name: 'name' }).groupBy('code');
    if (scope) q.whereIn('exam_id', scope);
    if (examId !== undefined) q.where('exam_id', examId);
    const rows = (await q) as Array<{ code: string; name: string }>;
    return new Map(rows.map((r) => [r.code, r.name]));
  }

  /**
   * Registrations per value of one dimension, and the number of registrations in all: one aggregate
   * (GROUPING SETS) over the table. A registration counts once per group, so by subject the groups
   * add up to more than the total (全科 sits two subjects).
   */
  async statistics(scope: ExamScope, filter: { examId?: number; status?: RegistrationStatus }, dimension: StatisticsDimension): Promise<{ groups: StatisticsGroup[]; total: number }> {
    const inner = this.scoped(scope, filter).select('r.id', this.db.raw(`(${dimensionKeys[dimension]})::text as key`));
    // A registration without subjects (written before the full form) still counts, in the "not recorded" group.
    if (dimension === 'subject') inner.joinRaw(`left join lateral unnest(string_to_array(nullif(r.subject_codes, ''), ',')) as s(code) on true`);
    const rows = (await this.db
      .from(inner.as('t'))
      .select('key', this.db.raw('grouping(key) = 1 as is_total'), this.db.raw('count(distinct id)::int as count'))
      .groupByRaw('grouping sets ((key), ())')) as Array<{ key: string | null; is_total: boolean; count: number }>;
    const total = rows.find((r) => r.is_total)?.count ?? 0;
    return { groups: rows.filter((r) => !r.is_total).map((r) => ({ key: r.key, count: r.count })), total };
  }
}
