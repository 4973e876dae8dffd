import type { Component } from 'vue';
import type { RouteRecordRaw } from 'vue-router';
import type { PermissionCode } from '../../api/src/contracts/auth';

/** Counts a menu entry can show; the menu component knows where each comes from. */
export type MenuBadge = 'unread-messages';

/** One entry of the left menu. A group has children and no page of its own. */
export interface MenuItem {
  path: string;
  title: string;
  permission?: PermissionCode;
  icon?: Component;
  badge?: MenuBadge;
  children?: MenuItem[];
}

function joinPath(parent: string, path: string): string {
  if (path.startsWith('/')) return path;
  return `${parent.replace(/\/$/, '')}/${path}`;
}

/** The menu is the route table itself: every titled, non-hidden route is an entry. */
export function menuFromRoutes(routes: readonly RouteRecordRaw[], parentPath = ''): MenuItem[] {
  const items: MenuItem[] = [];
  for (const route of routes) {
    const meta = route.meta;
    if (!meta?.title || meta.hidden) continue;
    const path = joinPath(parentPath, route.path);
    const item: MenuItem = { path, title: meta.title };
    if (meta.permission) item.permission = meta.permission;
    if (meta.icon) item.icon = meta.icon;
    if (meta.badge) item.badge = meta.badge;
    if (route.children) {
      const children = menuFromRoutes(route.children, path);
      // A group whose pages are all hidden is not a menu entry: it has nothing to open.
      if (children.length === 0) continue;
      item.children = children;
    }
    items.push(item);
  }
  return items;
}
