import { Monitor } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'admin',
      order: 20,
      route: {
        path: 'operations',
        name: 'operations',
        component: () => import('./OperationsView.vue'),
        meta: { title: '运维监控', permission: 'system:monitor', icon: Monitor },
      },
    },
  ],
  consolePages: [
    {
      // Candidates, the exam's reviewers and exam admins; the API applies the data scope.
      path: 'cases/:businessKey',
      name: 'case-view',
      component: () => import('./CaseView.vue'),
      props: true,
      meta: { title: '案件视图', hidden: true },
    },
  ],
  auditActionLabels: {
    'incident.retry': '重试流程异常',
  },
} satisfies ConsoleFeature;
