/**
 * The 一网通办 unified identity service's wire format, in one place: paths, parameter, claim and
 * answer field names. The adapter and the sandbox both read it, so the real specification (not
 * public) replaces this file and nothing else. The shape is an OIDC authorization-code flow:
 *
 * 1. browser → `GET {base}/authorize?response_type=code&client_id&redirect_uri&scope&state&nonce`
 * 2. platform → browser `302 redirect_uri?code&state` (code: one use, 60 s)
 * 3. server → `POST {base}/token` form `grant_type=authorization_code&code&redirect_uri`, client
 *    authentication by HTTP Basic (`client_secret_basic`: base64(urlencode(id) ":" urlencode(secret)))
 *    → `{ id_token, access_token, token_type, expires_in }`
 * 4. `id_token` = `base64url(header).base64url(claims).base64url(DER SM2-SM3 signature)` with header
 *    `{"alg":"SM2SM3","typ":"JWT"}`, claims iss, aud (= client id), sub, exp, iat, nonce, name,
 *    id_number, phone_number; verified with the platform's SM2 public key (`GET {base}/keys`).
 * 5. server → `GET {base}/userinfo` with `Authorization: Bearer <access_token>`.
 * 6. `GET {base}/logout?post_logout_redirect_uri=` ends the platform's sign-in.
 * Errors are `{ error, error_description }` (description in Chinese).
 */
export const ywtbWire = {
  paths: {
    authorize: '/authorize',
    token: '/token',
    userinfo: '/userinfo',
    logout: '/logout',
    keys: '/keys',
  },
  authorize: {
    responseType: 'response_type',
    clientId: 'client_id',
    redirectUri: 'redirect_uri',
    scope: 'scope',
    state: 'state',
    nonce: 'nonce',
  },
  /** Query parameters of the redirect back to the client. */
  callback: { code: 'code', state: 'state', error: 'error' },
  token: { grantType: 'grant_type', code: 'code', redirectUri: 'redirect_uri' },
  tokenResponse: { idToken: 'id_token', accessToken: 'access_token', tokenType: 'token_type', expiresIn: 'expires_in' },
  /** Claims of the ID token beyond iss/aud/sub/exp/iat. */
  claims: { nonce: 'nonce', name: 'name', idNumber: 'id_number', phone: 'phone_number' },
  userinfo: { sub: 'sub', name: 'name', idNumber: 'id_number', phone: 'phone_number' },
  keys: { publicKey: 'public_key', alg: 'alg' },
  logout: { postLogoutRedirectUri: 'post_logout_redirect_uri' },
  error: { code: 'error', description: 'error_description' },
  responseType: 'code',
  grantType: 'authorization_code',
  scope: 'openid profile',
  alg: 'SM2SM3',
  /** Lifetime of an authorization code. */
  codeTtlSeconds: 60,
} as const;

/** OIDC error codes the platform answers with. */
export const ywtbErrorCodes = {
  invalidRequest: 'invalid_request',
  invalidClient: 'invalid_client',
  invalidGrant: 'invalid_grant',
  unauthorizedClient: 'unauthorized_client',
  unsupportedGrantType: 'unsupported_grant_type',
  invalidToken: 'invalid_token',
  accessDenied: 'access_denied',
  notFound: 'not_found',
} as const;

/** `Authorization: Basic …` for a client id and secret (RFC 6749 §2.3.1: each form-urlencoded first). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`, 'utf8').toString('base64')}`;
}

/** A subject identifier as the platform issues them (opaque, bounded). */
export const YWTB_SUB = /^[A-Za-z0-9._:-]{1,128}$/;
