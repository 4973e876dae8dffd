import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import type { EducationLevel, LevelCode, RegistrationStatus } from '../../contracts/registration';

export interface RegistrationRow {
  id: number;
  registration_no: string;
  exam_id: number;
  user_id: number;
  level_code: LevelCode;
  major_code: string;
  full_name: string;
  id_number: string;
  phone: string;
  employer: string;
  education: EducationLevel;
  education_major_related: boolean;
  safety_work_years: string;
  status: RegistrationStatus;
  precheck_passed: boolean | null;
  precheck_message: string | null;
  review_comment: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  process_instance_id: string | null;
  submitted_at: Date;
  updated_at: Date;
}

/** A registration with the names of its exam and major, as lists and documents show it. */
export interface RegistrationDetailRow extends RegistrationRow {
  exam_name: string;
  exam_code: string;
  major_name: string;
}

export interface RegistrationEventRow {
  kind: string;
  title: string;
  detail: string | null;
  actor: string | null;
  created_at: Date;
}

export type NewRegistration = Omit<
  RegistrationRow,
  'id' | 'precheck_passed' | 'precheck_message' | 'review_comment' | 'reviewed_by' | 'reviewed_at' | 'process_instance_id' | 'submitted_at' | 'updated_at' | 'safety_work_years'
> & { safety_work_years: number };

export class RegistrationRepository {
  constructor(private readonly db: Db) {}

  private detailQuery(q: Db | Knex.Transaction = this.db) {
    return q<RegistrationDetailRow>('registrations as r')
      .join('exams as e', 'e.id', 'r.exam_id')
      .join('majors as m', 'm.code', 'r.major_code')
      .select('r.*', 'e.name as exam_name', 'e.code as exam_code', 'm.name as major_name');
  }

  findByNo(registrationNo: string): Promise<RegistrationDetailRow | undefined> {
    return this.detailQuery().where('r.registration_no', registrationNo).first();
  }

  listByUser(userId: number): Promise<RegistrationDetailRow[]> {
    return this.detailQuery().where('r.user_id', userId).orderBy('r.submitted_at', 'desc');
  }

  listByProcessInstances(ids: string[]): Promise<RegistrationDetailRow[]> {
    return ids.length ? this.detailQuery().whereIn('r.process_instance_id', ids) : Promise.resolve([]);
  }

  findExisting(examId: number, userId: number, idNumber: string): Promise<{ registration_no: string } | undefined> {
    return this.db('registrations')
      .where({ exam_id: examId })
      .andWhere((q) => q.where({ user_id: userId }).orWhere({ id_number: idNumber }))
      .first('registration_no');
  }

  /** Next number of a gap-free counter; call inside the transaction that uses it. */
  async nextNumber(trx: Knex.Transaction, name: string, scope: string): Promise<number> {
    const { rows } = await trx.raw<{ rows: Array<{ value: string }> }>(
      `insert into number_counters (name, scope, value) values (?, ?, 1)
       on conflict (name, scope) do update set value = number_counters.value + 1
       returning value`,
      [name, scope],
    );
    return Number(rows[0]!.value);
  }

  async insert(trx: Knex.Transaction, row: NewRegistration): Promise<number> {
    const [inserted] = await trx('registrations').insert(row).returning<Array<{ id: number }>>('id');
    return inserted!.id;
  }

  async setProcessInstance(trx: Knex.Transaction, id: number, processInstanceId: string): Promise<void> {
    await trx('registrations').where({ id }).update({ process_instance_id: processInstanceId });
  }

  /** Moves a registration from one status to another; returns false when it was not in `from` (already done). */
  async transition(
    trx: Knex.Transaction,
    registrationNo: string,
    from: RegistrationStatus[],
    changes: Partial<Pick<RegistrationRow, 'status' | 'precheck_passed' | 'precheck_message' | 'review_comment' | 'reviewed_by' | 'reviewed_at'>>,
  ): Promise<boolean> {
    const count = await trx('registrations')
      .where({ registration_no: registrationNo })
      .whereIn('status', from)
      .update({ ...changes, updated_at: trx.fn.now() });
    return count > 0;
  }

  /** Appends a timeline event once per idempotency key. */
  async addEvent(
    trx: Knex.Transaction | Db,
    registrationId: number,
    event: { kind: string; title: string; detail?: string | null; actor?: string | null; idempotencyKey: string },
  ): Promise<void> {
    await trx('registration_events')
      .insert({ registration_id: registrationId, kind: event.kind, title: event.title, detail: event.detail ?? null, actor: event.actor ?? null, idempotency_key: event.idempotencyKey })
      .onConflict('idempotency_key')
      .ignore();
  }

  events(registrationId: number): Promise<RegistrationEventRow[]> {
    return this.db('registration_events')
      .where({ registration_id: registrationId })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .select('kind', 'title', 'detail', 'actor', 'created_at');
  }
}
