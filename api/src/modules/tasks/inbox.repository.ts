import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import type { RegistrationDetailRow, RegistrationRepository } from '../registration/registration.repository';
import { escapeLike } from '../../db/escape-like';
import { REGISTRATION_CASE_TYPE } from '../../contracts/deliveries';

/** A registration of an inbox page with the task badges of that page (one query). */
type StoredCaseRow = RegistrationDetailRow & {
  urge_count: number;
  pending_cosigners: string[];
};
/** Inbox rows show no ID or phone number, so those stay encrypted and are left out. */
export type InboxCaseRow = Omit<StoredCaseRow, 'id_number' | 'phone'>;

/** The delivery of a courier task's row (快递异常处理); null on rows of registration tasks. */
export interface InboxDeliveryColumns {
  delivery_process_instance_id?: string | null;
  delivery_document_kind?: string | null;
  delivery_status?: string | null;
  delivery_waybill_no?: string | null;
  delivery_failure_reason?: string | null;
}

export type HandledRow = InboxCaseRow & { task_id: string; task_definition_key: string; handled_at: Date };
export type CcRow = InboxCaseRow & { task_id: string; sent_by: string; note: string | null; cc_at: Date };

export interface InboxFilterRow {
  id: number;
  name: string;
  query: unknown;
}


/** Inbox data kept by the application beside the engine: saved filters, 抄送, 催办, 加签, 经办. */
export class InboxRepository {
  constructor(
    private readonly db: Db,
    private readonly registrations: RegistrationRepository,
  ) {}

  /** Task ids travel as one array parameter: a page's 50 ids as 100 separate ones made planning cost more than running. */
  private caseQuery(taskIds: string[]) {
    return this.db('registrations as r')
      .join('exams as e', 'e.id', 'r.exam_id')
      .join('majors as m', 'm.code', 'r.major_code')
      .select(
        'r.*',
        'e.name as exam_name',
        'e.code as exam_code',
        'e.year as exam_year',
        'm.name as major_name',
        this.db.raw(`(select count(*)::int from task_urges u where u.process_instance_id = r.process_instance_id and u.task_id = any(?)) as urge_count`, [taskIds]),
        this.db.raw(
          `(select coalesce(json_agg(c.username order by c.id), '[]'::json) from task_cosigners c where c.process_instance_id = r.process_instance_id and c.approved_at is null and c.task_id = any(?)) as pending_cosigners`,
          [taskIds],
        ),
      );
  }

  private search(q: Knex.QueryBuilder, text: string | undefined): Knex.QueryBuilder {
    if (!text) return q;
    return q.where((w) => w.where('r.registration_no', text).orWhereILike('r.full_name', `%${escapeLike(text)}%`));
  }

  /** The one query of an inbox page (the inbox benchmark reports its plan). */
  private pageQuery(tasks: Array<{ id: string; processInstanceId: string }>) {
    return this.caseQuery(tasks.map((t) => t.id)).whereRaw('r.process_instance_id = any(?)', [[...new Set(tasks.map((t) => t.processInstanceId))]]);
  }

  /**
   * The same one query when the page has tasks of courier-delivery instances: their registration
   * through `deliveries.process_instance_id` → `business_key` (the registration number), with the
   * delivery's columns. Pages without such tasks (a reviewer's) keep the plain query.
   */
  private pageQueryWithDeliveries(tasks: Array<{ id: string; processInstanceId: string }>, deliveryInstanceIds: string[]) {
    const caseInstances = [...new Set(tasks.map((t) => t.processInstanceId).filter((id) => !deliveryInstanceIds.includes(id)))];
    return this.caseQuery(tasks.map((t) => t.id))
      .joinRaw('left join deliveries as d on d.case_type = ? and d.business_key = r.registration_no and d.process_instance_id = any(?)', [
        REGISTRATION_CASE_TYPE,
        deliveryInstanceIds,
      ])
      .select(
        'd.process_instance_id as delivery_process_instance_id',
        'd.document_kind as delivery_document_kind',
        'd.status as delivery_status',
        'd.waybill_no as delivery_waybill_no',
        'd.failure_reason as delivery_failure_reason',
      )
      .where((w) => w.whereRaw('r.process_instance_id = any(?)', [caseInstances]).orWhereNotNull('d.id'));
  }

  /**
   * The registrations of a page of tasks, with that page's urges and pending co-signers; for tasks of
   * the courier-delivery instances named, the registration the delivery belongs to and the delivery.
   */
  async casesOfTasks(tasks: Array<{ id: string; processInstanceId: string }>, deliveryInstanceIds: string[] = []): Promise<Array<InboxCaseRow & InboxDeliveryColumns>> {
    if (tasks.length === 0) return [];
    const query = deliveryInstanceIds.length ? this.pageQueryWithDeliveries(tasks, deliveryInstanceIds) : this.pageQuery(tasks);
    return this.registrations.verifyRows((await query) as Array<StoredCaseRow & InboxDeliveryColumns>);
  }

  /** Business keys of cases matching a search (registration number exactly, candidate name in part). */
  async searchBusinessKeys(text: string, limit = 500): Promise<string[]> {
    const rows = await this.search(this.db('registrations as r').whereNotNull('r.process_instance_id'), text).limit(limit).select('r.registration_no');
    return rows.map((r: { registration_no: string }) => r.registration_no);
  }

  /** 我经办的案件: my latest completed task per case, newest first. */
  async handledCases(username: string, text: string | undefined, order: 'asc' | 'desc', offset: number, limit: number): Promise<HandledRow[]> {
    const latest = this.db('task_handled')
      .distinctOn('process_instance_id')
      .where({ username })
      .whereNull('withdrawn_at')
      .orderBy([{ column: 'process_instance_id' }, { column: 'handled_at', order: 'desc' }])
      .select('process_instance_id', 'task_id', 'task_definition_key', 'handled_at')
      .as('h');
    const q = this.caseQuery([])
      .join(latest, 'h.process_instance_id', 'r.process_instance_id')
      .select('h.task_id', 'h.task_definition_key', 'h.handled_at')
      .orderBy('h.handled_at', order)
      .offset(offset)
      .limit(limit);
    return this.registrations.verifyRows((await this.search(q, text)) as Array<StoredCaseRow & Omit<HandledRow, keyof InboxCaseRow>>);
  }

  /** 抄送 to me, newest first, with the co-signatures still expected from me. */
  async ccCases(username: string, text: string | undefined, order: 'asc' | 'desc', offset: number, limit: number): Promise<CcRow[]> {
    const q = this.db('registrations as r')
      .join('exams as e', 'e.id', 'r.exam_id')
      .join('majors as m', 'm.code', 'r.major_code')
      .join('task_cc as cc', 'cc.process_instance_id', 'r.process_instance_id')
      .where('cc.recipient', username)
      .select(
        'r.*',
        'e.name as exam_name',
        'e.code as exam_code',
        'e.year as exam_year',
        'm.name as major_name',
        'cc.task_id',
        'cc.sent_by',
        'cc.note',
        'cc.created_at as cc_at',
        this.db.raw('(select count(*)::int from task_urges u where u.task_id = cc.task_id) as urge_count'),
        this.db.raw(
          `(select coalesce(json_agg(c.username order by c.id), '[]'::json) from task_cosigners c where c.task_id = cc.task_id and c.approved_at is null) as pending_cosigners`,
        ),
      )
      .orderBy('cc.created_at', order)
      .offset(offset)
      .limit(limit);
    return this.registrations.verifyRows((await this.search(q, text)) as Array<StoredCaseRow & Omit<CcRow, keyof InboxCaseRow>>);
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
