import { Avatar, Document, DocumentAdd, EditPen, Files, Management, Reading, Iphone, Setting, Stamp, Tickets } from '@element-plus/icons-vue';
import { DataAnalysis, List, PieChart } from '@element-plus/icons-vue';
import { Calendar, Memo } from '@element-plus/icons-vue';
import { Van } from '@element-plus/icons-vue';
import { Share } from '@element-plus/icons-vue';
import { Finished, Grid, Switch } from '@element-plus/icons-vue';
import { Monitor } from '@element-plus/icons-vue';
import { Bell, ChatLineSquare } from '@element-plus/icons-vue';
import { Checked, DocumentChecked, Money, Wallet } from '@element-plus/icons-vue';
import type { Component } from 'vue';
import type { RouteRecordRaw } from 'vue-router';
import type { PermissionCode } from '../../api/src/contracts/auth';
import { menuFromRoutes, type MenuBadge } from './menu';

declare module 'vue-router' {
  interface RouteMeta {
    /** Page title (browser tab) and menu label. */
    title: string;
    /** Needed to open the page and to see its menu entry. */
    permission?: PermissionCode;
    icon?: Component;
    /** Not a menu entry (detail pages, error pages). */
    hidden?: boolean;
    /** The menu entry to highlight for a hidden page. */
    activeMenu?: string;
    /** Open without signing in. */
    public?: boolean;
    /** A count shown on the menu entry (e.g. unread messages). */
    badge?: MenuBadge;
  }
}

