import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { DomainError } from './errors';

export const CSRF_COOKIE = 'bpm.csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

const messages = {
  rejected: '页面已过期或请求来源不可信，请刷新页面后重试',
};

/** Methods that only read; every other method changes state and must carry the token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * State-changing API calls that do not need the token, as `METHOD /path` below `/api`. Empty on
 * purpose: server-to-server callbacks (payment, e-licence) will be listed here when they arrive,
 * and they authenticate by an SM2 signature instead, since they carry no browser cookie.
 */
export const CSRF_EXEMPT: readonly string[] = [];

const RANDOM_BYTES = 32;

export interface CsrfOptions {
  /** The session secret: tokens are `random.HMAC-SM3(secret, random)`, so only this server mints them. */
  secret: string;
  /** Secure cookie (HTTPS deployments). */
  secure: boolean;
  exempt?: readonly string[];
}

export function csrfRejected(): DomainError {
  return new DomainError(403, 'CSRF', messages.rejected);
}

function mac(secret: string, random: string): string {
  return crypto.createHmac('sm3', secret).update(random).digest('base64url');
}

/** A fresh token; the random part makes each browser's token different. */
export function mintCsrfToken(secret: string): string {
  const random = crypto.randomBytes(RANDOM_BYTES).toString('base64url');
  return `${random}.${mac(secret, random)}`;
}

function equalStrings(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** True when the token was minted by a server holding `secret` (a planted cookie is not enough). */
export function verifyCsrfToken(secret: string, token: string | undefined): boolean {
  if (!token) return false;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return false;
  return equalStrings(token.slice(dot + 1), mac(secret, token.slice(0, dot)));
}

/** One cookie's value from the Cookie header (the API has no cookie parser of its own). */
function cookieValue(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Double-submit CSRF protection for cookie sessions. Every API response of a browser without a valid
 * token cookie gets one (readable by the console's script, never sent cross-site); every
 * state-changing call must echo it in the `X-CSRF-Token` header. A cross-site page can make the
 * browser send the cookie but can neither read it nor set the header, so the check fails before
 * any handler runs. Sign-in is covered too, which stops login CSRF (signing a victim in as the
 * attacker). Mount it on `/api` before the body parsers and the session.
 */
export function csrfProtection(options: CsrfOptions): RequestHandler {
  const exempt = new Set(options.exempt ?? CSRF_EXEMPT);
  return (req, res, next) => {
    const cookie = cookieValue(req, CSRF_COOKIE);
    const valid = verifyCsrfToken(options.secret, cookie);
    if (!valid) {
      // Also on a refused request, so that the console can retry with the fresh token.
      res.cookie(CSRF_COOKIE, mintCsrfToken(options.secret), { httpOnly: false, sameSite: 'strict', secure: options.secure, path: '/' });
    }
    if (SAFE_METHODS.has(req.method) || exempt.has(`${req.method} ${req.path}`)) return next();
    const header = req.get(CSRF_HEADER);
    if (!valid || !cookie || !header || !equalStrings(header, cookie)) return next(csrfRejected());
    next();
  };
}
