import type { Db } from '../../db/knex';
import type { MessageChannel } from '../../contracts/notifications';

export interface MessageTemplateRow {
  code: string;
  case_type: string;
  title: string;
  body: string;
  channels: MessageChannel[];
  params: string[];
  version: number;
  updated_by: number | null;
  updated_at: Date;
  /** Username of `updated_by` (joined). */
  updated_by_username: string | null;
}

export interface MessageTemplateChange {
  title: string;
  body: string;
  channels: MessageChannel[];
}

/** Message templates (`message_templates`); queries only. */
export class MessageTemplateRepository {
  constructor(private readonly db: Db) {}

  private query() {
    return this.db<MessageTemplateRow>('message_templates as t')
      .leftJoin('users as u', 'u.id', 't.updated_by')
      .select('t.*', 'u.username as updated_by_username');
  }

  list(): Promise<MessageTemplateRow[]> {
    return this.query().orderBy('t.code');
  }

  find(code: string): Promise<MessageTemplateRow | undefined> {
    return this.query().where('t.code', code).first();
  }

  /** Saves a change when the stored version is still `expectedVersion`; false when someone saved in between. */
  async update(code: string, expectedVersion: number, change: MessageTemplateChange, userId: number): Promise<boolean> {
    const updated = await this.db('message_templates')
      .where({ code, version: expectedVersion })
      .update({ title: change.title, body: change.body, channels: change.channels, version: this.db.raw('version + 1'), updated_by: userId, updated_at: this.db.fn.now() });
    return updated === 1;
  }
}
