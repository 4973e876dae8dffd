import type { MessagePage, MessageView } from '../../contracts/notifications';
import { notFound } from '../../http/errors';
import type { MessageRepository, MessageRow } from './message.repository';

const text = { notFound: '消息不存在' };

function view(row: MessageRow): MessageView {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    link: row.link,
    caseType: row.case_type,
    caseKey: row.case_key,
    channel: row.channel,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at?.toISOString() ?? null,
  };
}

/** 消息中心: a person's own messages, newest first, and which they have read. Nobody reads another's. */
export class MessageCentreService {
  constructor(private readonly messages: MessageRepository) {}

  async list(userId: number, query: { page: number; pageSize: number; unreadOnly: boolean }): Promise<MessagePage> {
    const { rows, total, unread } = await this.messages.listForUser(userId, query);
    return { items: rows.map(view), total, unread, page: query.page, pageSize: query.pageSize };
  }

  async unread(userId: number): Promise<{ unread: number }> {
    return { unread: await this.messages.countUnread(userId) };
  }

  /** Another person's message answers "not found", as one that does not exist. */
  async markRead(userId: number, id: string): Promise<MessageView> {
    const row = await this.messages.markRead(userId, id);
    if (!row) throw notFound(text.notFound);
    return view(row);
  }

  async markAllRead(userId: number): Promise<{ unread: number }> {
    await this.messages.markAllRead(userId);
    return this.unread(userId);
  }
}
