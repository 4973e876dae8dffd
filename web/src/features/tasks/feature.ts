import { Setting, Stamp } from '@element-plus/icons-vue';
import type { ConsoleFeature } from '../../feature';

export default {
  menuPages: [
    {
      section: 'inbox',
      order: 10,
      route: {
        path: 'review',
        name: 'review-inbox',
        component: () => import('./ReviewInboxView.vue'),
        // Reviewers' entry (they decide 资格审核); exam admins read and claim tasks too, from 考务管理 › 我的待办.
        meta: { title: '资格审核待办', permission: 'registration-task:complete' },
      },
    },
    {
      section: 'inbox',
      order: 20,
      route: {
        path: 'conflicts',
        name: 'reviewer-conflicts',
        component: () => import('./ReviewerConflictsView.vue'),
        meta: { title: '回避申报', permission: 'registration-task:complete' },
      },
    },
    {
      section: 'exam-admin',
      order: 20,
      route: {
        // The exam admin's role inbox (U5): 快递异常处理 and any task offered to the exam-admin group.
        path: 'inbox',
        name: 'admin-inbox',
        component: () => import('./ReviewInboxView.vue'),
        props: { title: '我的待办' },
        meta: { title: '我的待办', permission: 'exam:manage', icon: Stamp },
      },
    },
    {
      section: 'exam-admin',
      order: 60,
      route: {
        path: 'review-settings',
        name: 'review-settings',
        component: () => import('./ReviewSettingsView.vue'),
        meta: { title: '资格审核设置', permission: 'exam:manage', icon: Setting },
      },
    },
  ],
  auditActionLabels: {
    'task.claim': '认领待办',
    'task.unclaim': '退回认领',
    'task.complete': '办理待办',
    'task.assign': '转办待办',
    'task.delegate': '委派待办',
    'task.resolve': '委派办理完毕交回',
    'task.return-previous': '退回上一环节',
    'task.withdraw': '撤回审核结论',
    'task.urge': '催办',
    'task.cc': '抄送待办',
    'task.cosigner.add': '加签',
    'task.cosign': '加签人签署意见',
    'task.comment': '填写办理意见',
    'task.dates': '设置办理期限和跟进日期',
    'task.filter.save': '保存常用筛选',
    'task.filter.delete': '删除常用筛选',
    'task.attachment.upload': '上传待办附件',
    'task.attachment.delete': '删除待办附件',
    'task.bulk-approve': '批量通过资格审核',
    'task.auto-assign': '自动分配待办',
    'task.auto-assign-run': '执行自动分配',
    'review-settings.update': '修改资格审核设置',
    'review-settings.auto-assign': '设置考试自动分配',
    'reviewer-conflict.create': '申报回避',
    'reviewer-conflict.delete': '撤回回避申报',
  },
} satisfies ConsoleFeature;
