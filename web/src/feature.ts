import { Calendar, DataAnalysis, EditPen, Management, Setting, Share, Stamp, Wallet } from '@element-plus/icons-vue';
import type { Component } from 'vue';
import type { RouteRecordRaw } from 'vue-router';
import type { AuditAction } from '../../api/src/contracts/audit-actions';
import type { MenuBadge } from './menu';

/** A group of the left menu; its pages come from the features. Listed in menu order. */
export interface MenuSection {
  path: string;
  title: string;
  icon: Component;
  /** The page the group's own path opens. */
  redirect: string;
}

export const menuSections = {
  portal: { path: '/portal', title: '网上报名', icon: EditPen, redirect: '/portal/registrations' },
  inbox: { path: '/inbox', title: '待办事项', icon: Stamp, redirect: '/inbox/review' },
  'exam-admin': { path: '/exam-admin', title: '考务管理', icon: Management, redirect: '/exam-admin/templates' },
  exams: { path: '/exams', title: '考试管理', icon: Calendar, redirect: '/exams/list' },
  'registration-data': { path: '/registration-data', title: '报名数据管理', icon: DataAnalysis, redirect: '/registration-data/registrations' },
  payments: { path: '/payments', title: '缴费管理', icon: Wallet, redirect: '/payments/orders' },
  processes: { path: '/processes', title: '流程设计', icon: Share, redirect: '/processes/models' },
  admin: { path: '/admin', title: '系统管理', icon: Setting, redirect: '/admin/audit' },
} satisfies Record<string, MenuSection>;

export type MenuSectionKey = keyof typeof menuSections;

/** A page in one of the menu groups; its route path is relative to the group's. */
export interface MenuPage {
  section: MenuSectionKey;
  /** Where the page stands in its group (the menu lists a group's pages by this number). */
  order: number;
  route: RouteRecordRaw;
}

/** Where the count of a menu badge (`meta.badge`) comes from; the menu refreshes it while it shows such an entry. */
export interface MenuBadgeSource {
  /** The current count (reactive). */
  count: () => number;
  refresh: () => Promise<void>;
  refreshMs: number;
}

/**
 * What a feature (web/src/features/<module>/, named like api/src/modules/<module>/) gives the console:
 * its pages and the Chinese labels of the audit actions its API module records. web/src/features/index.ts
 * lists every feature; the route table, the menu and the audit log's labels are assembled from it.
 */
export interface ConsoleFeature {
  /** Pages in the menu groups (hidden detail pages included, with `meta.hidden`). */
  menuPages?: readonly MenuPage[];
  /** Pages of the console layout outside the menu groups, e.g. `/cases/:businessKey`. */
  consolePages?: readonly RouteRecordRaw[];
  /** Pages outside the console layout (the sign-in page). */
  standalonePages?: readonly RouteRecordRaw[];
  auditActionLabels?: Partial<Record<AuditAction, string>>;
  /** The badges its pages show in the menu; called in the menu's setup (stores are available). */
  menuBadges?: Partial<Record<MenuBadge, () => MenuBadgeSource>>;
}
