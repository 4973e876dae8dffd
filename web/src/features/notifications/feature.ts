import { Bell, ChatLineSquare } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';
import { useMessagesStore } from './messages.store';

const staffIntro = { intro: '同事催办等工作提醒会发到这里（仅站内消息）；点击消息打开相应的待办。' };

export default {
  menuPages: [
    {
      section: 'portal',
      order: 80,
      route: {
        path: 'messages',
        name: 'message-centre',
        component: () => import('./MessageCentreView.vue'),
        meta: { title: '消息中心', permission: 'registration:read-own', icon: Bell, badge: 'unread-messages' },
      },
    },
    {
      section: 'inbox',
      order: 30,
      route: {
        // Staff see the same message centre as candidates: 催办 and other work reminders (U6).
        path: 'messages',
        name: 'staff-messages',
        component: () => import('./MessageCentreView.vue'),
        props: staffIntro,
        meta: { title: '消息中心', permission: 'registration-task:complete', badge: 'unread-messages' },
      },
    },
    {
      section: 'exam-admin',
      order: 30,
      route: {
        // 催办 of their tasks and other work reminders.
        path: 'messages',
        name: 'admin-messages',
        component: () => import('./MessageCentreView.vue'),
        props: staffIntro,
        meta: { title: '消息中心', permission: 'exam:manage', badge: 'unread-messages' },
      },
    },
    {
      section: 'exam-admin',
      order: 50,
      route: {
        path: 'message-templates',
        name: 'message-templates',
        component: () => import('./MessageTemplateListView.vue'),
        meta: { title: '消息模板', permission: 'message-template:manage', icon: ChatLineSquare },
      },
    },
  ],
  auditActionLabels: {
    'message-template.update': '修改消息模板',
  },
  menuBadges: {
    // The unread count of the message centre; the centre itself sets it whenever it learns a newer one.
    'unread-messages': () => {
      const messages = useMessagesStore();
      return { count: () => messages.unread, refresh: messages.refresh, refreshMs: 60_000 };
    },
  },
} satisfies ConsoleFeature;
