import { Document } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'admin',
      order: 10,
      route: {
        path: 'audit',
        name: 'audit-log',
        component: () => import('./AuditLogView.vue'),
        meta: { title: '安全审计日志', permission: 'audit:read', icon: Document },
      },
    },
  ],
  auditActionLabels: {
    'access.denied': '越权访问',
    'audit.export': '导出审计日志',
    'audit.verify': '校验审计日志',
    'integrity.access-control': '访问控制数据完整性异常',
    'integrity.record': '业务数据完整性异常',
  },
} satisfies ConsoleFeature;
