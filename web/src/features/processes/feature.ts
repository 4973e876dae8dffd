import { Finished, Share, Switch } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'processes',
      order: 10,
      route: {
        path: 'models',
        name: 'process-models',
        component: () => import('./ProcessListView.vue'),
        meta: { title: '流程模型', permission: 'process:read', icon: Share },
      },
    },
    {
      section: 'processes',
      order: 20,
      route: {
        path: 'models/:processKey',
        name: 'process-designer',
        component: () => import('./ProcessDesignerView.vue'),
        props: true,
        meta: { title: '流程设计', permission: 'process:read', hidden: true, activeMenu: '/processes/models' },
      },
    },
    {
      section: 'processes',
      order: 40,
      route: {
        path: 'decisions',
        name: 'decision-editor',
        component: () => import('./DecisionEditorView.vue'),
        meta: { title: '决策表', permission: 'process:read', icon: Finished },
      },
    },
    {
      section: 'processes',
      order: 50,
      route: {
        path: 'migrations',
        name: 'process-migration',
        component: () => import('./ProcessMigrationView.vue'),
        meta: { title: '流程迁移', permission: 'process:deploy', icon: Switch },
      },
    },
  ],
  auditActionLabels: {
    'process.deploy': '部署流程',
    'process.model.deploy': '部署流程新版本',
    'process.model.rollback': '回滚流程版本',
    'process.migration.execute': '迁移运行中的流程实例',
    'decision.deploy': '部署决策表新版本',
  },
} satisfies ConsoleFeature;
