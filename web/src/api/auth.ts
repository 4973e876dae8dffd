import smCrypto from 'sm-crypto';
import { currentUser, loginKey, type CurrentUser, type LoginRequest, type LoginSecret } from '../../../api/src/contracts/auth';
import { getJson, postJson, postNoContent } from './http';

function nonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Signs in; the password leaves the browser only SM2-encrypted with the server's transport key. */
export async function login(form: LoginRequest): Promise<CurrentUser> {
  const key = await getJson('/api/auth/login-key', loginKey);
  const secret: LoginSecret = { password: form.password, nonce: nonce(), timestamp: Date.now() };
  const passwordCipher = smCrypto.sm2.doEncrypt(JSON.stringify(secret), key.publicKey, key.cipherMode);
  return postJson('/api/auth/login', { username: form.username, passwordCipher }, currentUser);
}

export function logout(): Promise<void> {
  return postNoContent('/api/auth/logout');
}

/** The signed-in user; rejects with an ApiRequestError of status 401 when nobody is signed in. */
export function me(): Promise<CurrentUser> {
  return getJson('/api/auth/me', currentUser);
}
