import type { Db } from '../db/knex';

/** `login_nonces`: the nonce of every sign-in ciphertext seen, so that each works once. */
export class LoginNonceRepository {
  constructor(private readonly db: Db) {}

  /** False when the nonce was seen before (a replay). */
  async remember(nonce: string, expiresAt: Date): Promise<boolean> {
    const inserted = await this.db('login_nonces').insert({ nonce, expires_at: expiresAt }).onConflict('nonce').ignore().returning('nonce');
    return inserted.length > 0;
  }

  async pruneExpired(now: Date): Promise<void> {
    await this.db('login_nonces').where('expires_at', '<', now).delete();
  }
}
