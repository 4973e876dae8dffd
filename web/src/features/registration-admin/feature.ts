import { List, PieChart } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'registration-data',
      order: 10,
      route: {
        path: 'registrations',
        name: 'registration-data',
        component: () => import('./RegistrationSearchView.vue'),
        meta: { title: '报名数据', permission: 'registration:read', icon: List },
      },
    },
    {
      section: 'registration-data',
      order: 20,
      route: {
        path: 'statistics',
        name: 'registration-statistics',
        component: () => import('./RegistrationStatisticsView.vue'),
        meta: { title: '报名统计', permission: 'registration:read', icon: PieChart },
      },
    },
  ],
  auditActionLabels: {
    'registration.search': '查询报名数据',
    'registration.view': '查看报名详情',
    'registration.correct': '更正报名信息',
    'registration.statistics-export': '导出报名统计',
  },
} satisfies ConsoleFeature;
