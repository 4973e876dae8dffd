import { Avatar, Document, DocumentAdd, EditPen, Reading, Iphone, Setting, Stamp, Tickets } from '@element-plus/icons-vue';
import type { Component } from 'vue';
import type { RouteRecordRaw } from 'vue-router';
import type { PermissionCode } from '../../api/src/contracts/auth';
import { menuFromRoutes } from './menu';

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
        component: () => import('./views/portal/MyRegistrationsView.vue'),
        meta: { title: '我的报名', permission: 'registration:read-own', icon: Tickets },
      },
      {
        path: 'registrations/:registrationNo',
        name: 'registration-detail',
        component: () => import('./views/portal/RegistrationDetailView.vue'),
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
        component: () => import('./views/portal/GuideView.vue'),
        meta: { title: '报考指南', permission: 'registration:create', icon: Reading },
      },
      {
        path: 'apply',
        name: 'apply',
        component: () => import('./views/portal/ApplyView.vue'),
        meta: { title: '报名申请', permission: 'registration:create', icon: DocumentAdd },
      },
      {
        path: 'photo',
        name: 'photo',
        component: () => import('./views/portal/PhotoView.vue'),
        meta: { title: '证件照片', permission: 'registration:create', icon: Avatar },
      },
      {
        path: 'phone',
        name: 'phone-binding',
        component: () => import('./views/portal/PhoneBindingView.vue'),
        meta: { title: '绑定手机', permission: 'registration:create', icon: Iphone },
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
        component: () => import('./views/inbox/ReviewInboxView.vue'),
        meta: { title: '资格审核待办', permission: 'registration-task:read' },
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
        component: () => import('./views/admin/AuditLogView.vue'),
        meta: { title: '安全审计日志', permission: 'audit:read', icon: Document },
      },
    ],
  },
];

export const consoleMenu = menuFromRoutes(menuRoutes);

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/LoginView.vue'),
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
