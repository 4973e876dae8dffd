import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/knex';
import { DomainError } from './errors';

const messages = {
  limited: '操作过于频繁，请稍后再试',
};

export function rateLimited(): DomainError {
  return new DomainError(429, 'RATE_LIMITED', messages.limited);
}

/** How often a process deletes the counters of finished windows (any replica may do it). */
const PRUNE_EVERY_MS = 5 * 60_000;

export interface Hit {
  count: number;
  windowStart: Date;
  /** Seconds until the window ends (for Retry-After), at least 1. */
  resetInSeconds: number;
}

/**
 * Fixed-window counters in PostgreSQL, so that every API replica sees the same counts. One
 * statement per hit: insert the window's row or add one to it, and return the new count. Windows are
 * aligned to the epoch on the database's clock, so replicas with skewed clocks agree.
 */
export class RateLimitStore {
  private longestWindowSeconds = 0;
  private lastPrune = 0;

  constructor(
    private readonly db: Db,
    /** Keys are HMAC-SM3'd with it: the table then holds no IP address or phone number in clear. */
    private readonly keySecret: string,
  ) {}

  /** Limiters announce their window so pruning never removes a window still counting. */
  register(windowSeconds: number): void {
    this.longestWindowSeconds = Math.max(this.longestWindowSeconds, windowSeconds);
  }

  storedKey(name: string, subject: string): string {
    return `${name}:${crypto.createHmac('sm3', this.keySecret).update(subject).digest('hex').slice(0, 32)}`;
  }

  async hit(key: string, windowSeconds: number): Promise<Hit> {
    this.maybePrune();
    const { rows } = await this.db.raw<{ rows: Array<{ count: number; window_start: Date; reset_in: string }> }>(
      `with w as (select to_timestamp(floor(extract(epoch from now()) / :window) * :window) as start)
       insert into rate_limits as r (key, window_start, count)
       select :key, w.start, 1 from w
       on conflict (key, window_start) do update set count = r.count + 1
       returning r.count, r.window_start,
         ceil(extract(epoch from (r.window_start + make_interval(secs => :window) - now()))) as reset_in`,
      { key, window: windowSeconds },
    );
    const row = rows[0]!;
    return { count: row.count, windowStart: row.window_start, resetInSeconds: Math.max(1, Number(row.reset_in)) };
  }

  /** Gives a hit back (a successful sign-in does not use up the budget meant for failures). */
  async refund(key: string, windowStart: Date): Promise<void> {
    await this.db('rate_limits').where({ key, window_start: windowStart }).andWhere('count', '>', 0).decrement('count', 1);
  }

  /** Deletes the rows of windows that ended before the longest window of any limiter began. */
  async prune(): Promise<number> {
    const horizon = Math.max(this.longestWindowSeconds, 60);
    return this.db('rate_limits').where('window_start', '<', this.db.raw('now() - make_interval(secs => ?)', [horizon])).delete();
  }

  // Triggered by traffic rather than a timer, so an idle or test app holds no handle open.
  private maybePrune(): void {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    // Best effort: a failed prune is retried after the next interval and costs nothing now.
    this.prune().catch(() => undefined);
  }
}

export interface RateLimitRule {
  /** Names the counter (part of the stored key): one name per limit. */
  name: string;
  windowSeconds: number;
  /** Hits allowed per window and subject; the next one is refused with 429. */
  max: number;
  /** Whom the limit is for (an IP address, a username, a phone number); undefined skips the limit. */
  key: (req: Request) => string | undefined;
  /**
   * Only failures count: a response below 400 gives its hit back. The hit is still taken first, so
   * parallel attempts cannot slip past the limit before their outcome is known.
   */
  refundSuccessful?: boolean;
}

