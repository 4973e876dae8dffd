import type { Db } from '../../db/knex';

/** 催办 and 加签 of a task, shown on its inbox row. */
export interface TaskBadges {
  urgeCount: number;
  pendingCosigners: string[];
}

/** 我经办的案件: my latest completed task of a case. */
export interface HandledTaskRow {
  task_id: string;
  process_instance_id: string;
  task_definition_key: string;
  handled_at: Date;
}
/** 抄送 to me. */
export interface CcTaskRow {
  task_id: string;
  process_instance_id: string;
  sent_by: string;
  note: string | null;
  cc_at: Date;
}

export interface InboxFilterRow {
  id: number;
  name: string;
  query: unknown;
}

/**
 * Inbox data kept by the application beside the engine: saved filters, 抄送, 催办, 加签, 经办. It knows
 * tasks and instances only; the cases they belong to come from the case types.
 */
export class InboxRepository {
  constructor(private readonly db: Db) {}

  /**
   * The urges and pending co-signers of a page of tasks, in one query. Task ids travel as one array
   * parameter: a page's 50 ids as 50 separate ones made planning cost more than running.
   */
  async badges(taskIds: string[]): Promise<Map<string, TaskBadges>> {
    if (taskIds.length === 0) return new Map();
    const { rows } = await this.db.raw<{ rows: Array<{ task_id: string; urge_count: number; pending_cosigners: string[] }> }>(
      `select t.id as task_id,
              (select count(*)::int from task_urges u where u.task_id = t.id) as urge_count,
              (select coalesce(json_agg(c.username order by c.id), '[]'::json) from task_cosigners c where c.task_id = t.id and c.approved_at is null) as pending_cosigners
         from unnest(?::text[]) as t(id)`,
      [taskIds],
    );
    return new Map(rows.map((r) => [r.task_id, { urgeCount: Number(r.urge_count), pendingCosigners: r.pending_cosigners }]));
  }

  /** 我经办的案件: my latest completed task per case, newest first; only the instances named, when a search named some. */
  handledTasks(username: string, instanceIds: string[] | undefined, order: 'asc' | 'desc', offset: number, limit: number): Promise<HandledTaskRow[]> {
    const latest = this.db('task_handled')
      .distinctOn('process_instance_id')
      .where({ username })
      .whereNull('withdrawn_at')
      .modify((q) => {
        if (instanceIds) q.whereRaw('process_instance_id = any(?)', [instanceIds]);
      })
      .orderBy([{ column: 'process_instance_id' }, { column: 'handled_at', order: 'desc' }])
      .select('process_instance_id', 'task_id', 'task_definition_key', 'handled_at')
      .as('h');
    return this.db.from(latest).select('*').orderBy('h.handled_at', order).offset(offset).limit(limit);
  }

  /** 抄送 to me, newest first; only the instances named, when a search named some. */
  ccTasks(username: string, instanceIds: string[] | undefined, order: 'asc' | 'desc', offset: number, limit: number): Promise<CcTaskRow[]> {
    return this.db('task_cc as cc')
      .where('cc.recipient', username)
      .modify((q) => {
        if (instanceIds) q.whereRaw('cc.process_instance_id = any(?)', [instanceIds]);
      })
      .select('cc.task_id', 'cc.process_instance_id', 'cc.sent_by', 'cc.note', 'cc.created_at as cc_at')
      .orderBy('cc.created_at', order)
      .offset(offset)
      .limit(limit);
  }

  async recordHandled(row: { taskId: string; processInstanceId: string; taskDefinitionKey: string; username: string; outcome: string }): Promise<void> {
    await this.db('task_handled')
      .insert({ task_id: row.taskId, process_instance_id: row.processInstanceId, task_definition_key: row.taskDefinitionKey, username: row.username, outcome: row.outcome })
      .onConflict('task_id')
      .ignore();
  }

  handledTask(
    taskId: string,
  ): Promise<{ task_id: string; process_instance_id: string; task_definition_key: string; username: string; outcome: string; handled_at: Date; withdrawn_at: Date | null } | undefined> {
    return this.db('task_handled').where({ task_id: taskId }).first();
  }

