import type { Db } from '../db/knex';
import { FieldCipher } from './field-cipher';
import { keysetBatches, rowKey, type Row, type RowKey } from './keyset';
import type { RecordSeal, SealedTableSpec } from './record-integrity';
import { CryptoIntegrityError } from './security.errors';

/** Columns of a table that hold `FieldCipher` tokens. */
export interface EncryptedColumnsSpec {
  table: string;
  keyColumn: string | readonly string[];
  columns: string[];
  /** Also encrypt values that are still plaintext (rolling encryption out over existing rows). */
  encryptPlaintext?: boolean;
  /**
   * When the table's rows are sealed over these columns: each row's old seal is checked first (a
   * tampered row is reported, never re-sealed), and the new seal is written with the new ciphertexts.
   */
  sealed?: SealedTableSpec;
}

export interface ReencryptResult {
  table: string;
  scanned: number;
  rewritten: number;
  /** Rows changed by the application between our read and our write: left alone, the next run takes them. */
  changedConcurrently: number;
  /** Plaintext values left because `encryptPlaintext` is off. */
  plaintextLeft: number;
  tampered: RowKey[];
  undecryptable: RowKey[];
}

export type RowPlan =
  | { kind: 'current' }
  | { kind: 'rewrite'; set: Record<string, string>; expect: Record<string, unknown> }
  | { kind: 'tampered' }
  | { kind: 'undecryptable' };

/**
 * What to do with one row (pure): the new values and the old values the update must still find.
 * `plaintext` counts plaintext values left alone.
 */
export function planRow(row: Row, spec: EncryptedColumnsSpec, cipher: FieldCipher, seal?: RecordSeal): RowPlan & { plaintext: number } {
  let plaintext = 0;
  if (spec.sealed) {
    if (!seal) throw new Error(`reencrypt of ${spec.table} needs a RecordSeal: its rows are sealed`);
    const mac = row[spec.sealed.macColumn];
    let intact = false;
    try {
      intact = seal.verify(spec.table, spec.sealed.fields(row), typeof mac === 'string' ? mac : null);
    } catch {
      intact = false;
    }
    if (!intact) return { kind: 'tampered', plaintext };
  }
  const set: Record<string, string> = {};
  const expect: Record<string, unknown> = {};
  for (const column of spec.columns) {
    const value = row[column];
    if (typeof value !== 'string') continue;
    if (!FieldCipher.isToken(value)) {
      if (!spec.encryptPlaintext) {
        plaintext += 1;
        continue;
      }
      set[column] = cipher.encrypt(value);
    } else if (cipher.needsRotation(value)) {
      try {
        set[column] = cipher.rotate(value);
      } catch (error) {
        if (error instanceof CryptoIntegrityError) return { kind: 'undecryptable', plaintext };
        throw error;
      }
    } else {
      continue;
    }
    expect[column] = value;
  }
  if (Object.keys(set).length === 0) return { kind: 'current', plaintext };
  if (spec.sealed && seal) {
    const macColumn = spec.sealed.macColumn;
    set[macColumn] = seal.seal(spec.table, spec.sealed.fields({ ...row, ...set }));
    expect[macColumn] = row[macColumn];
  }
  return { kind: 'rewrite', set, expect, plaintext };
}

/**
 * Re-encrypts, under the active data key, every value of `spec.columns` that is on an older key
 * (and plaintext ones with `encryptPlaintext`). Runs while the system is live: reads in key order,
 * writes each batch in one short transaction, and each update is conditional on the old values, so a
 * row the application changed meanwhile is skipped rather than overwritten. Safe to stop and rerun.
 */
export async function reencryptTable(db: Db, cipher: FieldCipher, spec: EncryptedColumnsSpec, batchSize = 500, seal?: RecordSeal): Promise<ReencryptResult> {
  const result: ReencryptResult = { table: spec.table, scanned: 0, rewritten: 0, changedConcurrently: 0, plaintextLeft: 0, tampered: [], undecryptable: [] };
  const keyColumns = typeof spec.keyColumn === 'string' ? [spec.keyColumn] : [...spec.keyColumn];
  for await (const rows of keysetBatches(db, { table: spec.table, keyColumn: spec.keyColumn, batchSize })) {
    const rewrites: Array<{ row: Row; set: Record<string, string>; expect: Record<string, unknown> }> = [];
    for (const row of rows) {
      const plan = planRow(row, spec, cipher, seal);
      result.plaintextLeft += plan.plaintext;
      if (plan.kind === 'rewrite') rewrites.push({ row, set: plan.set, expect: plan.expect });
      else if (plan.kind === 'tampered') result.tampered.push(rowKey(row, spec.keyColumn));
      else if (plan.kind === 'undecryptable') result.undecryptable.push(rowKey(row, spec.keyColumn));
    }
    result.scanned += rows.length;
    if (rewrites.length === 0) continue;
    await db.transaction(async (trx) => {
      for (const { row, set, expect } of rewrites) {
        const query = trx(spec.table);
        for (const column of keyColumns) query.where(column, row[column] as string | number);
        for (const [column, old] of Object.entries(expect)) {
          if (old === null || old === undefined) query.whereNull(column);
          else query.where(column, old as string);
        }
        const updated = await query.update(set);
        if (updated === 1) result.rewritten += 1;
        else result.changedConcurrently += 1;
      }
    });
  }
  return result;
}
