import { Van } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'portal',
      order: 70,
      route: {
        path: 'deliveries',
        name: 'my-deliveries',
        component: () => import('./MyDeliveriesView.vue'),
        meta: { title: '证照快递', permission: 'registration:read-own', icon: Van },
      },
    },
  ],
  auditActionLabels: {
    'delivery.create': '申请证照快递',
    'courier.callback': '快递平台回调（被拒绝）',
  },
} satisfies ConsoleFeature;
