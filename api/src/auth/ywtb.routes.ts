import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { YWTB_ENTRY_RETURN_TO, type YwtbLoginError } from '../contracts/ywtb';
import type { ApiRoutes } from '../http/route';
import { YwtbError, YwtbIdentity } from '../integrations/ywtb/ywtb-identity';
import type { AuditSink } from '../http/route';
import type { AuthService } from './auth.service';
import { establishSession } from './auth.routes';
import type { YwtbAccounts } from './ywtb-accounts';

/** The short-lived cookie that carries state, nonce and returnTo from `/login` to `/callback`. */
export const OIDC_COOKIE = 'bpm.oidc';
const COOKIE_PATH = '/api/auth/ywtb';
const FLOW_TTL_MS = 10 * 60_000;
const CALLBACK_PATH = '/api/auth/ywtb/callback';

export interface YwtbRouteDeps {
  identity: YwtbIdentity | undefined;
  accounts: YwtbAccounts;
  auth: AuthService;
  /** Signs the flow cookie (HMAC-SM3); the session secret. */
  secret: string;
  secureCookies: boolean;
  /** Our callback as registered with 一网通办; default derived from the request's host. */
  redirectUri?: string;
  audit: AuditSink;
  log: Logger;
}

interface Flow {
  state: string;
  nonce: string;
  returnTo: string;
  exp: number;
}

/** Only same-site relative paths: `//host`, `/\host`, absolute URLs and control characters give `/`. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512 || !value.startsWith('/')) return '/';
  if (value.startsWith('//') || value.startsWith('/\\') || /[\x00-\x1f\x7f\\]/.test(value)) return '/';
  return value;
}

const mac = (secret: string, payload: string) => crypto.createHmac('sm3', secret).update(`oidc-flow:${payload}`).digest('base64url');

function sealFlow(secret: string, flow: Flow): string {
  const payload = Buffer.from(JSON.stringify(flow), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

function openFlow(secret: string, value: string | undefined): Flow | undefined {
  if (!value) return undefined;
  const [payload, tag, extra] = value.split('.');
  if (!payload || !tag || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(tag);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return undefined;
  try {
    const flow = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Flow>;
    if (typeof flow.state !== 'string' || typeof flow.nonce !== 'string' || typeof flow.exp !== 'number' || flow.exp < Date.now()) return undefined;
    return { state: flow.state, nonce: flow.nonce, returnTo: safeReturnTo(flow.returnTo), exp: flow.exp };
  } catch {
    return undefined;
  }
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const equalText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

class SignOnFailure extends Error {
  constructor(
    readonly code: YwtbLoginError,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const callbackQuery = z.object({
  code: z.string().max(512).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(128).optional(),
});

/**
 * 一网通办 sign-on for candidates (OIDC-style code flow). `login` (and `entry`, the link the
 * 一网通办 办事指南 lists) redirect to the platform with a fresh state and nonce kept in an HttpOnly,
 * HMAC-signed, 10-minute cookie (SameSite=Lax: the callback is a cross-site top-level navigation);
 * `callback` checks state, exchanges the code, verifies the ID token and its nonce, finds or creates
 * the candidate account and starts a new session. Every failure lands on `/login?error=<code>`.
 */