/** Takes one hit of a rule for the request; throws 429 (with `Retry-After`) when the rule is exceeded. */
async function takeHit(store: RateLimitStore, rule: RateLimitRule, req: Request, res: Response): Promise<void> {
  const subject = rule.key(req);
  if (subject === undefined) return;
  const key = store.storedKey(rule.name, subject);
  const hit = await store.hit(key, rule.windowSeconds);
  if (hit.count > rule.max) {
    res.set('Retry-After', String(hit.resetInSeconds));
    throw rateLimited();
  }
  if (rule.refundSuccessful) {
    res.on('finish', () => {
      if (res.statusCode < 400) store.refund(key, hit.windowStart).catch(() => undefined);
    });
  }
}

/** Express middleware enforcing one rule; a refused request gets 429 with `Retry-After`. */
export function rateLimit(store: RateLimitStore, rule: RateLimitRule): RequestHandler {
  store.register(rule.windowSeconds);
  return async (req, res, next) => {
    await takeHit(store, rule, req, res);
    next();
  };
}

/**
 * The rules applied from inside a route, for subjects known only there (a phone number that
 * arrives SM2-encrypted and is decrypted by the route). Call once per request; rules in order.
 */
export function routeRateLimits(store: RateLimitStore, rules: readonly RateLimitRule[]): (req: Request, res: Response) => Promise<void> {
  for (const rule of rules) store.register(rule.windowSeconds);
  return async (req, res) => {
    for (const rule of rules) await takeHit(store, rule, req, res);
  };
}

/** The client address; `trust proxy` (loopback) makes it the reverse proxy's X-Forwarded-For. */
export const clientIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** A string field of the JSON body, trimmed; undefined when absent (validation then refuses it). */
export function bodyField(req: Request, field: string): string | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || !(field in body)) return undefined;
  const value: unknown = (body as Record<string, unknown>)[field];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** The signed-in user (uploads are only for signed-in users); falls back to the address. */
const userOrIp = (req: Request): string => (req.session?.userId !== undefined ? `user:${req.session.userId}` : `ip:${clientIp(req)}`);

/**
 * Sign-in (等保: 登录失败处理, beside the per-account lock): per address 20 failed attempts a minute,
 * per username 10 failed attempts in 15 minutes, whatever the address. Successful sign-ins do not
 * count, so many candidates behind one exam centre's NAT are not locked out. Mount on the sign-in
 * path after the JSON body parser.
 */
export const signInRules: readonly RateLimitRule[] = [
  { name: 'sign-in-ip', windowSeconds: 60, max: 20, key: (req) => (req.method === 'POST' ? clientIp(req) : undefined), refundSuccessful: true },
  { name: 'sign-in-user', windowSeconds: 15 * 60, max: 10, key: (req) => (req.method === 'POST' ? bodyField(req, 'username') : undefined), refundSuccessful: true },
];

/** SMS codes cost money and can harass: per phone one a minute and 10 a day, per address 30 an hour. */
export function smsRulesFor(phoneOf: (req: Request) => string | undefined): RateLimitRule[] {
  return [
    { name: 'sms-phone-minute', windowSeconds: 60, max: 1, key: phoneOf },
    { name: 'sms-phone-day', windowSeconds: 24 * 3600, max: 10, key: phoneOf },
    { name: 'sms-ip-hour', windowSeconds: 3600, max: 30, key: clientIp },
  ];
}

/** `smsRulesFor` with the phone in clear in the JSON body. */
export const smsRules: readonly RateLimitRule[] = smsRulesFor((req) => bodyField(req, 'phone'));

/** Uploads are re-encoded (CPU) and stored: per user 60 in 10 minutes, per address 300 an hour. */
export const uploadRules: readonly RateLimitRule[] = [
  { name: 'upload-user', windowSeconds: 10 * 60, max: 60, key: userOrIp },
  { name: 'upload-ip', windowSeconds: 3600, max: 300, key: clientIp },
];

/** Middleware applying the rules in order; the first exceeded one refuses the request. */
export function rateLimits(store: RateLimitStore, rules: readonly RateLimitRule[]): RequestHandler[] {
  return rules.map((rule) => rateLimit(store, rule));
}
