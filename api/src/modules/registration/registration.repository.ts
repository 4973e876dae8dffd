import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import type { EducationLevel, EducationRecord, LevelCode, RegistrationStatus, ReturnItem, WorkPeriod } from '../../contracts/registration';
import type { SecurityServices } from '../../security/security-services';
import { registrationSeal } from '../../security/security-specs';
import { TamperedRecordError } from '../../security/security.errors';
import { escapeLike } from '../../db/escape-like';
import { examRegistrationFlow } from '../../contracts/flows/exam-registration';

/** `payment_orders.case_type` of registration fees. */
const REGISTRATION_CASE = examRegistrationFlow.processKey;

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
  identity_type: 'mainland' | 'hk-macao-taiwan';
  gender: 'M' | 'F' | null;
  birth_date: string | null;
  district: string | null;
  /** Comma-separated subject codes. */
  subject_codes: string | null;
  fee_total_fen: number | null;
  safety_work_months: number | null;
  eligibility_rule: string | null;
  manual_review: boolean | null;
  return_items: ReturnItem[] | null;
  photo_id: string | null;
  certificate_no: string | null;
  certificate_attachment_id: number | null;
  signed_at: Date | null;
}

/** A registration with the names of its exam and major, as lists and documents show it. */
export interface RegistrationDetailRow extends RegistrationRow {
  exam_name: string;
  exam_code: string;
  exam_year: number;
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
  | 'id'
  | 'precheck_passed'
  | 'precheck_message'
  | 'review_comment'
  | 'reviewed_by'
  | 'reviewed_at'
  | 'process_instance_id'
  | 'submitted_at'
  | 'updated_at'
  | 'safety_work_years'
  | 'eligibility_rule'
  | 'manual_review'
  | 'return_items'
> & { safety_work_years: number };

/** The part of a registration the candidate's form determines (replaced when they correct it). */
export type FormColumns = Omit<NewRegistration, 'registration_no' | 'exam_id' | 'user_id' | 'status'>;

type StatusChanges = Partial<
  Pick<
    RegistrationRow,
    | 'status'
    | 'precheck_passed'
    | 'precheck_message'
    | 'review_comment'
    | 'reviewed_by'
    | 'reviewed_at'
    | 'process_instance_id'
    | 'eligibility_rule'
    | 'manual_review'
    | 'return_items'
    | 'signed_at'
  >
>;

/** What an exam admin may correct (M23, registration-admin); the phone in clear here, encrypted by `correct`. */
export type RegistrationCorrection = Partial<Pick<RegistrationRow, 'full_name' | 'employer' | 'district' | 'phone' | 'level_code' | 'major_code' | 'subject_codes' | 'fee_total_fen'>>;

export interface EducationRow extends EducationRecord {
  majorRelated: boolean;
}

export interface SignatureRow {
  id: number;
  digest: string;
  signature: string;
  key_id: string;
  signed_at: Date;
  withdrawn_at: Date | null;
  template_version: number | null;
}

/** node-postgres returns `date` columns as local-midnight Dates; the form speaks YYYY-MM-DD. */
function dateText(v: unknown): string {
  if (v instanceof Date) return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  return String(v).slice(0, 10);
}

const jsonOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

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