  async markWithdrawn(taskId: string): Promise<void> {
    await this.db('task_handled').where({ task_id: taskId }).update({ withdrawn_at: this.db.fn.now() });
  }

  async addCc(taskId: string, processInstanceId: string, recipients: string[], sentBy: string, note: string | null): Promise<void> {
    await this.db('task_cc')
      .insert(recipients.map((recipient) => ({ task_id: taskId, process_instance_id: processInstanceId, recipient, sent_by: sentBy, note })))
      .onConflict(['task_id', 'recipient'])
      .merge(['note', 'sent_by']);
  }

  /** Records an urge in the caller's transaction; its id. */
  async addUrge(trx: Db, taskId: string, processInstanceId: string, urgedBy: string, notified: string, note: string | null): Promise<number> {
    const [row] = await trx('task_urges').insert({ task_id: taskId, process_instance_id: processInstanceId, urged_by: urgedBy, notified, note }).returning('id');
    return Number((row as { id: number | string }).id);
  }

  /** Serialises the urges of one person on one task until the transaction ends. */
  async lockUrges(trx: Db, taskId: string, urgedBy: string): Promise<void> {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`task-urge:${taskId}:${urgedBy}`]);
  }

  /** When the user last urged the task, if within the last `minutes` (database time). */
  async recentUrge(trx: Db, taskId: string, urgedBy: string, minutes: number): Promise<Date | undefined> {
    const row = await trx('task_urges')
      .where({ task_id: taskId, urged_by: urgedBy })
      .andWhere('created_at', '>', trx.raw(`now() - make_interval(mins => ?)`, [minutes]))
      .orderBy('created_at', 'desc')
      .first<{ created_at: Date } | undefined>('created_at');
    return row?.created_at;
  }

  urges(taskId: string): Promise<Array<{ urged_by: string; notified: string; note: string | null; created_at: Date }>> {
    return this.db('task_urges').where({ task_id: taskId }).orderBy('id').select('urged_by', 'notified', 'note', 'created_at');
  }

  /** Adds a co-signer; false when they were already added. */
  async addCosigner(taskId: string, processInstanceId: string, username: string, addedBy: string): Promise<boolean> {
    const rows = await this.db('task_cosigners')
      .insert({ task_id: taskId, process_instance_id: processInstanceId, username, added_by: addedBy })
      .onConflict(['task_id', 'username'])
      .ignore()
      .returning('id');
    return rows.length > 0;
  }

  cosigners(taskId: string): Promise<Array<{ username: string; added_by: string; comment: string | null; approved_at: Date | null }>> {
    return this.db('task_cosigners').where({ task_id: taskId }).orderBy('id').select('username', 'added_by', 'comment', 'approved_at');
  }

  /** Records a co-signer's approval; false when they are not a pending co-signer of the task. */
  async approveCosign(taskId: string, username: string, comment: string): Promise<boolean> {
    const n = await this.db('task_cosigners').where({ task_id: taskId, username }).whereNull('approved_at').update({ comment, approved_at: this.db.fn.now() });
    return n > 0;
  }

  async filters(userId: number): Promise<InboxFilterRow[]> {
    const rows: Array<{ id: string | number; name: string; query: unknown }> = await this.db('inbox_filters').where({ user_id: userId }).orderBy('id').select('id', 'name', 'query');
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  /** Saves (or overwrites, by name) a filter of the user. */
  async saveFilter(userId: number, name: string, query: object): Promise<InboxFilterRow> {
    const [row] = await this.db('inbox_filters')
      .insert({ user_id: userId, name, query: JSON.stringify(query) })
      .onConflict(['user_id', 'name'])
      .merge(['query'])
      .returning(['id', 'name', 'query']);
    const saved = row as { id: string | number; name: string; query: unknown };
    return { ...saved, id: Number(saved.id) };
  }

  async deleteFilter(userId: number, id: number): Promise<boolean> {
    return (await this.db('inbox_filters').where({ user_id: userId, id }).delete()) > 0;
  }
}
