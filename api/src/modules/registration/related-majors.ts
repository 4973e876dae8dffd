import type { Db } from '../../db/knex';

/** The configurable list of majors that count as "safety engineering or related" (DOMAIN.md). */
export class RelatedMajors {
  constructor(private readonly db: Db) {}

  list(): Promise<string[]> {
    return this.db('related_majors').orderBy('name').pluck('name');
  }

  async replace(names: string[]): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx('related_majors').delete();
      if (names.length) await trx('related_majors').insert(names.map((name) => ({ name })));
    });
  }
}

/** A studied major is related when it names a listed major (e.g. "安全工程（化工方向）" → 安全工程). */
export function isRelatedMajor(major: string, related: readonly string[]): boolean {
  const m = major.replace(/\s+/g, '');
  return related.some((r) => m.includes(r));
}
