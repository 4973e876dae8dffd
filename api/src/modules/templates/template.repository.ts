import type { Knex } from 'knex';
import type { TemplateVersionStatus } from '../../contracts/templates';
import type { Db } from '../../db/knex';

export interface TemplateVersionRow {
  id: number;
  code: string;
  version: number;
  body: string;
  status: TemplateVersionStatus;
  change_note: string;
  created_by: number;
  created_at: Date;
  updated_at: Date;
  published_by: number | null;
  published_at: Date | null;
}

/** A version without its body, with the display names of who created and published it. */
export type TemplateVersionMetaRow = Omit<TemplateVersionRow, 'body'> & { created_by_name: string; published_by_name: string | null };
export type TemplateVersionFullRow = TemplateVersionMetaRow & { body: string };

export interface TemplateCodeStats {
  code: string;
  latest_version: number;
  draft_count: number;
}

const META_COLUMNS = [
  't.id',
  't.code',
  't.version',
  't.status',
  't.change_note',
  't.created_by',
  't.created_at',
  't.updated_at',
  't.published_by',
  't.published_at',
  'c.display_name as created_by_name',
  'p.display_name as published_by_name',
];

export type DraftChange = 'done' | 'not-draft' | 'missing';
export type PublishOutcome = 'published' | 'already-published' | 'missing';

/** `document_templates`: numbered versions per template code; at most one published per code. */
export class TemplateRepository {
  constructor(private readonly db: Db) {}

  /** The published version of a code, or undefined (the built-in file is in use). One index lookup. */
  async publishedVersion(code: string): Promise<number | undefined> {
    const row = await this.db('document_templates').where({ code, status: 'published' }).first<{ version: number } | undefined>('version');
    return row?.version;
  }

  async body(code: string, version: number): Promise<string | undefined> {
    const row = await this.db('document_templates').where({ code, version }).first<{ body: string } | undefined>('body');
    return row?.body;
  }

  /** Newest version number and number of drafts of every code that has versions. */
  async stats(): Promise<TemplateCodeStats[]> {
    const rows: Array<{ code: string; latest_version: number; draft_count: string | number }> = await this.db('document_templates')
      .groupBy('code')
      .select('code', this.db.raw('max(version)::int as latest_version'), this.db.raw(`count(*) filter (where status = 'draft')::int as draft_count`));
    return rows.map((r) => ({ code: r.code, latest_version: r.latest_version, draft_count: Number(r.draft_count) }));
  }

  /** The published version of every code that has one. */
  published(): Promise<TemplateVersionMetaRow[]> {
    return this.meta().where('t.status', 'published');
  }

  /** Every version of a code, newest first. */
  versions(code: string): Promise<TemplateVersionMetaRow[]> {
    return this.meta().where('t.code', code).orderBy('t.version', 'desc');
  }

  find(code: string, version: number): Promise<TemplateVersionFullRow | undefined> {
    return this.meta().where({ 't.code': code, 't.version': version }).first<TemplateVersionFullRow | undefined>('t.body');
  }

  /** Stores a new draft with the next version number of the code; returns that number. */
  insertDraft(code: string, body: string, changeNote: string, userId: number): Promise<number> {
    return this.db.transaction(async (trx) => {
      await lockCode(trx, code);
      const row = await trx('document_templates').where({ code }).first<{ latest: number | null }>(trx.raw('max(version)::int as latest'));
      const version = (row?.latest ?? 0) + 1;
      await trx('document_templates').insert({ code, version, body, status: 'draft', change_note: changeNote, created_by: userId });
      return version;
    });
  }

  /** Replaces the body and note of a draft; published and retired versions never change. */
  async updateDraft(code: string, version: number, body: string, changeNote: string): Promise<DraftChange> {
    const updated = await this.db('document_templates')
      .where({ code, version, status: 'draft' })
      .update({ body, change_note: changeNote, updated_at: this.db.fn.now() });
    return updated > 0 ? 'done' : this.whyNotDraft(code, version);
  }

  async deleteDraft(code: string, version: number): Promise<DraftChange> {
    const deleted = await this.db('document_templates').where({ code, version, status: 'draft' }).delete();
    return deleted > 0 ? 'done' : this.whyNotDraft(code, version);
  }

  /**
   * Makes a version the published one of its code; the one published before is retired. Publishing a
   * retired version again is a rollback. One transaction, serialised per code.
   */
  publish(code: string, version: number, userId: number): Promise<PublishOutcome> {
    return this.db.transaction(async (trx) => {
      await lockCode(trx, code);
      const target = await trx('document_templates').where({ code, version }).first<{ status: TemplateVersionStatus } | undefined>('status');
      if (!target) return 'missing';
      if (target.status === 'published') return 'already-published';
      await trx('document_templates').where({ code, status: 'published' }).update({ status: 'retired', updated_at: trx.fn.now() });
      await trx('document_templates')
        .where({ code, version })
        .update({ status: 'published', published_by: userId, published_at: trx.fn.now(), updated_at: trx.fn.now() });
      return 'published';
    });
  }

  private async whyNotDraft(code: string, version: number): Promise<DraftChange> {
    const row = await this.db('document_templates').where({ code, version }).first('id');
    return row ? 'not-draft' : 'missing';
  }

  private meta(): Knex.QueryBuilder {
    return this.db('document_templates as t')
      .join('users as c', 'c.id', 't.created_by')
      .leftJoin('users as p', 'p.id', 't.published_by')
      .select(META_COLUMNS);
  }
}

/** Serialises numbering and publishing of one code across API and worker processes. */
async function lockCode(trx: Knex.Transaction, code: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`document_templates:${code}`]);
}
