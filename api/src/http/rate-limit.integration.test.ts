import express, { type Express } from 'express';
import pino from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAgent, createTestContext, loginBody, type TestContext } from '../../../tests/support/test-env';
import { errorMiddleware } from './error-middleware';
import { RateLimitStore, clientIp, rateLimit, type RateLimitRule } from './rate-limit';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

const SECRET = 'rate-limit-test-secret-rate-limit-test';
const run = `${process.pid}-${Date.now()}`;

/** A small app with one limited route, standing for one API replica. */
function replica(rule: Omit<RateLimitRule, 'key'> & { key?: RateLimitRule['key'] }, status = 200): Express {
  const app = express();
  app.set('trust proxy', 'loopback');
  app.post('/limited', rateLimit(new RateLimitStore(ctx.db, SECRET), { key: clientIp, ...rule }), (_req, res) => void res.status(status).json({ ok: true }));
  app.use(errorMiddleware(pino({ level: 'silent' })));
  return app;
}

/** Waits until the current fixed window has at least `seconds` left, so a burst stays in one window. */
async function roomInWindow(windowSeconds: number, seconds: number): Promise<void> {
  const { rows } = await ctx.db.raw<{ rows: Array<{ left: string }> }>('select ? - extract(epoch from now())::numeric % ? as left', [windowSeconds, windowSeconds]);
  const left = Number(rows[0]!.left);
  if (left < seconds) await new Promise((r) => setTimeout(r, left * 1000 + 200));
}

/** A documentation address (RFC 5737) as the client, given through the trusted loopback proxy. */
let nextAddress = Math.floor(Math.random() * 200);
const address = () => `192.0.2.${(nextAddress++ % 250) + 1}`;

describe('PostgreSQL rate limiter (S1)', () => {
  it('S1 refuses the hit after max with 429, Retry-After and a Chinese message; other clients are not affected', async () => {
    const app = replica({ name: `t-basic-${run}`, windowSeconds: 60, max: 3 });
    await roomInWindow(60, 10);
    const ip = address();
    for (let i = 0; i < 3; i++) await supertest(app).post('/limited').set('x-forwarded-for', ip).expect(200);
    const refused = await supertest(app).post('/limited').set('x-forwarded-for', ip);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ code: 'RATE_LIMITED', message: '操作过于频繁，请稍后再试' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await supertest(app).post('/limited').set('x-forwarded-for', address()).expect(200);
  });

  it('S1 replicas share the counts through the database', async () => {
    const rule = { name: `t-shared-${run}`, windowSeconds: 60, max: 4 };
    const [a, b] = [replica(rule), replica(rule)];
    await roomInWindow(60, 10);
    const ip = address();
    await supertest(a).post('/limited').set('x-forwarded-for', ip).expect(200);
    await supertest(b).post('/limited').set('x-forwarded-for', ip).expect(200);
    // Concurrent hits are counted exactly (one upsert each, no read-then-write race).
    const burst = await Promise.all([a, b, a].map((app) => supertest(app).post('/limited').set('x-forwarded-for', ip)));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 429]);
  });

  it('S1 a new window starts a new count', async () => {
    const app = replica({ name: `t-window-${run}`, windowSeconds: 2, max: 1 });
    await roomInWindow(2, 1);
    const ip = address();
    await supertest(app).post('/limited').set('x-forwarded-for', ip).expect(200);
    expect((await supertest(app).post('/limited').set('x-forwarded-for', ip)).status).toBe(429);
    await new Promise((r) => setTimeout(r, 2_100));
    await supertest(app).post('/limited').set('x-forwarded-for', ip).expect(200);
  });

  it('S1 with refundSuccessful only failures count', async () => {
    const ok = replica({ name: `t-refund-${run}`, windowSeconds: 60, max: 2, refundSuccessful: true });
    const failing = replica({ name: `t-refund-${run}`, windowSeconds: 60, max: 2, refundSuccessful: true }, 401);
    await roomInWindow(60, 10);
    const ip = address();
    for (let i = 0; i < 5; i++) await supertest(ok).post('/limited').set('x-forwarded-for', ip).expect(200);
    await supertest(failing).post('/limited').set('x-forwarded-for', ip).expect(401);
    await supertest(failing).post('/limited').set('x-forwarded-for', ip).expect(401);
    expect((await supertest(ok).post('/limited').set('x-forwarded-for', ip)).status).toBe(429);
  });

  it('S1 stores keyed hashes, never the address; prunes finished windows and keeps current ones', async () => {
    const name = `t-prune-${run}`;
    const app = replica({ name, windowSeconds: 60, max: 100 });
    const ip = address();
    await supertest(app).post('/limited').set('x-forwarded-for', ip).expect(200);
    const rows: Array<{ key: string }> = await ctx.db('rate_limits').where('key', 'like', `${name}:%`).select('key');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).not.toContain(ip);
    expect(rows[0]!.key).toMatch(new RegExp(`^${name}:[0-9a-f]{32}$`));

    await ctx.db('rate_limits').insert({ key: `${name}:old`, window_start: ctx.db.raw("now() - interval '2 days'"), count: 7 });
    const store = new RateLimitStore(ctx.db, SECRET);
    store.register(3600);
    expect(await store.prune()).toBeGreaterThanOrEqual(1);
    const left: Array<{ key: string }> = await ctx.db('rate_limits').where('key', 'like', `${name}:%`).select('key');
    expect(left.map((r) => r.key)).toEqual([rows[0]!.key]);
  });
});

describe('sign-in limits (S1)', () => {
  it('S1 per address: 20 failed sign-ins a minute, then 429 even with the right password', async () => {
    const agent = await apiAgent(ctx.app);
    await roomInWindow(60, 15);
    const ip = address();
    // Successful sign-ins do not count (an exam centre's candidates share one NAT address).
    for (let i = 0; i < 3; i++) await agent.post('/api/auth/login').set('x-forwarded-for', ip).send(await loginBody(agent, 'candidate2', 'Demo@2026')).expect(200);
    for (let i = 0; i < 20; i++) {
      const res = await agent.post('/api/auth/login').set('x-forwarded-for', ip).send(await loginBody(agent, `nobody-${run}-${i}`, 'wrong'));
      expect(res.status).toBe(401);
    }
    const refused = await agent.post('/api/auth/login').set('x-forwarded-for', ip).send(await loginBody(agent, 'candidate2', 'Demo@2026'));
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    await agent.post('/api/auth/login').set('x-forwarded-for', address()).send(await loginBody(agent, 'candidate2', 'Demo@2026')).expect(200);
  });

  it('S1 per username: 10 failed sign-ins in 15 minutes from any addresses, then 429', async () => {
    const agent = await apiAgent(ctx.app);
    await roomInWindow(900, 30);
    const username = `spray-${run}`;
    for (let i = 0; i < 10; i++) {
      const res = await agent.post('/api/auth/login').set('x-forwarded-for', address()).send(await loginBody(agent, username, `guess-${i}`));
      expect(res.status).toBe(401);
    }
    const refused = await agent.post('/api/auth/login').set('x-forwarded-for', address()).send(await loginBody(agent, username, 'guess-x'));
    expect(refused.status).toBe(429);
    expect(refused.body.message).toBe('操作过于频繁，请稍后再试');
  });
});
