import type { Knex } from 'knex';
import type { Db } from '../db/knex';

/** The tables of SMS one-time codes; both have one row per code, keyed by `id`, with the same columns. */
export type OneTimeCodeTable = 'login_challenges' | 'phone_bind_codes';

export interface NewOneTimeCode {
  id: string;
  user_id: number;
  code_hash: string;
  /** phone_bind_codes only: the phone as SM4 ciphertext and its blind index. */
  phone?: string;
  phone_idx?: string;
}

export type ClosedReason = 'superseded' | 'verified' | 'disabled';

export interface StoredCodeRow {
  id: string;
  user_id: number;
  code_hash: string;
  attempts: number;
  consumed_at: Date | null;
  closed_reason: string | null;
  /** `expires_at <= now()` by the database clock. */
  expired: boolean;
}

/** Stored SMS codes of sign-in (`login_challenges`) and phone binding (`phone_bind_codes`). */
export class OneTimeCodeRepository {
  constructor(
    protected readonly db: Db,
    readonly table: OneTimeCodeTable,
  ) {}

  /** Seconds since the newest code that matches `where` was created (undefined: none yet). */
  async secondsSinceLast(trx: Knex.Transaction, where: { user_id: number } | { phone_idx: string }): Promise<number | undefined> {
    const last = await trx(this.table)
      .where(where)
      .orderBy('created_at', 'desc')
      .first<{ age: number } | undefined>(trx.raw('extract(epoch from now() - created_at)::float8 as age'));
    return last?.age;
  }

  /** Closes every open code of the user. */
  async closeOpen(trx: Knex.Transaction, userId: number, reason: ClosedReason): Promise<void> {
    await trx(this.table).where({ user_id: userId }).whereNull('consumed_at').update({ consumed_at: trx.fn.now(), closed_reason: reason });
  }

  async insert(trx: Knex.Transaction, code: NewOneTimeCode, ttlSeconds: number): Promise<void> {
    await trx(this.table).insert({ ...code, attempts: 0, expires_at: trx.raw('now() + make_interval(secs => ?)', [ttlSeconds]) });
  }

  /** A code by its id, locked until the transaction ends (tries are counted one at a time). */
  lockedById(trx: Knex.Transaction, id: string): Promise<StoredCodeRow | undefined> {
    return trx(this.table)
      .where({ id })
      .forUpdate()
      .first<StoredCodeRow | undefined>('id', 'user_id', 'code_hash', 'attempts', 'consumed_at', 'closed_reason', trx.raw('expires_at <= now() as expired'));
  }

  async setAttempts(trx: Knex.Transaction, id: string, attempts: number): Promise<void> {
    await trx(this.table).where({ id }).update({ attempts });
  }

  async close(trx: Knex.Transaction, id: string, reason: ClosedReason): Promise<void> {
    await trx(this.table).where({ id }).update({ consumed_at: trx.fn.now(), closed_reason: reason });
  }

  /** A code that was never delivered: gone, so the user may ask again at once. */
  async withdraw(id: string): Promise<void> {
    await this.db(this.table).where({ id }).delete();
  }

  /** Codes finished more than a day ago. */
  async pruneFinished(): Promise<void> {
    await this.db(this.table).where('expires_at', '<', this.db.raw("now() - interval '1 day'")).delete();
  }
}
