import { Grid } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'processes',
      order: 30,
      route: {
        path: 'forms',
        name: 'task-form-designer',
        component: () => import('./FormDesignerView.vue'),
        meta: { title: '表单设计', permission: 'process:read', icon: Grid },
      },
    },
  ],
  auditActionLabels: {
    'task-form.create': '新建办理表单',
    'task-form.version': '保存办理表单新版本',
    'task-form.complete': '按表单办理待办',
  },
} satisfies ConsoleFeature;
