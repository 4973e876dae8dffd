import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import { OneTimeCodeRepository } from '../../auth/one-time-code.repository';

export interface PhoneBindCodeRow {
  id: string;
  /** SM4 ciphertext of the phone the code was sent to, and its blind index. */
  phone: string;
  phone_idx: string;
  code_hash: string;
  attempts: number;
  expired: boolean;
}

/** The codes of phone binding (M08): those of every SMS code, plus the phone they were sent to. */
export class PhoneBindCodeRepository extends OneTimeCodeRepository {
  constructor(db: Db) {
    super(db, 'phone_bind_codes');
  }

  /** The user's latest open code, locked until the transaction ends. */
  latestOpenLocked(trx: Knex.Transaction, userId: number): Promise<PhoneBindCodeRow | undefined> {
    return trx(this.table)
      .where({ user_id: userId })
      .whereNull('consumed_at')
      .orderBy('created_at', 'desc')
      .forUpdate()
      .first<PhoneBindCodeRow | undefined>('id', 'phone', 'phone_idx', 'code_hash', 'attempts', trx.raw('expires_at <= now() as expired'));
  }
}
