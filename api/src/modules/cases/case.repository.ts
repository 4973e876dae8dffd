import type { Db } from '../../db/knex';

/** Queries the case view needs beyond the case's own module: names of handlers. */
export class CaseRepository {
  constructor(private readonly db: Db) {}

  /** Display names by username (one query for every handler of a case). */
  async displayNames(usernames: string[]): Promise<Map<string, string>> {
    if (usernames.length === 0) return new Map();
    const rows = await this.db('users').whereIn('username', [...new Set(usernames)]).select<Array<{ username: string; display_name: string }>>('username', 'display_name');
    return new Map(rows.map((r) => [r.username, r.display_name]));
  }
}
