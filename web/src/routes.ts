import type { Component } from 'vue';
import type { RouteRecordRaw } from 'vue-router';
import type { PermissionCode } from '../../api/src/contracts/auth';
import { menuSections, type ConsoleFeature, type MenuBadgeSource } from './feature';
import * as featureRegistry from './features';
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

const features: readonly ConsoleFeature[] = Object.values(featureRegistry);

/** The console's modules, assembled from the features; the left menu is built from these (only what works is listed). */
export const menuRoutes: RouteRecordRaw[] = Object.entries(menuSections).map(([key, section]) => ({
  path: section.path,
  meta: { title: section.title, icon: section.icon },
  redirect: section.redirect,
  children: features
    .flatMap((feature) => feature.menuPages ?? [])
    .filter((page) => page.section === key)
    .sort((a, b) => a.order - b.order)
    .map((page) => page.route),
}));

export const consoleMenu = menuFromRoutes(menuRoutes);

/** Where each menu badge's count comes from, as the features give them. */
export const menuBadgeSources: Partial<Record<MenuBadge, () => MenuBadgeSource>> = Object.assign(
  {},
  ...features.map((feature) => feature.menuBadges ?? {}),
);

export const routes: RouteRecordRaw[] = [
  ...features.flatMap((feature) => feature.standalonePages ?? []),
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
      ...features.flatMap((feature) => feature.consolePages ?? []),
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
