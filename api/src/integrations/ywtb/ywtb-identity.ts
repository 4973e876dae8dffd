import crypto from 'node:crypto';
import type { Sm2Service, TokenPayload } from '../../security/sm2';
import { TokenError } from '../../security/security.errors';
import { YWTB_SUB, basicAuthorization, ywtbWire } from './ywtb-wire';

export interface YwtbIdentityOptions {
  /** e.g. `http://127.0.0.1:3102` (the sandbox) or the platform's base URL. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** The platform's SM2 public key, `04` + 128 hex digits. */
  publicKey: string;
  /** Expected `iss`; default the base URL without a trailing slash. */
  issuer?: string;
  /** Verifies the ID token (only its public-key methods are used). */
  sm2: Pick<Sm2Service, 'verifySignedToken'>;
  timeoutMs?: number;
  clockSkewSeconds?: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

/** The person the platform signed in, from the verified ID token or the userinfo endpoint. */
export interface YwtbProfile {
  sub: string;
  name: string;
  idNumber: string;
  phone: string | null;
}

/** Why a sign-in through 一网通办 failed; `reason` picks the message the login page shows. */
export type YwtbErrorReason = 'unavailable' | 'refused' | 'token' | 'nonce';

export class YwtbError extends Error {
  override readonly name = 'YwtbError';
  constructor(
    readonly reason: YwtbErrorReason,
    message: string,
    /** The platform's own error code, or the failed token check. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 5_000;

const str = (record: Record<string, unknown>, key: string): string | undefined => {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * Adapter for the 一网通办 unified identity service (统一身份认证): builds the authorize URL,
 * exchanges a code at the token endpoint (client_secret_basic), verifies the SM2-signed ID token
 * (signature, iss, aud, exp, nonce) and reads userinfo. Field names live in `ywtb-wire.ts`.
 */
export class YwtbIdentity {
  private readonly baseUrl: string;
  readonly issuer: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: YwtbIdentityOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.issuer = options.issuer ?? this.baseUrl;
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Reads the platform's public key (the sandbox's `/keys`), for configurations without YWTB_PUBLIC_KEY. */
  static async fetchPublicKey(baseUrl: string, fetchImpl: typeof fetch = fetch): Promise<string> {
    const res = await fetchImpl(`${baseUrl.replace(/\/+$/, '')}${ywtbWire.paths.keys}`, { signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS) });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const key = str(body, ywtbWire.keys.publicKey);
    if (!res.ok || !key || !/^04[0-9a-f]{128}$/i.test(key)) throw new YwtbError('unavailable', '无法读取一网通办的签名公钥');
    return key.toLowerCase();
  }

  /** Fresh random `state` and `nonce` for one sign-in. */
  static newFlowSecrets(): { state: string; nonce: string } {
    return { state: crypto.randomBytes(24).toString('base64url'), nonce: crypto.randomBytes(24).toString('base64url') };
  }

  authorizeUrl(params: { state: string; nonce: string; redirectUri: string }): string {
    const a = ywtbWire.authorize;
    const url = new URL(`${this.baseUrl}${ywtbWire.paths.authorize}`);
    url.searchParams.set(a.responseType, ywtbWire.responseType);
    url.searchParams.set(a.clientId, this.options.clientId);
    url.searchParams.set(a.redirectUri, params.redirectUri);
    url.searchParams.set(a.scope, ywtbWire.scope);
    url.searchParams.set(a.state, params.state);
    url.searchParams.set(a.nonce, params.nonce);
    return url.toString();
  }

  logoutUrl(postLogoutRedirectUri: string): string {
    const url = new URL(`${this.baseUrl}${ywtbWire.paths.logout}`);
    url.searchParams.set(ywtbWire.logout.postLogoutRedirectUri, postLogoutRedirectUri);
    return url.toString();
  }

  /** POSTs the code to the token endpoint; the code works once. */
  async exchangeCode(code: string, redirectUri: string): Promise<{ idToken: string; accessToken: string }> {
    const t = ywtbWire.token;
    const form = new URLSearchParams({ [t.grantType]: ywtbWire.grantType, [t.code]: code, [t.redirectUri]: redirectUri });
    const body = await this.call(ywtbWire.paths.token, {
      method: 'POST',
      headers: { authorization: basicAuthorization(this.options.clientId, this.options.clientSecret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    const idToken = str(body, ywtbWire.tokenResponse.idToken);
    const accessToken = str(body, ywtbWire.tokenResponse.accessToken);
    if (!idToken || !accessToken) throw new YwtbError('unavailable', '一网通办返回的令牌格式不正确', 'bad-response');
    return { idToken, accessToken };
  }

  /** Signature, iss, aud, exp (and nbf/iat), then the nonce of this sign-in; the profile in its claims. */
  verifyIdToken(idToken: string, nonce: string): YwtbProfile & { claims: TokenPayload } {
    let claims: TokenPayload;
    try {
      claims = this.options.sm2.verifySignedToken(idToken, this.options.publicKey, {
        issuer: this.issuer,
        audience: this.options.clientId,
        ...(this.options.now ? { now: this.options.now() } : {}),
        ...(this.options.clockSkewSeconds !== undefined ? { clockSkewSeconds: this.options.clockSkewSeconds } : {}),
      });
    } catch (error) {
      if (error instanceof TokenError) throw new YwtbError('token', '一网通办身份凭证校验失败', error.reason);
      throw error;
    }
    const given = claims[ywtbWire.claims.nonce];
    if (typeof given !== 'string' || !timingSafeEqualText(given, nonce)) throw new YwtbError('nonce', '一网通办身份凭证与本次登录不符', 'nonce-mismatch');
    const profile = toProfile(claims, ywtbWire.claims);
    if (!profile) throw new YwtbError('token', '一网通办身份凭证缺少身份信息', 'missing-claim');
    return { ...profile, claims };
  }

  async userinfo(accessToken: string): Promise<YwtbProfile> {
    const body = await this.call(ywtbWire.paths.userinfo, { method: 'GET', headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
    const profile = toProfile(body, ywtbWire.userinfo);
    if (!profile) throw new YwtbError('unavailable', '一网通办返回的用户信息格式不正确', 'bad-response');
    return profile;
  }

  private async call(path: string, init: RequestInit): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new YwtbError('unavailable', timedOut ? `一网通办在${this.timeoutMs / 1000}秒内未响应` : '无法连接一网通办', timedOut ? 'timeout' : 'network');
    }
    const json: unknown = await res.json().catch(() => undefined);
    const body = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
    if (!res.ok) {
      const code = str(body, ywtbWire.error.code) ?? `HTTP_${res.status}`;
      throw new YwtbError(res.status >= 500 ? 'unavailable' : 'refused', str(body, ywtbWire.error.description) ?? `一网通办返回错误（HTTP ${res.status}）`, code);
    }
    return body;
  }
}

function toProfile(record: Record<string, unknown>, names: { name: string; idNumber: string; phone: string }): YwtbProfile | undefined {
  const sub = str(record, 'sub');
  const name = str(record, names.name);
  const idNumber = str(record, names.idNumber);
  const phone = str(record, names.phone) ?? null;
  if (!sub || !YWTB_SUB.test(sub) || !name || name.length > 64 || !idNumber || !/^\d{17}[\dX]$/i.test(idNumber)) return undefined;
  if (phone !== null && !/^1[3-9]\d{9}$/.test(phone)) return undefined;
  return { sub, name, idNumber: idNumber.toUpperCase(), phone };
}

function timingSafeEqualText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
