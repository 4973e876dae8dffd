import { Files } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'exam-admin',
      order: 10,
      route: {
        path: 'templates',
        name: 'templates',
        component: () => import('./TemplateListView.vue'),
        meta: { title: '模板管理', permission: 'exam:read', icon: Files },
      },
    },
    {
      section: 'exam-admin',
      order: 40,
      route: {
        path: 'templates/:code',
        name: 'template-editor',
        component: () => import('./TemplateEditorView.vue'),
        props: true,
        meta: { title: '编辑模板', permission: 'exam:read', hidden: true, activeMenu: '/exam-admin/templates' },
      },
    },
  ],
  auditActionLabels: {
    'template.draft-create': '保存模板草稿',
    'template.draft-update': '修改模板草稿',
    'template.draft-delete': '删除模板草稿',
    'template.publish': '发布模板版本',
  },
} satisfies ConsoleFeature;
