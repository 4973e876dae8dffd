import type { SealedTableSpec, SealFields } from './record-integrity';
import type { EncryptedColumnsSpec } from './reencrypt';

/** Values as PostgreSQL returns them; seals are computed over exactly these. */
type Row = Record<string, unknown>;
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const time = (v: unknown): Date | null => (v instanceof Date ? v : v === null || v === undefined ? null : new Date(String(v)));
const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : Boolean(v));

/** A `date` column: node-postgres gives a local-midnight Date, the application writes YYYY-MM-DD. */
const day = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  return String(v).slice(0, 10);
};

/** Leaves out null values. */
const optional = (fields: SealFields): SealFields =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));

/** 报名信息: everything a decision rests on; `updated_at` is bookkeeping and left out. */
export const registrationSeal: SealedTableSpec = {
  table: 'registrations',
  keyColumn: 'id',
  macColumn: 'row_mac',
  fields: (r: Row) => ({
    registration_no: text(r.registration_no),
    exam_id: Number(r.exam_id),
    user_id: Number(r.user_id),
    level_code: text(r.level_code),
    major_code: text(r.major_code),
    full_name: text(r.full_name),
    id_number: text(r.id_number),
    id_number_idx: text(r.id_number_idx),
    phone: text(r.phone),
    employer: text(r.employer),
    education: text(r.education),
    education_major_related: bool(r.education_major_related),
    // numeric(4,1) comes back as a string; the seal covers its canonical number.
    safety_work_years: Number(r.safety_work_years),
    status: text(r.status),
    precheck_passed: bool(r.precheck_passed),
    precheck_message: text(r.precheck_message),
    review_comment: text(r.review_comment),
    reviewed_by: text(r.reviewed_by),
    reviewed_at: time(r.reviewed_at),
    process_instance_id: text(r.process_instance_id),
    submitted_at: time(r.submitted_at),
    // Columns of the full form (migration 18); absent on rows written before it, so their seals still hold.
    ...optional({
      subject_codes: text(r.subject_codes),
      fee_total_fen: r.fee_total_fen === null || r.fee_total_fen === undefined ? null : Number(r.fee_total_fen),
      safety_work_months: r.safety_work_months === null || r.safety_work_months === undefined ? null : Number(r.safety_work_months),
      eligibility_rule: text(r.eligibility_rule),
      manual_review: bool(r.manual_review),
      // jsonb reorders keys: seal the items as lines of `item:note`.
      return_items: Array.isArray(r.return_items) ? (r.return_items as Array<{ item: string; note: string }>).map((i) => `${i.item}:${i.note}`).join('\n') : null,
      certificate_no: text(r.certificate_no),
      photo_id: text(r.photo_id),
      signed_at: time(r.signed_at),
      district: text(r.district),
      gender: text(r.gender),
      birth_date: day(r.birth_date),
      certificate_attachment_id: r.certificate_attachment_id === null || r.certificate_attachment_id === undefined ? null : Number(r.certificate_attachment_id),
    }),
  }),
};

/** 访问控制信息: who holds which role. */
export const userRoleSeal: SealedTableSpec = {
  table: 'user_roles',
  keyColumn: ['user_id', 'role_code'],
  macColumn: 'row_mac',
  fields: (r: Row) => ({ user_id: Number(r.user_id), role_code: text(r.role_code) }),
};

/** 访问控制信息: which role grants which permission. */
export const rolePermissionSeal: SealedTableSpec = {
  table: 'role_permissions',
  keyColumn: ['role_code', 'permission_code'],
  macColumn: 'row_mac',
  fields: (r: Row) => ({ role_code: text(r.role_code), permission_code: text(r.permission_code) }),
};

/** What `verify-integrity` (cli.ts) scans. */
export const sealedTableSpecs: SealedTableSpec[] = [registrationSeal, userRoleSeal, rolePermissionSeal];

/** What `reencrypt` (cli.ts) moves to the active data key. */
export const encryptedColumnSpecs: EncryptedColumnsSpec[] = [
  { table: 'registrations', keyColumn: 'id', columns: ['id_number', 'phone'], sealed: registrationSeal },
  { table: 'deliveries', keyColumn: 'id', columns: ['recipient_phone', 'address'] },
];
