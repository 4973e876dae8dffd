import type { Knex } from 'knex';
import { z } from 'zod';
import type { AuditAction } from '../contracts/audit-actions';
import type { Db } from '../db/knex';
import { escapeLike } from '../db/escape-like';
import { fetchPage } from '../db/paging';
import type { Paged } from '../contracts/paged';
import { maskIdNumber, maskPhone } from './masking';
import {
  ChainVerifier,
  chainHash,
  deriveChainKey,
  ZERO_HASH,
  type AuditChainRow,
  type AuditResult,
  type ChainAnchor,
  type ChainVerification,
  type JsonObject,
  type JsonValue,
} from './audit-chain';
import { UnknownKeyError, type Keyring } from './keyring';
import { keysetBatches } from './keyset';

/**
 * The security audit log (等保二级 安全审计): who did what to which object, from where, with what
 * result. Appends are serialised by a transaction-scoped advisory lock and chained with a keyed
 * SM3-HMAC (audit-chain.ts); the table refuses UPDATE/DELETE/TRUNCATE (migration 20261128_06).
 */

export const auditEntrySchema = z.object({
  actor: z.string().min(1).max(64),
  action: z.string().max(64).regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'dotted lower-case verb such as auth.login'),
  objectType: z.string().min(1).max(64).nullish(),
  objectId: z.union([z.string().min(1).max(128), z.number().int()]).nullish(),
  ip: z.string().max(45).nullish(),
  result: z.enum(['success', 'failure', 'denied']),
  detail: z.record(z.string(), z.unknown()).optional(),
});
/** `action` is one the console can label (api/src/contracts/audit-actions.ts). */
export type AuditEntryInput = Omit<z.input<typeof auditEntrySchema>, 'action'> & { action: AuditAction };

export type AuditRecord = AuditChainRow;

