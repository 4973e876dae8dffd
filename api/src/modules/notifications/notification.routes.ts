import {
  messageListQuery,
  messagePage,
  messageParams,
  messageTemplateParams,
  messageTemplateView,
  messageView,
  unreadCount,
  updateMessageTemplateRequest,
} from '../../contracts/notifications';
import type { ApiRoutes } from '../../http/route';
import type { MessageCentreService } from './message-centre.service';
import type { MessageTemplateService } from './message-template.service';

/** Message templates (admins) and the message centre (everyone, their own messages only). G5. */
export function notificationRoutes(api: ApiRoutes, templates: MessageTemplateService, centre: MessageCentreService): void {
  api.define(
    {
      method: 'get',
      path: '/message-templates',
      summary: '消息模板列表',
      tag: 'notifications',
      access: { permission: 'message-template:manage' },
      response: messageTemplateView.array(),
    },
    () => templates.list(),
  );
  api.define(
    {
      method: 'get',
      path: '/message-templates/:code',
      summary: '消息模板详情',
      tag: 'notifications',
      access: { permission: 'message-template:manage' },
      params: messageTemplateParams,
      response: messageTemplateView,
    },
    ({ params }) => templates.get(params.code),
  );
  api.define(
    {
      method: 'put',
      path: '/message-templates/:code',
      summary: '修改消息模板（标题、内容、发送渠道）',
      tag: 'notifications',
      access: { permission: 'message-template:manage' },
      params: messageTemplateParams,
      body: updateMessageTemplateRequest,
      response: messageTemplateView,
      audit: { action: 'message-template.update', objectType: 'message-template', objectId: (view) => view.params?.code },
    },
    ({ user, params, body }) => templates.update(user, params.code, body),
  );

  api.define(
    {
      method: 'get',
      path: '/me/messages',
      summary: '消息中心：我的消息（分页，含未读数）',
      tag: 'notifications',
      access: { authenticated: true },
      query: messageListQuery,
      response: messagePage,
    },
    ({ user, query }) => centre.list(user.id, query),
  );
  api.define(
    { method: 'get', path: '/me/messages/unread-count', summary: '消息中心：未读消息数', tag: 'notifications', access: { authenticated: true }, response: unreadCount },
    ({ user }) => centre.unread(user.id),
  );
  api.define(
    { method: 'post', path: '/me/messages/read-all', summary: '消息中心：全部标为已读', tag: 'notifications', access: { authenticated: true }, response: unreadCount },
    ({ user }) => centre.markAllRead(user.id),
  );
  api.define(
    {
      method: 'post',
      path: '/me/messages/:id/read',
      summary: '消息中心：标为已读',
      tag: 'notifications',
      access: { authenticated: true },
      params: messageParams,
      response: messageView,
    },
    ({ user, params }) => centre.markRead(user.id, params.id),
  );
}
