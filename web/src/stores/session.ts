import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { isMfaChallenge, type CurrentUser, type LoginRequest, type LoginResponse, type LoginVerifyRequest, type PermissionCode } from '../../../api/src/contracts/auth';
import * as authApi from '../features/auth/auth.api';
import { ApiRequestError } from '../api/http';
import { roleLabels } from '../labels';
import { hasPermission } from '../permissions';

function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiRequestError && error.status === 401;
}

export const useSessionStore = defineStore('session', () => {
  const user = ref<CurrentUser | null>(null);
  // Whether the server has told us who is signed in (or that nobody is); only then is `user` the truth.
  let known = false;
  let pending: Promise<CurrentUser | null> | null = null;

  const roleNames = computed(() => (user.value?.roles ?? []).map((role) => roleLabels[role]));

  function setUser(value: CurrentUser | null): void {
    user.value = value;
    known = true;
  }

  /** Asks the server once who is signed in; later calls reuse the answer. */
  function load(): Promise<CurrentUser | null> {
    if (known) return Promise.resolve(user.value);
    pending ??= authApi
      .me()
      .then(
        (me) => {
          setUser(me);
          return me;
        },
        (error: unknown) => {
          if (!isUnauthorized(error)) throw error;
          setUser(null);
          return null;
        },
      )
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  /** Signs in with the password; answers the user, or an SMS challenge (then call `verify`). */
  async function login(request: LoginRequest): Promise<LoginResponse> {
    const answer = await authApi.login(request);
    if (!isMfaChallenge(answer)) setUser(answer);
    return answer;
  }

  /** Completes a sign-in with the SMS code. */
  async function verify(request: LoginVerifyRequest): Promise<CurrentUser> {
    const me = await authApi.verifyLogin(request);
    setUser(me);
    return me;
  }

  /** Signs out on the server; a session that had already expired counts as signed out. */
  async function logout(): Promise<void> {
    try {
      await authApi.logout();
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
    }
    setUser(null);
  }

  /** Forgets the user locally, e.g. when the server says the session has expired. */
  function clear(): void {
    setUser(null);
  }

  function can(permission: PermissionCode): boolean {
    return hasPermission(user.value, permission);
  }

  return { user, roleNames, load, login, verify, logout, clear, can };
});