export const auditFilterSchema = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  actor: z.string().max(64).optional(),
  /** Exact, or a prefix ending in `.*` (`auth.*`). */
  action: z.string().max(64).optional(),
  result: z.enum(['success', 'failure', 'denied']).optional(),
  objectType: z.string().max(64).optional(),
  objectId: z.string().max(128).optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditPageFilterSchema = auditFilterSchema.extend({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type AuditPageFilter = z.infer<typeof auditPageFilterSchema>;

export type AuditPage = Paged<AuditRecord>;

// Any constant works; it only has to be the same for every writer of the chain.
const APPEND_LOCK_KEY = 0x4155_4449; // 'AUDI'
const EXPORT_BATCH = 1000;

interface AuditLogRow {
  id: string | number;
  at: Date;
  actor: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  result: AuditResult;
  detail: JsonObject;
  mac_version: number;
  prev_hash: string;
  hash: string;
}

export class AuditLog {
  readonly #chainKeys = new Map<number, Buffer>();

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
  ) {}

  /**
   * Appends one entry. Inside a caller's transaction (`trx`), the entry commits or rolls back with
   * the business change, but the chain lock is then held until that transaction ends: append last.
   * That transaction must be READ COMMITTED, or it could read a stale chain head.
   */
  async append(input: AuditEntryInput, options: { trx?: Knex.Transaction } = {}): Promise<AuditRecord> {
    const entry = auditEntrySchema.parse(input);
    const detail = sanitizeDetail(entry.detail ?? {});
    const write = async (trx: Knex.Transaction): Promise<AuditRecord> => {
      await trx.raw('select pg_advisory_xact_lock(?)', [APPEND_LOCK_KEY]);
      const last = (await trx('audit_log').select('hash').orderBy('id', 'desc').first()) as { hash: string } | undefined;
      // Milliseconds: what a JS Date holds, so the hashed and the stored time are the same instant.
      const next = await trx.raw<{ rows: Array<{ id: string; at: Date }> }>(
        "select nextval(pg_get_serial_sequence('audit_log', 'id')) as id, date_trunc('milliseconds', clock_timestamp()) as at",
      );
      const head = next.rows[0];
      if (!head) throw new Error('audit_log sequence returned no value');
      const macVersion = this.keyring.activeMacKeyVersion;
      const record: AuditRecord = {
        id: Number(head.id),
        at: head.at,
        actor: entry.actor,
        action: entry.action,
        objectType: entry.objectType ?? null,
        objectId: entry.objectId === undefined || entry.objectId === null ? null : String(entry.objectId),
        ip: entry.ip ?? null,
        result: entry.result,
        detail,
        macVersion,
        prevHash: last?.hash ?? ZERO_HASH,
        hash: '',
      };
      record.hash = chainHash(record.prevHash, record, this.#chainKeyOrFail(macVersion));
      await trx('audit_log').insert({
        id: record.id,
        at: record.at,
        actor: record.actor,
        action: record.action,
        object_type: record.objectType,
        object_id: record.objectId,
        ip: record.ip,
        result: record.result,
        detail: JSON.stringify(record.detail),
        mac_version: record.macVersion,
        prev_hash: record.prevHash,
        hash: record.hash,
      });
      return record;
    };
    if (!options.trx) return this.db.transaction(write);
    const isolation = await options.trx.raw<{ rows: Array<{ level: string }> }>("select current_setting('transaction_isolation') as level");
    if (isolation.rows[0]?.level !== 'read committed') throw new Error('audit entries must be appended in a READ COMMITTED transaction');
    return write(options.trx);
  }

  /** Walks the whole chain in id order, in batches, and reports every break (see `ChainVerifier`). */
  async verify(options: { batchSize?: number; anchor?: ChainAnchor } = {}): Promise<ChainVerification> {
    const verifier = new ChainVerifier((version) => this.#chainKey(version), options.anchor);
    for await (const rows of keysetBatches(this.db, { table: 'audit_log', keyColumn: 'id', batchSize: options.batchSize ?? 2000 })) {
      for (const row of rows) verifier.push(toRecord(row as unknown as AuditLogRow));
    }
    return verifier.finish();
  }

  /** Newest first. */
  async list(filter: AuditPageFilter): Promise<AuditPage> {
    const { rows, total } = await fetchPage<AuditLogRow>(this.#filtered(filter), this.#filtered(filter).select('*').orderBy('id', 'desc'), filter);
    return { items: rows.map(toRecord), total, page: filter.page, pageSize: filter.pageSize };
  }

  /**
   * CSV for Excel, line by line (each ending in CRLF; the first carries the UTF-8 BOM), reading in
   * id order in batches so an export of any size streams: `for await (const line of ...) res.write(line)`.
   */
  async *exportCsv(filter: AuditFilter): AsyncGenerator<string> {
    yield `\uFEFF${csvLine(AUDIT_CSV_HEADER)}`;
    let after = 0;
    for (;;) {
      const rows = (await this.#filtered(filter).select('*').where('id', '>', after).orderBy('id', 'asc').limit(EXPORT_BATCH)) as AuditLogRow[];
      for (const row of rows) yield csvLine(auditCsvCells(toRecord(row)));
      const last = rows[rows.length - 1];
      if (!last || rows.length < EXPORT_BATCH) return;
      after = Number(last.id);
    }
  }

  #filtered(filter: AuditFilter): Knex.QueryBuilder {
    const query = this.db('audit_log');
    if (filter.from) query.where('at', '>=', filter.from);
    if (filter.to) query.where('at', '<', filter.to);
    if (filter.actor) query.where('actor', filter.actor);
    if (filter.action?.endsWith('.*')) query.whereLike('action', `${escapeLike(filter.action.slice(0, -1))}%`);
    else if (filter.action) query.where('action', filter.action);
    if (filter.result) query.where('result', filter.result);
    if (filter.objectType) query.where('object_type', filter.objectType);
    if (filter.objectId) query.where('object_id', filter.objectId);
    return query;
  }

  #chainKey(version: number): Buffer | undefined {
    let key = this.#chainKeys.get(version);
    if (!key) {
      try {
        key = deriveChainKey(this.keyring.macKey(version));
      } catch (error) {
        if (error instanceof UnknownKeyError) return undefined;
        throw error;
      }
      this.#chainKeys.set(version, key);
    }
    return key;
  }

  #chainKeyOrFail(version: number): Buffer {
    const key = this.#chainKey(version);
    if (!key) throw new UnknownKeyError('mac', `v${version}`);
    return key;
  }
}

function toRecord(row: AuditLogRow): AuditRecord {
  return {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    ip: row.ip,
    result: row.result,
    detail: row.detail,
    macVersion: row.mac_version,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

// Mainland ID numbers and mobile numbers that are not part of a longer run of letters or digits.
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;

/**
 * The detail as it will be stored (a JSON round trip: Dates become strings, undefined disappears),
 * with ID numbers and mobile numbers in any string masked: a safety net for callers who forget
 * that the audit log must not hold personal data in clear.
 */
export function sanitizeDetail(detail: Record<string, unknown>): JsonObject {
  const stored = JSON.parse(JSON.stringify(detail)) as JsonObject;
  const mask = (value: JsonValue): JsonValue => {
    if (typeof value === 'string') return value.replace(ID_NUMBER, (id) => maskIdNumber(id.toUpperCase())).replace(MOBILE, maskPhone);
    if (Array.isArray(value)) return value.map(mask);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
    return value;
  };
  return mask(stored) as JsonObject;
}

export const AUDIT_CSV_HEADER = ['序号', '时间', '操作人', '操作', '对象类型', '对象编号', 'IP地址', '结果', '详情', '哈希'];
const RESULT_LABELS: Record<AuditResult, string> = { success: '成功', failure: '失败', denied: '拒绝' };

export function auditCsvCells(record: AuditRecord): string[] {
  return [
    String(record.id),
    formatShanghaiTime(record.at),
    record.actor,
    record.action,
    record.objectType ?? '',
    record.objectId ?? '',
    record.ip ?? '',
    RESULT_LABELS[record.result],
    JSON.stringify(record.detail),
    record.hash,
  ];
}

/**
 * One RFC 4180 line ending in CRLF. A cell that Excel would run as a formula (starting with = + - @,
 * tab or CR) gets a leading apostrophe: exported logs are opened by people, and actors and object
 * ids can come from outside.
 */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** `2026-11-28 09:30:05` in China Standard Time (UTC+8 all year, no daylight saving). */
export function formatShanghaiTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