export function ywtbRoutes(api: ApiRoutes, deps: YwtbRouteDeps): void {
  const redirectUriOf = (req: Request) => deps.redirectUri ?? `${req.protocol}://${req.get('host') ?? 'localhost'}${CALLBACK_PATH}`;

  const start = (req: Request, res: Response, returnTo: string) => {
    res.set('cache-control', 'no-store');
    if (!deps.identity) return res.redirect(302, '/login?error=ywtb_unavailable');
    const { state, nonce } = YwtbIdentity.newFlowSecrets();
    res.cookie(OIDC_COOKIE, sealFlow(deps.secret, { state, nonce, returnTo: safeReturnTo(returnTo), exp: Date.now() + FLOW_TTL_MS }), {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      path: COOKIE_PATH,
      maxAge: FLOW_TTL_MS,
      encode: (v: string) => v,
    });
    res.redirect(302, deps.identity.authorizeUrl({ state, nonce, redirectUri: redirectUriOf(req) }));
  };

  api.define(
    {
      method: 'get',
      path: '/auth/ywtb/login',
      summary: '一网通办登录（考生）：跳转至一网通办统一身份认证',
      tag: 'auth',
      access: { public: true },
      query: z.object({ returnTo: z.string().max(512).optional() }),
      response: { contentType: 'text/plain' },
      audit: { action: 'auth.ywtb-login' },
    },
    async ({ req, res, query }) => start(req, res, query.returnTo ?? '/'),
  );
  api.define(
    {
      method: 'get',
      path: '/auth/ywtb/entry',
      summary: '一网通办办事指南入口：经统一身份认证直达报名',
      tag: 'auth',
      access: { public: true },
      response: { contentType: 'text/plain' },
      audit: { action: 'auth.ywtb-entry' },
    },
    async ({ req, res }) => start(req, res, YWTB_ENTRY_RETURN_TO),
  );
  api.define(
    {
      method: 'get',
      path: '/auth/ywtb/callback',
      summary: '一网通办登录回调（授权码换取并校验身份凭证，建立会话）',
      tag: 'auth',
      access: { public: true },
      query: callbackQuery,
      response: { contentType: 'text/plain' },
    },
    async ({ req, res, query }) => {
      res.set('cache-control', 'no-store');
      const flow = openFlow(deps.secret, cookieValue(req, OIDC_COOKIE));
      res.clearCookie(OIDC_COOKIE, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: COOKIE_PATH });
      let actor = 'anonymous';
      let userId: number | undefined;
      let created = false;
      try {
        const identity = deps.identity;
        if (!identity) throw new SignOnFailure('ywtb_unavailable', 'not-configured');
        if (!flow || !query.state || !equalText(query.state, flow.state)) throw new SignOnFailure('ywtb_state', 'state-mismatch');
        if (query.error) throw new SignOnFailure('ywtb_denied', `platform:${query.error}`);
        if (!query.code) throw new SignOnFailure('ywtb_state', 'no-code');
        const tokens = await identity.exchangeCode(query.code, redirectUriOf(req));
        const fromToken = identity.verifyIdToken(tokens.idToken, flow.nonce);
        const profile = await identity.userinfo(tokens.accessToken);
        if (profile.sub !== fromToken.sub) throw new SignOnFailure('ywtb_token', 'userinfo-subject-mismatch');
        ({ userId, created } = await deps.accounts.findOrCreate(profile));
        const user = await deps.auth.currentUser(userId);
        if (!user) throw new SignOnFailure('ywtb_account', 'account-disabled');
        actor = user.username;
        await establishSession(req, user.id);
        await deps.audit({ actor, action: 'auth.ywtb-callback', objectType: 'user', objectId: user.id, ip: req.ip ?? null, result: 'success', detail: { created } });
        res.redirect(302, flow.returnTo);
      } catch (error) {
        const failure =
          error instanceof SignOnFailure
            ? error
            : error instanceof YwtbError
              ? new SignOnFailure(error.reason === 'token' || error.reason === 'nonce' ? 'ywtb_token' : error.reason === 'refused' ? 'ywtb_token' : 'ywtb_unavailable', `${error.reason}:${error.detail ?? ''}`)
              : undefined;
        if (!failure) deps.log.error({ err: error }, '一网通办 sign-on failed');
        const code = failure?.code ?? 'ywtb_unavailable';
        await deps.audit({ actor, action: 'auth.ywtb-callback', objectType: 'user', objectId: userId ?? null, ip: req.ip ?? null, result: 'failure', detail: { code, reason: failure?.reason ?? 'internal' } });
        res.redirect(302, `/login?error=${code}`);
      }
    },
  );
}
