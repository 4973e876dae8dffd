import type { Db } from '../../db/knex';
import { onPage, type PageRequest } from '../../db/paging';
import type { DeliveryStatus, MessageChannel } from '../../contracts/notifications';

export interface MessageRow {
  id: string;
  user_id: number;
  template_code: string;
  template_version: number;
  event_key: string;
  case_type: string;
  case_key: string;
  title: string;
  body: string;
  params: Record<string, string>;
  link: string | null;
  status: DeliveryStatus;
  channel: MessageChannel | null;
  platform_message_id: string | null;
  sms_requested_at: Date | null;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
  read_at: Date | null;
}

export type NewMessage = Pick<MessageRow, 'id' | 'user_id' | 'template_code' | 'template_version' | 'event_key' | 'case_type' | 'case_key' | 'title' | 'body' | 'params' | 'link'>;

const errorText = (text: string) => text.slice(0, 300);

/** Messages (`messages`): the message centre and each message's delivery; queries only. */
export class MessageRepository {
  constructor(private readonly db: Db) {}

  findByEvent(eventKey: string, templateCode: string): Promise<MessageRow | undefined> {
    return this.db<MessageRow>('messages').where({ event_key: eventKey, template_code: templateCode }).first();
  }

  /** Writes the message as pending, unless the event already has one; answers the stored message either way. */
  async insertPending(message: NewMessage): Promise<MessageRow> {
    const [inserted] = await this.db<MessageRow>('messages')
      .insert({ ...message, status: 'pending' })
      .onConflict(['event_key', 'template_code'])
      .ignore()
      .returning('*');
    return inserted ?? (await this.findByEvent(message.event_key, message.template_code))!;
  }

  /** Writes messages only the message centre carries (staff notices), in the caller's transaction; one per event and template. */
  async insertCentreOnly(trx: Db, messages: NewMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await trx<MessageRow>('messages')
      .insert(messages.map((m) => ({ ...m, status: 'centre-only' as const })))
      .onConflict(['event_key', 'template_code'])
      .ignore();
  }

  /** How the person can be reached: their 一网通办 subject (also their 随申办 user id) and bound phone (SM4). */
  contactOf(userId: number): Promise<{ ywtb_sub: string | null; bound_phone: string | null } | undefined> {
    return this.db('users').where({ id: userId }).first('ywtb_sub', 'bound_phone');
  }

  async countAttempt(id: string): Promise<void> {
    await this.db('messages').where({ id }).increment('attempts', 1);
  }

  async markSent(id: string, channel: MessageChannel, platformMessageId: string): Promise<void> {
    await this.db('messages').where({ id, status: 'pending' }).update({ status: 'sent', channel, platform_message_id: platformMessageId, sent_at: this.db.fn.now(), last_error: null });
  }

  async markCentreOnly(id: string, reason: string | null): Promise<void> {
    await this.db('messages').where({ id, status: 'pending' }).update({ status: 'centre-only', channel: null, last_error: reason && errorText(reason) });
  }

  async markUnconfirmed(id: string, reason: string): Promise<void> {
    await this.db('messages').where({ id, status: 'pending' }).update({ status: 'unconfirmed', channel: 'sms', last_error: errorText(reason) });
  }

  async recordFailure(id: string, reason: string): Promise<void> {
    await this.db('messages').where({ id }).update({ last_error: errorText(reason) });
  }

  /** Claims the one SMS this message may cause; false when an earlier attempt has already asked the platform. */
  async claimSms(id: string): Promise<boolean> {
    const claimed = await this.db('messages').where({ id, status: 'pending' }).whereNull('sms_requested_at').update({ sms_requested_at: this.db.fn.now() });
    return claimed === 1;
  }

  /** The platform certainly did not send it (refused, unreachable): a retry may ask again. */
  async releaseSms(id: string, reason: string): Promise<void> {
    await this.db('messages').where({ id }).update({ sms_requested_at: null, last_error: errorText(reason) });
  }

  async listForUser(userId: number, options: PageRequest & { unreadOnly: boolean }): Promise<{ rows: MessageRow[]; total: number; unread: number }> {
    const mine = () => {
      const q = this.db<MessageRow>('messages').where({ user_id: userId });
      return options.unreadOnly ? q.whereNull('read_at') : q;
    };
    const [rows, total, unread] = await Promise.all([
      onPage(mine().orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]), options),
      mine().count<{ count: string }[]>({ count: '*' }),
      this.countUnread(userId),
    ]);
    return { rows, total: Number(total[0]?.count ?? 0), unread };
  }

  async countUnread(userId: number): Promise<number> {
    const [row] = await this.db('messages').where({ user_id: userId }).whereNull('read_at').count<{ count: string }[]>({ count: '*' });
    return Number(row?.count ?? 0);
  }

  /** Marks one of the person's messages read (kept as first read); undefined when it is not theirs. */
  async markRead(userId: number, id: string): Promise<MessageRow | undefined> {
    await this.db('messages').where({ id, user_id: userId }).whereNull('read_at').update({ read_at: this.db.fn.now() });
    return this.db<MessageRow>('messages').where({ id, user_id: userId }).first();
  }

  async markAllRead(userId: number): Promise<void> {
    await this.db('messages').where({ user_id: userId }).whereNull('read_at').update({ read_at: this.db.fn.now() });
  }
}