/** The console's modules; the left menu is built from these (only what works is listed). */
export const menuRoutes: RouteRecordRaw[] = [
  {
    path: '/portal',
    meta: { title: '网上报名', icon: EditPen },
    redirect: '/portal/registrations',
    children: [
      {
        path: 'registrations',
        name: 'my-registrations',
        component: () => import('./features/registration/MyRegistrationsView.vue'),
        meta: { title: '我的报名', permission: 'registration:read-own', icon: Tickets },
      },
      {
        path: 'registrations/:registrationNo',
        name: 'registration-detail',
        component: () => import('./features/registration/RegistrationDetailView.vue'),
        props: true,
        meta: {
          title: '报名详情',
          permission: 'registration:read-own',
          hidden: true,
          activeMenu: '/portal/registrations',
        },
      },
      {
        path: 'guide',
        name: 'exam-guide',
        component: () => import('./features/guide/GuideView.vue'),
        meta: { title: '报考指南', permission: 'registration:create', icon: Reading },
      },
      {
        path: 'apply',
        name: 'apply',
        component: () => import('./features/registration/ApplyView.vue'),
        meta: { title: '报名申请', permission: 'registration:create', icon: DocumentAdd },
      },
      {
        path: 'photo',
        name: 'photo',
        component: () => import('./features/photos/PhotoView.vue'),
        meta: { title: '证件照片', permission: 'registration:create', icon: Avatar },
      },
      {
        path: 'phone',
        name: 'phone-binding',
        component: () => import('./features/phone/PhoneBindingView.vue'),
        meta: { title: '绑定手机', permission: 'registration:create', icon: Iphone },
      },
      {
        path: 'deliveries',
        name: 'my-deliveries',
        component: () => import('./features/deliveries/MyDeliveriesView.vue'),
        meta: { title: '证照快递', permission: 'registration:read-own', icon: Van },
      },
      {
        path: 'messages',
        name: 'message-centre',
        component: () => import('./features/notifications/MessageCentreView.vue'),
        meta: { title: '消息中心', permission: 'registration:read-own', icon: Bell, badge: 'unread-messages' },
      },
    ],
  },
  {
    path: '/inbox',
    meta: { title: '待办事项', icon: Stamp },
    redirect: '/inbox/review',
    children: [
      {
        path: 'review',
        name: 'review-inbox',
        component: () => import('./features/tasks/ReviewInboxView.vue'),
        // Reviewers' entry (they decide 资格审核); exam admins read and claim tasks too, from 考务管理 › 我的待办.
        meta: { title: '资格审核待办', permission: 'registration-task:complete' },
      },
      {
        path: 'conflicts',
        name: 'reviewer-conflicts',
        component: () => import('./features/tasks/ReviewerConflictsView.vue'),
        meta: { title: '回避申报', permission: 'registration-task:complete' },
      },
      {
        // Staff see the same message centre as candidates: 催办 and other work reminders (U6).
        path: 'messages',
        name: 'staff-messages',
        component: () => import('./features/notifications/MessageCentreView.vue'),
        props: { intro: '同事催办等工作提醒会发到这里（仅站内消息）；点击消息打开相应的待办。' },
        meta: { title: '消息中心', permission: 'registration-task:complete', badge: 'unread-messages' },
      },
    ],
  },
  {
    path: '/exam-admin',
    meta: { title: '考务管理', icon: Management },
    redirect: '/exam-admin/templates',
    children: [
      {
        path: 'templates',
        name: 'templates',
        component: () => import('./features/templates/TemplateListView.vue'),
        meta: { title: '模板管理', permission: 'exam:read', icon: Files },
      },
      {
        // The exam admin's role inbox (U5): 快递异常处理 and any task offered to the exam-admin group.
        path: 'inbox',
        name: 'admin-inbox',
        component: () => import('./features/tasks/ReviewInboxView.vue'),
        props: { title: '我的待办' },
        meta: { title: '我的待办', permission: 'exam:manage', icon: Stamp },
      },
      {
        // 催办 of their tasks and other work reminders.
        path: 'messages',
        name: 'admin-messages',
        component: () => import('./features/notifications/MessageCentreView.vue'),
        props: { intro: '同事催办等工作提醒会发到这里（仅站内消息）；点击消息打开相应的待办。' },
        meta: { title: '消息中心', permission: 'exam:manage', badge: 'unread-messages' },
      },
      {
        path: 'templates/:code',
        name: 'template-editor',
        component: () => import('./features/templates/TemplateEditorView.vue'),
        props: true,
        meta: { title: '编辑模板', permission: 'exam:read', hidden: true, activeMenu: '/exam-admin/templates' },
      },
      {
        path: 'message-templates',
        name: 'message-templates',
        component: () => import('./features/notifications/MessageTemplateListView.vue'),
        meta: { title: '消息模板', permission: 'message-template:manage', icon: ChatLineSquare },
      },
      {
        path: 'review-settings',
        name: 'review-settings',
        component: () => import('./features/tasks/ReviewSettingsView.vue'),
        meta: { title: '资格审核设置', permission: 'exam:manage', icon: Setting },
      },
    ],
  },
  {
    path: '/exams',
    meta: { title: '考试管理', icon: Calendar },
    redirect: '/exams/list',
    children: [
      {
        path: 'list',
        name: 'exam-list',
        component: () => import('./features/exams/ExamListView.vue'),
        meta: { title: '考试设置', permission: 'exam:read', icon: Memo },
      },
      {
        path: 'new',
        name: 'exam-new',
        component: () => import('./features/exams/ExamEditorView.vue'),
        meta: { title: '新建考试', permission: 'exam:manage', hidden: true, activeMenu: '/exams/list' },
      },
      {
        path: ':examId(\\d+)',
        name: 'exam-editor',
        component: () => import('./features/exams/ExamEditorView.vue'),
        props: true,
        meta: { title: '考试设置', permission: 'exam:read', hidden: true, activeMenu: '/exams/list' },
      },
    ],
  },
  {
    path: '/registration-data',
    meta: { title: '报名数据管理', icon: DataAnalysis },
    redirect: '/registration-data/registrations',
    children: [
      {
        path: 'registrations',
        name: 'registration-data',
        component: () => import('./features/registration-admin/RegistrationSearchView.vue'),
        meta: { title: '报名数据', permission: 'registration:read', icon: List },
      },
      {
        path: 'statistics',
        name: 'registration-statistics',
        component: () => import('./features/registration-admin/RegistrationStatisticsView.vue'),
        meta: { title: '报名统计', permission: 'registration:read', icon: PieChart },
      },
    ],
  },
  {
    path: '/payments',
    meta: { title: '缴费管理', icon: Wallet },
    redirect: '/payments/orders',
    children: [
      {
        path: 'orders',
        name: 'payment-orders',
        component: () => import('./features/payments/PaymentOrderView.vue'),
        meta: { title: '缴费订单', permission: 'payment:read', icon: Money },
      },
      {
        path: 'refunds',
        name: 'refund-approvals',
        component: () => import('./features/payments/RefundApprovalView.vue'),
        meta: { title: '待审批退款', permission: 'payment:approve-refund', icon: Checked },
      },
      {
        path: 'reconciliation',
        name: 'payment-reconciliation',
        component: () => import('./features/payments/ReconciliationView.vue'),
        meta: { title: '对账', permission: 'payment:reconcile', icon: DocumentChecked },
      },
    ],
  },
  {
    path: '/processes',
    meta: { title: '流程设计', icon: Share },
    redirect: '/processes/models',
    children: [
      {
        path: 'models',
        name: 'process-models',
        component: () => import('./features/processes/ProcessListView.vue'),
        meta: { title: '流程模型', permission: 'process:read', icon: Share },
      },
      {
        path: 'models/:processKey',
        name: 'process-designer',
        component: () => import('./features/processes/ProcessDesignerView.vue'),
        props: true,
        meta: { title: '流程设计', permission: 'process:read', hidden: true, activeMenu: '/processes/models' },
      },
      {
        path: 'forms',
        name: 'task-form-designer',
        component: () => import('./features/task-forms/FormDesignerView.vue'),
        meta: { title: '表单设计', permission: 'process:read', icon: Grid },
      },
      {
        path: 'decisions',
        name: 'decision-editor',
        component: () => import('./features/processes/DecisionEditorView.vue'),
        meta: { title: '决策表', permission: 'process:read', icon: Finished },
      },
      {
        path: 'migrations',
        name: 'process-migration',
        component: () => import('./features/processes/ProcessMigrationView.vue'),
        meta: { title: '流程迁移', permission: 'process:deploy', icon: Switch },
      },
    ],
  },
  {
    path: '/admin',
    meta: { title: '系统管理', icon: Setting },
    redirect: '/admin/audit',
    children: [
      {
        path: 'audit',
        name: 'audit-log',
        component: () => import('./features/audit/AuditLogView.vue'),
        meta: { title: '安全审计日志', permission: 'audit:read', icon: Document },
      },
      {
        path: 'operations',
        name: 'operations',
        component: () => import('./features/cases/OperationsView.vue'),
        meta: { title: '运维监控', permission: 'system:monitor', icon: Monitor },
      },
    ],
  },
];

export const consoleMenu = menuFromRoutes(menuRoutes);

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./features/auth/LoginView.vue'),
    meta: { title: '登录', public: true },
  },
  {
    path: '/',
    component: () => import('./layouts/ConsoleLayout.vue'),
    children: [
      {
        path: '',
        name: 'home',
        component: () => import('./views/HomeView.vue'),
        meta: { title: '首页', hidden: true },
      },
      ...menuRoutes,
      {
        // Candidates, the exam's reviewers and exam admins; the API applies the data scope.
        path: 'cases/:businessKey',
        name: 'case-view',
        component: () => import('./features/cases/CaseView.vue'),
        props: true,
        meta: { title: '案件视图', hidden: true },
      },
      {
        path: '403',
        name: 'forbidden',
        component: () => import('./views/ForbiddenView.vue'),
        meta: { title: '无权访问', hidden: true },
      },
    ],
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue'),
    meta: { title: '页面不存在', public: true },
  },
];
