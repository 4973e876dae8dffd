import { Reading } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'portal',
      order: 30,
      route: {
        path: 'guide',
        name: 'exam-guide',
        component: () => import('./GuideView.vue'),
        meta: { title: '报考指南', permission: 'registration:create', icon: Reading },
      },
    },
  ],
  auditActionLabels: {
    'guide.confirm': '确认已阅读报考指南',
  },
} satisfies ConsoleFeature;
