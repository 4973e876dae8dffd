import type { Db } from '../db/knex';

export type KeyPart = string | number;
/** A row's key: one value, or one per column of a composite key (`user_roles`: user_id, role_code). */
export type RowKey = KeyPart | KeyPart[];
export type Row = Record<string, unknown>;

export interface KeysetScan {
  table: string;
  /** The primary key, or the columns of a composite one in index order. */
  keyColumn: string | readonly string[];
  /** Default: every column. */
  columns?: string[];
  batchSize: number;
  /** Resume after this key (exclusive). */
  after?: RowKey;
}

/**
 * Walks a table in key order, one query per batch (`where key > last order by key limit n`, with a
 * row comparison for composite keys), so a scan of millions of rows holds no long transaction or
 * cursor, uses the primary-key index, and can resume where it stopped.
 */
export async function* keysetBatches(db: Db, scan: KeysetScan): AsyncGenerator<Row[]> {
  let after = scan.after;
  for (;;) {
    const rows = (await keysetQuery(db, scan, after)) as Row[];
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < scan.batchSize) return;
    after = rowKey(rows[rows.length - 1], scan.keyColumn);
  }
}

/** One batch: `select ... where (keys) > (after) order by keys limit n`. */
export function keysetQuery(db: Db, scan: KeysetScan, after: RowKey | undefined) {
  const keyColumns = typeof scan.keyColumn === 'string' ? [scan.keyColumn] : [...scan.keyColumn];
  const query = db(scan.table).select(scan.columns ?? '*').limit(scan.batchSize);
  for (const column of keyColumns) query.orderBy(column, 'asc');
  if (after !== undefined) {
    const values = Array.isArray(after) ? after : [after];
    if (values.length !== keyColumns.length) throw new TypeError(`key of ${scan.table} has ${keyColumns.length} column(s)`);
    const placeholders = (marker: string): string => keyColumns.map(() => marker).join(', ');
    query.whereRaw(`(${placeholders('??')}) > (${placeholders('?')})`, [...keyColumns, ...values]);
  }
  return query;
}

export function rowKey(row: Row | undefined, keyColumn: string | readonly string[]): RowKey {
  const part = (column: string): KeyPart => {
    const value = row?.[column];
    if (typeof value === 'string' || typeof value === 'number') return value;
    throw new TypeError(`key column ${column} must hold a string or a number`);
  };
  return typeof keyColumn === 'string' ? part(keyColumn) : keyColumn.map(part);
}

export const formatRowKey = (key: RowKey): string => (Array.isArray(key) ? key.join('/') : String(key));
