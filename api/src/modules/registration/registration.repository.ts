import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import type { EducationLevel, LevelCode, RegistrationStatus } from '../../contracts/registration';
import type { SecurityServices } from '../../security/security-services';
import { registrationSeal } from '../../security/security-specs';
import { TamperedRecordError } from '../../security/security.errors';

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

type StatusChanges = Partial<Pick<RegistrationRow, 'status' | 'precheck_passed' | 'precheck_message' | 'review_comment' | 'reviewed_by' | 'reviewed_at' | 'process_instance_id'>>;

/**
 * Registrations as the domain sees them (ID and phone numbers in clear). At rest the two are SM4
 * ciphertext with a blind index on the ID number, and every row carries an SM3-HMAC seal: written
 * with each change, verified on each read, so a row altered outside the application is refused.
 */
export class RegistrationRepository {
  constructor(
    private readonly db: Db,
    private readonly security: SecurityServices,
    /** Told about rows that fail their seal in a list; a list leaves them out rather than failing whole. */
    private readonly onTampered: (err: TamperedRecordError) => void = () => {},
  ) {}

  private openAll<T extends RegistrationRow>(rows: T[]): T[] {
    return rows.flatMap((row) => {
      try {
        return [this.open(row)];
      } catch (err) {
        if (!(err instanceof TamperedRecordError)) throw err;
        this.onTampered(err);
        return [];
      }
    });
  }

  /** Verifies a stored row and returns it with its personal fields decrypted. */
  private open<T extends RegistrationRow & { row_mac?: string | null }>(stored: T): T {
    this.security.seal.assertIntact('registrations', stored.id, registrationSeal.fields({ ...stored } as Record<string, unknown>), stored.row_mac);
    return { ...stored, id_number: this.security.cipher.decrypt(stored.id_number), phone: this.security.cipher.decrypt(stored.phone) };
  }

  private sealOf(stored: Record<string, unknown>): string {
    return this.security.seal.seal('registrations', registrationSeal.fields(stored));
  }

  private detailQuery(q: Db | Knex.Transaction = this.db) {
    return q<RegistrationDetailRow>('registrations as r')
      .join('exams as e', 'e.id', 'r.exam_id')
      .join('majors as m', 'm.code', 'r.major_code')
      .select('r.*', 'e.name as exam_name', 'e.code as exam_code', 'm.name as major_name');
  }

  async findByNo(registrationNo: string): Promise<RegistrationDetailRow | undefined> {
    const row = await this.detailQuery().where('r.registration_no', registrationNo).first();
    return row && this.open(row);
  }

  async listByUser(userId: number): Promise<RegistrationDetailRow[]> {
    return this.openAll(await this.detailQuery().where('r.user_id', userId).orderBy('r.submitted_at', 'desc'));
  }

  async listByProcessInstances(ids: string[]): Promise<RegistrationDetailRow[]> {
    return ids.length ? this.openAll(await this.detailQuery().whereIn('r.process_instance_id', ids)) : [];
  }

  /** Exact match on the ID number goes through its blind index. */
  findExisting(examId: number, userId: number, idNumber: string): Promise<{ registration_no: string } | undefined> {
    const idx = this.security.index('id-number', idNumber);
    return this.db('registrations')
      .where({ exam_id: examId })
      .andWhere((q) => q.where({ user_id: userId }).orWhere({ id_number_idx: idx }))
      .first('registration_no');
  }

  /** Takes back a registration whose case could not start (its events go with it). */
  async remove(trx: Knex.Transaction, id: number): Promise<void> {
    await trx('registrations').where({ id }).delete();
  }

  /** Committed registrations whose case was never started. */
  withoutCase(submittedBefore: Date): Promise<Array<{ id: number; registration_no: string; exam_code: string }>> {
    return this.db('registrations as r')
      .join('exams as e', 'e.id', 'r.exam_id')
      .whereNull('r.process_instance_id')
      .andWhere('r.status', 'submitted')
      .andWhere('r.submitted_at', '<', submittedBefore)
      .select('r.id', 'r.registration_no', 'e.code as exam_code');
  }

  /** Next number of a counter; call inside the transaction that uses it. */
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
    const stored = {
      ...row,
      id_number: this.security.cipher.encrypt(row.id_number),
      id_number_idx: this.security.index('id-number', row.id_number),
      phone: this.security.cipher.encrypt(row.phone),
      submitted_at: new Date(),
      precheck_passed: null,
      precheck_message: null,
      review_comment: null,
      reviewed_by: null,
      reviewed_at: null,
      process_instance_id: null,
    };
    const [inserted] = await trx('registrations')
      .insert({ ...stored, row_mac: this.sealOf(stored) })
      .returning<Array<{ id: number }>>('id');
    return inserted!.id;
  }

  /** Applies changes to a verified row under a row lock and re-seals it. */
  private async change(trx: Knex.Transaction, where: { id: number } | { registration_no: string }, from: RegistrationStatus[] | null, changes: StatusChanges): Promise<boolean> {
    const stored = await trx('registrations').where(where).forUpdate().first();
    if (!stored) return false;
    this.security.seal.assertIntact('registrations', stored.id, registrationSeal.fields(stored), stored.row_mac);
    if (from && !from.includes(stored.status)) return false;
    const next = { ...stored, ...changes };
    await trx('registrations')
      .where({ id: stored.id })
      .update({ ...changes, row_mac: this.sealOf(next), updated_at: trx.fn.now() });
    return true;
  }

  async setProcessInstance(trx: Knex.Transaction, id: number, processInstanceId: string): Promise<void> {
    await this.change(trx, { id }, null, { process_instance_id: processInstanceId });
  }

  /** Moves a registration from one status to another; returns false when it was not in `from` (already done). */
  transition(trx: Knex.Transaction, registrationNo: string, from: RegistrationStatus[], changes: StatusChanges): Promise<boolean> {
    return this.change(trx, { registration_no: registrationNo }, from, changes);
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
