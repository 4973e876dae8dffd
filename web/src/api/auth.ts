import { currentUser, type CurrentUser, type LoginRequest } from '../../../api/src/contracts/auth';
import { getJson, postJson, postNoContent } from './http';

export function login(body: LoginRequest): Promise<CurrentUser> {
  return postJson('/api/auth/login', body, currentUser);
}

export function logout(): Promise<void> {
  return postNoContent('/api/auth/logout');
}

/** The signed-in user; rejects with an ApiRequestError of status 401 when nobody is signed in. */
export function me(): Promise<CurrentUser> {
  return getJson('/api/auth/me', currentUser);
}
