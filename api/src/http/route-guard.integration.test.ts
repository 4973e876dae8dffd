import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import type { Router } from 'express';
import { apiAgent, createTestContext, loginBody, signIn, type TestContext } from '../../../tests/support/test-env';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

/** Routes that anyone may call; every other route must demand a session or a permission. */
const PUBLIC_ROUTES = ['GET /security/transport-key', 'GET /security/public-keys', 'POST /security/verify-signature', 'POST /auth/login', 'POST /auth/login/verify', 'POST /auth/logout', 'GET /auth/csrf', 'GET /health', 'GET /openapi.json', 'GET /auth/ywtb/login', 'GET /auth/ywtb/entry', 'GET /auth/ywtb/callback'];

/**
 * Callbacks of government platforms, mounted outside the API router: no session, no CSRF token; each
 * verifies the platform's SM2 signature over the raw body (tested with its module).
 */
const PLATFORM_CALLBACKS = ['POST /api/payments/callback', 'POST /api/courier/callback'];

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: Router & { stack?: Layer[] };
}

/** Every route registered in an Express router, as `METHOD path`. */
function registeredRoutes(router: { stack: Layer[] }): string[] {
  return router.stack.flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`) : layer.handle.stack ? registeredRoutes(layer.handle as { stack: Layer[] }) : [],
  );
}

describe('route guards (S1)', () => {
  it('S1 every route registered in the app is declared with an access rule; public routes are exactly the allow-list', () => {
    const declared = ctx.app.routes.declared.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    const apiRoutes = registeredRoutes(ctx.app.routes.router as unknown as { stack: Layer[] });
    expect(apiRoutes.sort()).toEqual([...declared].sort());
    const allRoutes = registeredRoutes((ctx.app.app as unknown as { router: { stack: Layer[] } }).router);
    // Beyond the declared routes, only the platform callbacks (each mounted when its platform is configured).
    expect(allRoutes.filter((r) => !declared.includes(r)).every((r) => PLATFORM_CALLBACKS.includes(r))).toBe(true);
    expect(declared.every((r) => allRoutes.includes(r))).toBe(true);
    const publicOnes = ctx.app.routes.declared.filter((r) => 'public' in r.access).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(publicOnes.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('S1 every non-public route answers 401 without a session', async () => {
    // With the CSRF token, so that the session check is what answers.
    const anonymous = await apiAgent(ctx.app);
    for (const r of ctx.app.routes.declared.filter((d) => !('public' in d.access))) {
      const path = `/api${r.path.replace(':registrationNo', 'BM202601000001').replace(':id', '00000000-0000-0000-0000-000000000000')}`;
      const res = await anonymous[r.method](path).send({});
      expect(res.status, `${r.method} ${path}`).toBe(401);
      expect(res.body.message).toBe('请先登录');
    }
  });

  it('S1 a signed-in user without the permission gets 403', async () => {
    const candidate = await signIn(ctx.app, 'candidate1');
    expect((await candidate.get('/api/tasks')).status).toBe(403);
    expect((await candidate.post('/api/processes/deployments')).status).toBe(403);
    const reviewer = await signIn(ctx.app, 'reviewer1');
    expect((await reviewer.post('/api/registrations').send({})).status).toBe(403);
  });

  it('S1 sign-in: wrong password is refused in Chinese, and five failures lock the account', async () => {
    const { UserRepository } = await import('../auth/user.repository');
    const { hashPassword } = await import('../auth/password');
    const username = `lock-${Date.now()}`;
    await new UserRepository(ctx.db, ctx.security).upsertUser({ username, displayName: '锁定测试', kind: 'staff', passwordHash: await hashPassword('Right@2026'), bureau: null }, ['exam-reviewer']);
    const anonymous = await apiAgent(ctx.app);
    for (let i = 0; i < 5; i++) {
      const res = await anonymous.post('/api/auth/login').send(await loginBody(anonymous, username, 'wrong'));
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('用户名或密码错误');
    }
    const locked = await anonymous.post('/api/auth/login').send(await loginBody(anonymous, username, 'Right@2026'));
    expect(locked.status).toBe(423);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
  });

  it('S2 the password travels only SM2-encrypted, and each ciphertext works once and only for a few minutes', async () => {
    const anonymous = await apiAgent(ctx.app);
    const plain = await anonymous.post('/api/auth/login').send({ username: 'candidate1', password: 'Demo@2026' });
    expect(plain.status).toBe(400);
    expect(plain.body.fields).toEqual([{ field: 'passwordCipher', message: '请输入密码' }]);

    const body = await loginBody(anonymous, 'candidate1', 'Demo@2026');
    expect(body.passwordCipher).not.toContain(Buffer.from('Demo@2026').toString('hex'));
    expect((await anonymous.post('/api/auth/login').send(body)).status).toBe(200);
    const replay = await (await apiAgent(ctx.app)).post('/api/auth/login').send(body);
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('LOGIN_CIPHER');

    const stale = await loginBody(anonymous, 'candidate1', 'Demo@2026', { timestamp: Date.now() - 10 * 60_000 });
    expect((await anonymous.post('/api/auth/login').send(stale)).body.code).toBe('LOGIN_CIPHER');
    const garbage = await anonymous.post('/api/auth/login').send({ username: 'candidate1', passwordCipher: `04${'ab'.repeat(200)}` });
    expect(garbage.status).toBe(400);
    expect(garbage.body.message).toBe('登录信息无法解密或已过期，请刷新页面后重试');
  });

  it('S1 signing out ends the session', async () => {
    const agent = await signIn(ctx.app, 'candidate1');
    expect((await agent.get('/api/auth/me')).body).toMatchObject({ username: 'candidate1', roles: ['candidate'], bureau: null });
    await agent.post('/api/auth/logout').expect(204);
    expect((await agent.get('/api/auth/me')).status).toBe(401);
  });

  it('approvers carry their bureau', async () => {
    const agent = await signIn(ctx.app, 'approver-zjw');
    expect((await agent.get('/api/auth/me')).body).toMatchObject({ roles: ['approver-zjw'], bureau: 'zjw', permissions: ['licence-task:complete', 'licence-task:read'] });
  });
});

describe('API description and health', () => {
  it('GET /api/openapi.json describes every declared route with its permission', async () => {
    const res = await supertest(ctx.app.app).get('/api/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const r of ctx.app.routes.declared) {
      const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(res.body.paths[path]?.[r.method], `${r.method} ${path}`).toBeDefined();
    }
    expect(res.body.paths['/registrations'].post.description).toBe('权限: `registration:create`');
  });

  it('GET /api/health reports database, engine and workers as up', async () => {
    const res = await supertest(ctx.app.app).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'up', components: { database: { status: 'up' }, engine: { status: 'up' }, workers: { status: 'up' } } });
  });

  it('GET /api/health answers 503 naming the engine when it cannot be reached; the raw cause only for operators', async () => {
    const { createApp } = await import('../app');
    const { EngineClient } = await import('../engine/engine-client');
    const pino = (await import('pino')).default;
    const bpm = createApp({
      config: { sessionSecret: 'x'.repeat(32), sessionIdleMinutes: 30, databaseUrl: ctx.env.databaseUrl },
      db: ctx.db,
      engine: new EngineClient('http://127.0.0.1:9/engine-rest', 'u', 'p', 2_000),
      documents: undefined as never,
      security: ctx.security,
      log: pino({ level: 'silent' }),
    });
    try {
      const res = await supertest(bpm.app).get('/api/health');
      expect(res.status).toBe(503);
      expect(res.body.components.engine).toEqual({ status: 'down', reason: '流程引擎不可用' });
      expect(res.body.components.database.status).toBe('up');
      // Nothing of the cause (addresses, driver messages) reaches the public.
      expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
      const operator = await signIn(bpm, 'sysadmin');
      const full = await operator.get('/api/health');
      expect(full.status).toBe(503);
      expect(full.body.components.engine).toMatchObject({ status: 'down', reason: '流程引擎不可用', detail: expect.any(String) });
    } finally {
      await bpm.close();
    }
  });

  it('unknown API paths and malformed JSON get a Chinese error', async () => {
    const anonymous = await apiAgent(ctx.app);
    expect((await anonymous.get('/api/nope')).body).toEqual({ code: 'NOT_FOUND', message: '接口不存在' });
    const bad = await anonymous.post('/api/auth/login').set('content-type', 'application/json').send('{"username":');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('请求格式不正确');
  });
});
