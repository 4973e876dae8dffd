import type { CurrentUser, PermissionCode } from '../../api/src/contracts/auth';
import type { MenuItem } from './menu';

type PermissionHolder = Pick<CurrentUser, 'permissions'>;

/** No user → no access; no required permission → any signed-in user. The API checks again on every call. */
export function hasPermission(user: PermissionHolder | null | undefined, code: PermissionCode | undefined): boolean {
  if (!user) return false;
  if (!code) return true;
  return user.permissions.includes(code);
}

/** The menu as this user may see it: entries they lack the permission for are dropped, and so are empty groups. */
export function visibleMenu(menu: readonly MenuItem[], user: PermissionHolder | null | undefined): MenuItem[] {
  const visible: MenuItem[] = [];
  for (const item of menu) {
    if (!hasPermission(user, item.permission)) continue;
    if (item.children) {
      const children = visibleMenu(item.children, user);
      if (children.length > 0) visible.push({ ...item, children });
    } else {
      visible.push(item);
    }
  }
  return visible;
}

/** The first page (leaf) of a menu, depth first: where a user lands after signing in. */
export function firstMenuPath(menu: readonly MenuItem[]): string | undefined {
  for (const item of menu) {
    if (!item.children) return item.path;
    const path = firstMenuPath(item.children);
    if (path) return path;
  }
  return undefined;
}
