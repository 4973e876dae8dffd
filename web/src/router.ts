import { createRouter, createWebHistory, type RouteRecordNormalized } from 'vue-router';
import type { CurrentUser } from '../../api/src/contracts/auth';
import { setUnauthorizedHandler } from './api/http';
import { systemName } from './labels';
import { firstMenuPath, hasPermission, visibleMenu } from './permissions';
import { consoleMenu, routes } from './routes';
import { useSessionStore } from './stores/session';

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

function mayOpen(route: { matched: RouteRecordNormalized[] }, user: CurrentUser): boolean {
  return route.matched.every((record) => hasPermission(user, record.meta.permission));
}

/** Where a user starts: the first menu entry they may see, or the home page if they see none. */
export function landingPath(user: CurrentUser): string {
  return firstMenuPath(visibleMenu(consoleMenu, user)) ?? '/';
}

/** After signing in: back to the page that asked for it, if it is ours and this user may open it. */
export function afterLoginPath(user: CurrentUser, redirect: unknown): string {
  // Only same-site paths: "//evil.example" or "https://..." would be an open redirect.
  if (typeof redirect === 'string' && redirect.startsWith('/') && !redirect.startsWith('//')) {
    const target = router.resolve(redirect);
    // The bare home page is not a destination worth returning to: the user's own first page is.
    const usable = !['not-found', 'login', 'forbidden', 'home'].includes(String(target.name));
    if (usable && mayOpen(target, user)) return target.fullPath;
  }
  return landingPath(user);
}

router.beforeEach(async (to) => {
  const session = useSessionStore();
  // If the server cannot be reached the user is treated as signed out; the sign-in page then shows why.
  const user = await session.load().catch(() => null);
  if (to.name === 'login') return user ? afterLoginPath(user, to.query.redirect) : true;
  if (to.meta.public) return true;
  if (!user) return { name: 'login', query: { redirect: to.fullPath } };
  if (!mayOpen(to, user)) return { name: 'forbidden', query: { from: to.fullPath } };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - ${systemName}` : systemName;
});

// A 401 on a business call means the session expired: forget the user and ask them to sign in again.
setUnauthorizedHandler(() => {
  useSessionStore().clear();
  const current = router.currentRoute.value;
  if (current.name !== 'login') {
    void router.replace({ name: 'login', query: { redirect: current.fullPath } });
  }
});
