import crypto from 'node:crypto';
import type { Db } from '../db/knex';
import { UnknownKeyError, type Keyring } from './keyring';
import { keysetBatches, rowKey, type Row, type RowKey } from './keyset';
import { TamperedRecordError } from './security.errors';

/**
 * Integrity seals of important rows (registrations, role grants): `mac:v<version>:<64 hex>`, an
 * HMAC-SM3 under the keyring's MAC key `version` over the canonical form of the row's fields and
 * its table. Anyone editing a sealed column in the database without the key is found by `verify`
 * and by the `verify-integrity` command.
 *
 * Seal the values as the database returns them (read the row back, or build them the same way as
 * `fields(row)` of the table's spec): node-postgres returns bigint and numeric columns as strings and
 * timestamps as Dates, and the number 3 and the string '3.0' are different values here.
 * Seal ciphertext columns as stored; `reencryptTable` re-seals the rows it re-encrypts.
 */

export type SealValue = string | number | boolean | null | Date;
export type SealFields = Record<string, SealValue>;

const MAC = /^mac:v([1-9]\d{0,5}):([0-9a-f]{64})$/;
const SEAL_KEY_LABEL = 'bpm/record-seal/v1';

/**
 * `["record-seal/1", table, [[key, value], ...]]` as JSON, keys sorted by code unit. Dates become ISO
 * strings (so a Date and its ISO text seal alike), -0 becomes 0, NaN/Infinity/undefined are refused
 * rather than silently dropped, as JSON.stringify would.
 */
export function canonicalRecord(table: string, fields: SealFields): string {
  const entries = Object.keys(fields)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => [key, canonicalValue(key, fields[key])] as const);
  return JSON.stringify(['record-seal/1', table, entries]);
}

function canonicalValue(key: string, value: SealValue | undefined): string | number | boolean | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`field ${key} is not a finite number`);
    return value === 0 ? 0 : value;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`field ${key} is an invalid date`);
    return value.toISOString();
  }
  throw new TypeError(`field ${key} has a type that cannot be sealed (${typeof value})`);
}

/** Seals whose check a process remembers (a few inbox pages' worth of registrations and every role grant). */
const REMEMBERED_SEALS = 2048;

export class RecordSeal {
  readonly #keys = new Map<number, Buffer>();
  /**
   * MAC → the canonical text it was found valid for. The same rows are checked again and again (every
   * API call checks the caller's role grants, every inbox page its registrations); a row whose canonical
   * text is exactly one already verified under the same MAC needs no second HMAC. A changed field or MAC
   * misses and is checked in full.
   */
  readonly #verified = new Map<string, string>();

  constructor(private readonly keyring: Keyring) {}

  seal(table: string, fields: SealFields): string {
    const version = this.keyring.activeMacKeyVersion;
    const key = this.#key(version);
    if (!key) throw new UnknownKeyError('mac', `v${version}`);
    return `mac:v${version}:${hmac(key, canonicalRecord(table, fields))}`;
  }

  /** False for a changed field, another table, a malformed MAC or a MAC under a key we do not hold. */
  verify(table: string, fields: SealFields, mac: string | null | undefined): boolean {
    const match = typeof mac === 'string' ? MAC.exec(mac) : null;
    if (!match?.[2]) return false;
    const key = this.#key(Number(match[1]));
    if (!key) return false;
    const canonical = canonicalRecord(table, fields);
    if (this.#verified.get(match[0]) === canonical) return true;
    const expected = Buffer.from(hmac(key, canonical), 'hex');
    if (!crypto.timingSafeEqual(expected, Buffer.from(match[2], 'hex'))) return false;
    if (this.#verified.size >= REMEMBERED_SEALS) this.#verified.delete(this.#verified.keys().next().value!);
    this.#verified.set(match[0], canonical);
    return true;
  }

  /** Throws `TamperedRecordError` (table and key, no values) when the seal does not hold. */
  assertIntact(table: string, key: RowKey, fields: SealFields, mac: string | null | undefined): void {
    if (!this.verify(table, fields, mac)) throw new TamperedRecordError(table, key);
  }

  /** True when the seal is under an older MAC key (re-seal after verifying). */
  needsRotation(mac: string): boolean {
    const match = MAC.exec(mac);
    return !match || Number(match[1]) !== this.keyring.activeMacKeyVersion;
  }

  #key(version: number): Buffer | undefined {
    let key = this.#keys.get(version);
    if (!key) {
      let macKey: Buffer;
      try {
        macKey = this.keyring.macKey(version);
      } catch (error) {
        if (error instanceof UnknownKeyError) return undefined;
        throw error;
      }
      key = crypto.createHmac('sm3', macKey).update(SEAL_KEY_LABEL).digest();
      this.#keys.set(version, key);
    }
    return key;
  }
}

function hmac(key: Buffer, text: string): string {
  return crypto.createHmac('sm3', key).update(text, 'utf8').digest('hex');
}

/** How to find a sealed table's rows and rebuild the fields its seal covers. */
export interface SealedTableSpec<R extends Row = Row> {
  table: string;
  /** Primary key column, or the columns of a composite key. */
  keyColumn: string | readonly string[];
  macColumn: string;
  /** The fields the seal covers, from a row as the database returns it (`select *` unless `columns`). */
  fields(row: R): SealFields;
  columns?: string[];
}

export interface TamperScanResult {
  table: string;
  checked: number;
  /** Keys of rows whose MAC is missing, malformed or does not match. */
  tampered: RowKey[];
}

export async function findTampered<R extends Row>(db: Db, spec: SealedTableSpec<R>, seal: RecordSeal, batchSize = 1000): Promise<TamperScanResult> {
  const result: TamperScanResult = { table: spec.table, checked: 0, tampered: [] };
  for await (const rows of keysetBatches(db, { table: spec.table, keyColumn: spec.keyColumn, columns: spec.columns, batchSize })) {
    result.tampered.push(...tamperedInBatch(spec, seal, rows as R[]));
    result.checked += rows.length;
  }
  return result;
}

/** The pure part of `findTampered`: keys of the rows in one batch whose seal fails. */
export function tamperedInBatch<R extends Row>(spec: SealedTableSpec<R>, seal: RecordSeal, rows: R[]): RowKey[] {
  const tampered: RowKey[] = [];
  for (const row of rows) {
    const mac = row[spec.macColumn];
    let intact: boolean;
    try {
      intact = seal.verify(spec.table, spec.fields(row), typeof mac === 'string' ? mac : null);
    } catch {
      intact = false; // a value the spec cannot turn into seal fields is itself a finding
    }
    if (!intact) tampered.push(rowKey(row, spec.keyColumn));
  }
  return tampered;
}