  /** Opens each row; rows that fail their seal are left out and reported. */
  private openAll<T extends RegistrationRow, R = T>(rows: T[], open: (row: T) => R = (row) => this.open(row) as unknown as R): R[] {
    return rows.flatMap((row) => {
      try {
        return [open(row)];
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
    return {
      ...stored,
      id_number: this.security.cipher.decrypt(stored.id_number),
      phone: this.security.cipher.decrypt(stored.phone),
      birth_date: stored.birth_date === null || stored.birth_date === undefined ? null : dateText(stored.birth_date),
    };
  }

  /** Verifies and decrypts rows (`registrations.*`, plus joined columns) read by another module's query; tampered rows are left out and reported. */
  openRows<T extends RegistrationRow>(rows: T[]): T[] {
    return this.openAll(rows);
  }

  /**
   * Verifies rows for lists that show no ID or phone number (inboxes): the seal is checked, the two
   * encrypted fields are dropped instead of decrypted.
   */
  verifyRows<T extends RegistrationRow>(rows: T[]): Array<Omit<T, 'id_number' | 'phone'>> {
    return this.openAll(rows, (row) => {
      this.security.seal.assertIntact('registrations', row.id, registrationSeal.fields({ ...row } as Record<string, unknown>), (row as { row_mac?: string | null }).row_mac);
      const { id_number: _id, phone: _phone, ...rest } = row;
      return rest;
    });
  }

  /** Verifies and decrypts one such row; throws `TamperedRecordError` when its seal fails. */
  openRow<T extends RegistrationRow>(row: T): T {
    return this.open(row);
  }

  private sealOf(stored: Record<string, unknown>): string {
    return this.security.seal.seal('registrations', registrationSeal.fields(stored));
  }

  private detailQuery(q: Db | Knex.Transaction = this.db) {
    return q<RegistrationDetailRow>('registrations as r')
      .join('exams as e', 'e.id', 'r.exam_id')
      .join('majors as m', 'm.code', 'r.major_code')
      .select('r.*', 'e.name as exam_name', 'e.code as exam_code', 'e.year as exam_year', 'm.name as major_name');
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
  /** The username of the registration's candidate (who starts its case). */
  async ownerUsername(id: number): Promise<string> {
    const owner = await this.db('registrations as r').join('users as u', 'u.id', 'r.user_id').where('r.id', id).first<{ username: string } | undefined>('u.username');
    if (!owner) throw new Error(`registration ${id} not found`);
    return owner.username;
  }

  /** The published version of the commitment letter the candidate signs; undefined while the built-in one is in use. */
  async publishedCommitmentLetterVersion(trx: Knex.Transaction): Promise<number | undefined> {
    const letter = await trx('document_templates').where({ code: 'commitment-letter', status: 'published' }).first<{ version: number } | undefined>('version');
    return letter?.version;
  }

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
      eligibility_rule: null,
      manual_review: null,
      return_items: null,
    };
    const [inserted] = await trx('registrations')
      .insert({ ...stored, row_mac: this.sealOf(stored) })
      .returning<Array<{ id: number }>>('id');
    return inserted!.id;
  }

  /** Writes the education records and work periods of a registration, replacing earlier ones. */
  async writeHistory(trx: Knex.Transaction, registrationId: number, educations: EducationRow[], work: WorkPeriod[]): Promise<void> {
    await trx('registration_educations').where({ registration_id: registrationId }).delete();
    await trx('registration_work_periods').where({ registration_id: registrationId }).delete();
    if (educations.length) {
      await trx('registration_educations').insert(
        educations.map((e, seq) => ({
          registration_id: registrationId,
          seq,
          level: e.level,
          school: e.school,
          major: e.major,
          major_related: e.majorRelated,
          full_time: e.fullTime,
          start_date: e.startDate,
          graduation_date: e.graduationDate,
          certificate_no: e.certificateNo,
        })),
      );
    }
    if (work.length) {
      await trx('registration_work_periods').insert(
        work.map((w, seq) => ({
          registration_id: registrationId,
          seq,
          employer: w.employer,
          post: w.post,
          start_date: w.startDate,
          end_date: w.endDate,
          safety_work: w.safetyWork,
        })),
      );
    }
  }

  async educations(registrationId: number): Promise<EducationRow[]> {
    const rows: Array<Record<string, unknown>> = await this.db('registration_educations').where({ registration_id: registrationId }).orderBy('seq');
    return rows.map((r) => ({
      level: r.level as EducationLevel,
      school: String(r.school),
      major: String(r.major),
      majorRelated: Boolean(r.major_related),
      fullTime: Boolean(r.full_time),
      startDate: dateText(r.start_date),
      graduationDate: dateText(r.graduation_date),
      certificateNo: String(r.certificate_no),
    }));
  }

  async workPeriods(registrationId: number): Promise<WorkPeriod[]> {
    const rows: Array<Record<string, unknown>> = await this.db('registration_work_periods').where({ registration_id: registrationId }).orderBy('seq');
    return rows.map((r) => ({
      employer: String(r.employer),
      post: String(r.post),
      startDate: dateText(r.start_date),
      endDate: r.end_date === null ? null : dateText(r.end_date),
      safetyWork: Boolean(r.safety_work),
    }));
  }

  /** Replaces the form columns of a verified row (a correction, or an edit after withdrawing), re-sealed. */
  async replaceForm(trx: Knex.Transaction, id: number, form: FormColumns, changes: StatusChanges): Promise<void> {
    const stored = await trx('registrations').where({ id }).forUpdate().first();
    if (!stored) throw new Error(`registration ${id} not found`);
    this.security.seal.assertIntact('registrations', stored.id, registrationSeal.fields(stored), stored.row_mac);
    const columns = {
      ...form,
      id_number: this.security.cipher.encrypt(form.id_number),
      id_number_idx: this.security.index('id-number', form.id_number),
      phone: this.security.cipher.encrypt(form.phone),
      ...changes,
      return_items: changes.return_items === undefined ? stored.return_items : changes.return_items,
    };
    const next = { ...stored, ...columns };
    await trx('registrations')
      .where({ id })
      .update({ ...columns, return_items: jsonOrNull(columns.return_items), row_mac: this.sealOf(next), updated_at: trx.fn.now() });
  }

  async addSignature(
    trx: Knex.Transaction,
    s: { registrationId: number; userId: number; content: object; digest: string; signature: string; keyId: string; signedAt: Date; templateVersion: number | null },
  ): Promise<void> {
    await trx('registration_signatures').insert({
      registration_id: s.registrationId,
      user_id: s.userId,
      content: JSON.stringify(s.content),
      digest: s.digest,
      signature: s.signature,
      key_id: s.keyId,
      template_version: s.templateVersion,
      signed_at: s.signedAt,
    });
  }

  /** Marks the signatures in force as withdrawn. */
  async withdrawSignatures(trx: Knex.Transaction, registrationId: number): Promise<void> {
    await trx('registration_signatures').where({ registration_id: registrationId }).whereNull('withdrawn_at').update({ withdrawn_at: trx.fn.now() });
  }

  latestSignature(registrationId: number): Promise<SignatureRow | undefined> {
    return this.db('registration_signatures')
      .where({ registration_id: registrationId })
      .orderBy('signed_at', 'desc')
      .first('id', 'digest', 'signature', 'key_id', 'signed_at', 'withdrawn_at', 'template_version');
  }

  /** Stores an upload of the candidate (a certificate scan) with its SHA-256; returns its id. */
  async addAttachment(attachment: { user_id: number; kind: string; file_name: string; mime_type: string; content: Buffer; sha256: string }): Promise<number> {
    const [row] = await this.db('registration_attachments').insert(attachment).returning<Array<{ id: number }>>('id');
    return row!.id;
  }

  /** The certificate scan a candidate uploaded (考增项), if it is theirs. */
  attachmentOf(userId: number, id: number, kind: string): Promise<{ id: number } | undefined> {
    return this.db('registration_attachments').where({ id, user_id: userId, kind }).first('id');
  }

  /** Applies changes to a verified row under a row lock and re-seals it. */
  private async change(trx: Knex.Transaction, where: { id: number } | { registration_no: string }, from: RegistrationStatus[] | null, changes: StatusChanges | RegistrationCorrection): Promise<boolean> {
    const stored = await trx('registrations').where(where).forUpdate().first();
    if (!stored) return false;
    this.security.seal.assertIntact('registrations', stored.id, registrationSeal.fields(stored), stored.row_mac);
    if (from && !from.includes(stored.status)) return false;
    const next = { ...stored, ...changes };
    const update = 'return_items' in changes ? { ...changes, return_items: jsonOrNull(changes.return_items) } : changes;
    await trx('registrations')
      .where({ id: stored.id })
      .update({ ...update, row_mac: this.sealOf(next), updated_at: trx.fn.now() });
    return true;
  }

  /** A registration read under its row lock, verified and decrypted (for a change that depends on its current values). */
  async findForUpdate(trx: Knex.Transaction, registrationNo: string): Promise<RegistrationRow | undefined> {
    const stored = await trx('registrations').where({ registration_no: registrationNo }).forUpdate().first();
    return stored && this.open(stored);
  }

  /** An exam admin's correction (M23): re-sealed like every change; the phone is stored encrypted. */
  async correct(trx: Knex.Transaction, id: number, changes: RegistrationCorrection): Promise<void> {
    const { phone, ...rest } = changes;
    await this.change(trx, { id }, null, phone === undefined ? rest : { ...rest, phone: this.security.cipher.encrypt(phone) });
  }

  async setProcessInstance(trx: Knex.Transaction, id: number, processInstanceId: string): Promise<void> {
    await this.change(trx, { id }, null, { process_instance_id: processInstanceId });
  }

  /** Moves a registration from one status to another; returns false when it was not in `from` (already done). */
  transition(trx: Knex.Transaction, registrationNo: string, from: RegistrationStatus[], changes: StatusChanges): Promise<boolean> {
    return this.change(trx, { registration_no: registrationNo }, from, changes);
  }

  /** Appends a timeline event once per idempotency key. */
  /** The registration's id, in the caller's transaction (its events are keyed by it). */
  async idOf(q: Knex.Transaction | Db, registrationNo: string): Promise<number | undefined> {
    return (await q('registrations').where({ registration_no: registrationNo }).first<{ id: number } | undefined>('id'))?.id;
  }

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

  /** Registrations of engine instances (a page of inbox tasks), verified; one query. */
  ofProcessInstances(instanceIds: string[]): Promise<Array<Omit<RegistrationDetailRow, 'id_number' | 'phone'>>> {
    return this.verifiedWhereAny('r.process_instance_id', instanceIds);
  }

  /** Registrations by number, verified; one query. */
  ofNumbers(registrationNos: string[]): Promise<Array<Omit<RegistrationDetailRow, 'id_number' | 'phone'>>> {
    return this.verifiedWhereAny('r.registration_no', registrationNos);
  }

  /** Rows whose column is one of the values (one array parameter), verified, ID and phone left encrypted and out. */
  private async verifiedWhereAny(column: 'r.process_instance_id' | 'r.registration_no', values: string[]): Promise<Array<Omit<RegistrationDetailRow, 'id_number' | 'phone'>>> {
    if (values.length === 0) return [];
    return this.verifyRows(await this.detailQuery().whereRaw('?? = any(?)', [column, values]));
  }

  /** Registrations with a case whose number is `text` or whose candidate's name contains it. */
  search(text: string, limit: number): Promise<Array<{ registration_no: string; process_instance_id: string }>> {
    return this.db('registrations as r')
      .whereNotNull('r.process_instance_id')
      .where((w) => w.where('r.registration_no', text).orWhereILike('r.full_name', `%${escapeLike(text)}%`))
      .limit(limit)
      .select('r.registration_no', 'r.process_instance_id');
  }

  /** The latest e-receipt issued for the registration's payment, if any. */
  latestReceipt(registrationId: number): Promise<{ receipt_no: string; issued_at: Date } | undefined> {
    return this.db('e_receipts as e')
      .join('payment_orders as o', 'o.id', 'e.payment_order_id')
      .join('registrations as r', (j) => j.on('r.registration_no', 'o.business_key').andOnVal('o.case_type', REGISTRATION_CASE))
      .where('r.id', registrationId)
      .orderBy('e.id', 'desc')
      .first<{ receipt_no: string; issued_at: Date } | undefined>('e.receipt_no', 'e.issued_at');
  }

  events(registrationId: number): Promise<RegistrationEventRow[]> {
    return this.db('registration_events')
      .where({ registration_id: registrationId })
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .select('kind', 'title', 'detail', 'actor', 'created_at');
  }
}
