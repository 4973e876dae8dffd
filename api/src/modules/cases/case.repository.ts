import type { Db } from '../../db/knex';

/** Queries the case view needs beyond the registration module: names of handlers, the e-receipt. */
export class CaseRepository {
  constructor(private readonly db: Db) {}

  /** Display names by username (one query for every handler of a case). */
  async displayNames(usernames: string[]): Promise<Map<string, string>> {
    if (usernames.length === 0) return new Map();
    const rows = await this.db('users').whereIn('username', [...new Set(usernames)]).select<Array<{ username: string; display_name: string }>>('username', 'display_name');
    return new Map(rows.map((r) => [r.username, r.display_name]));
  }

  /** The latest e-receipt issued for the registration's payment, if any. */
  latestReceipt(registrationId: number): Promise<{ receipt_no: string; issued_at: Date } | undefined> {
    return this.db('e_receipts as e')
      .join('payment_orders as o', 'o.id', 'e.payment_order_id')
      .where('o.registration_id', registrationId)
      .orderBy('e.id', 'desc')
      .first<{ receipt_no: string; issued_at: Date } | undefined>('e.receipt_no', 'e.issued_at');
  }
}
