import { Avatar } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'portal',
      order: 50,
      route: {
        path: 'photo',
        name: 'photo',
        component: () => import('./PhotoView.vue'),
        meta: { title: '证件照片', permission: 'registration:create', icon: Avatar },
      },
    },
  ],
  auditActionLabels: {
    'photo.upload': '上传证件照片',
  },
} satisfies ConsoleFeature;
