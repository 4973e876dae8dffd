import type { Db } from '../../db/knex';

export interface TaskAttachmentRow {
  id: string;
  task_id: string;
  task_name: string | null;
  process_instance_id: string;
  business_key: string | null;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: number;
  created_at: Date;
}

/** A listed attachment: the row without its bytes, with the uploader's names. */
export type TaskAttachmentMetaRow = TaskAttachmentRow & { uploader_username: string; uploader_name: string };

export type NewTaskAttachment = Omit<TaskAttachmentRow, 'created_at'> & { content: Buffer };

const META = [
  'a.id',
  'a.task_id',
  'a.task_name',
  'a.process_instance_id',
  'a.business_key',
  'a.file_name',
  'a.mime_type',
  'a.size_bytes',
  'a.sha256',
  'a.uploaded_by',
  'a.created_at',
  'u.username as uploader_username',
  'u.display_name as uploader_name',
];

/** `task_attachments`: files attached to tasks (U6). Queries only; who may see them is the service's business. */
export class TaskAttachmentRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts unless the task already has `max` attachments; the task's rows are locked first, so two
   * uploads at once cannot both pass the count. False when the limit is reached.
   */
  async insert(row: NewTaskAttachment, max: number): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`task-attachments:${row.task_id}`]);
      const [counted] = await trx('task_attachments').where({ task_id: row.task_id }).count<Array<{ count: string }>>({ count: '*' });
      if (Number(counted?.count ?? 0) >= max) return false;
      await trx('task_attachments').insert(row);
      return true;
    });
  }

  ofTask(taskId: string): Promise<TaskAttachmentMetaRow[]> {
    return this.meta().where('a.task_id', taskId).orderBy([{ column: 'a.created_at' }, { column: 'a.id' }]);
  }

  /** Attachments of every task of a case (its business key), oldest first. */
  ofBusinessKey(businessKey: string): Promise<TaskAttachmentMetaRow[]> {
    return this.meta().where('a.business_key', businessKey).orderBy([{ column: 'a.created_at' }, { column: 'a.id' }]);
  }

  one(taskId: string, id: string): Promise<TaskAttachmentMetaRow | undefined> {
    return this.meta().where({ 'a.task_id': taskId, 'a.id': id }).first();
  }

  async content(taskId: string, id: string): Promise<Buffer | undefined> {
    const row = await this.db('task_attachments').where({ task_id: taskId, id }).first<{ content: Buffer } | undefined>('content');
    return row?.content;
  }

  async hasUploaded(taskId: string, userId: number): Promise<boolean> {
    return !!(await this.db('task_attachments').where({ task_id: taskId, uploaded_by: userId }).first('id'));
  }

  async remove(taskId: string, id: string, uploadedBy: number): Promise<boolean> {
    return (await this.db('task_attachments').where({ task_id: taskId, id, uploaded_by: uploadedBy }).delete()) > 0;
  }

  private meta() {
    return this.db('task_attachments as a').join('users as u', 'u.id', 'a.uploaded_by').select<TaskAttachmentMetaRow[]>(META);
  }
}
