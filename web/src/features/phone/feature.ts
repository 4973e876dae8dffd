import { Iphone } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'portal',
      order: 60,
      route: {
        path: 'phone',
        name: 'phone-binding',
        component: () => import('./PhoneBindingView.vue'),
        meta: { title: '绑定手机', permission: 'registration:create', icon: Iphone },
      },
    },
  ],
  auditActionLabels: {
    'phone.code-request': '发送绑定手机验证码',
    'phone.bind': '绑定手机',
  },
} satisfies ConsoleFeature;
