import { messagePage, messageView, unreadCount, type MessagePage, type MessageView, type UnreadCount } from '../../../../api/src/contracts/notifications';
import { getJson, postJson } from '../../api/http';

const base = '/api/me/messages';

/** 消息中心: my messages, newest first, with the unread count. */
export function listMyMessages(query: { page?: number; pageSize?: number; unreadOnly?: boolean } = {}): Promise<MessagePage> {
  const params = new URLSearchParams();
  if (query.page !== undefined) params.set('page', String(query.page));
  if (query.pageSize !== undefined) params.set('pageSize', String(query.pageSize));
  if (query.unreadOnly) params.set('unreadOnly', 'true');
  const search = params.toString();
  return getJson(search ? `${base}?${search}` : base, messagePage);
}

export function getUnreadCount(): Promise<UnreadCount> {
  return getJson(`${base}/unread-count`, unreadCount);
}

export function markMessageRead(id: string): Promise<MessageView> {
  return postJson(`${base}/${encodeURIComponent(id)}/read`, {}, messageView);
}

export function markAllMessagesRead(): Promise<UnreadCount> {
  return postJson(`${base}/read-all`, {}, unreadCount);
}
