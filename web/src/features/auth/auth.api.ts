import { currentUser, loginResponse, type CurrentUser, type LoginRequest, type LoginResponse, type LoginSecret, type LoginVerifyRequest } from '../../../../api/src/contracts/auth';
import { getJson, postJson, postNoContent } from '../../api/http';
import { encryptForServer } from '../../api/transport';

function nonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Signs in; the password leaves the browser only SM2-encrypted with the server's transport key.
 * Accounts with the SMS second factor get a challenge instead of a session (then `verifyLogin`).
 */
export async function login(form: LoginRequest): Promise<LoginResponse> {
  const secret: LoginSecret = { password: form.password, nonce: nonce(), timestamp: Date.now() };
  const passwordCipher = await encryptForServer(JSON.stringify(secret));
  return postJson('/api/auth/login', { username: form.username, passwordCipher }, loginResponse);
}

/** Second step of a sign-in: the code from the SMS. */
export function verifyLogin(request: LoginVerifyRequest): Promise<CurrentUser> {
  return postJson('/api/auth/login/verify', request, currentUser);
}

export function logout(): Promise<void> {
  return postNoContent('/api/auth/logout');
}

/** The signed-in user; rejects with an ApiRequestError of status 401 when nobody is signed in. */
export function me(): Promise<CurrentUser> {
  return getJson('/api/auth/me', currentUser);
}
