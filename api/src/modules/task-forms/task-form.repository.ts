import type { Db } from '../../db/knex';
import type { FormJsSchema } from '../../contracts/task-forms';

export interface TaskFormRow {
  id: number;
  form_key: string;
  version: number;
  name: string;
  schema: FormJsSchema;
  created_by: string;
  created_at: Date;
}

export class TaskFormRepository {
  constructor(private readonly db: Db) {}

  /** Newest version of every form, with how many versions it has. */
  async latestVersions(): Promise<Array<TaskFormRow & { versions: number }>> {
    const rows = await this.db<TaskFormRow>('task_forms as f')
      .select('f.*', this.db.raw('(select count(*)::int from task_forms c where c.form_key = f.form_key) as versions'))
      .whereRaw('f.version = (select max(m.version) from task_forms m where m.form_key = f.form_key)')
      .orderBy('f.form_key');
    return rows as Array<TaskFormRow & { versions: number }>;
  }

  /** One version, or the newest when `version` is omitted. */
  find(key: string, version?: number): Promise<TaskFormRow | undefined> {
    const q = this.db<TaskFormRow>('task_forms').where({ form_key: key });
    return (version === undefined ? q.orderBy('version', 'desc') : q.andWhere({ version })).first();
  }

  async keys(): Promise<ReadonlySet<string>> {
    return new Set(await this.db('task_forms').distinct('form_key').pluck('form_key'));
  }

  /**
   * Stores the next version of a form (1 for a new key) in one statement, so two saves at once get
   * different versions or one fails on the unique key.
   */
  async insertVersion(row: { form_key: string; name: string; schema: FormJsSchema; created_by: string }): Promise<TaskFormRow> {
    const [stored] = await this.db<TaskFormRow>('task_forms')
      .insert({
        form_key: row.form_key,
        name: row.name,
        schema: JSON.stringify(row.schema) as unknown as FormJsSchema,
        created_by: row.created_by,
        version: this.db.raw('(select coalesce(max(version), 0) + 1 from task_forms where form_key = ?)', [row.form_key]) as unknown as number,
      })
      .returning('*');
    if (!stored) throw new Error(`task form ${row.form_key} not stored`);
    return stored;
  }
}
