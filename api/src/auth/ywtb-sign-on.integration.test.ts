import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { createTestContext, listen, uniqueIdNumber, type TestContext } from '../../../tests/support/test-env';
import { YwtbIdentity } from '../integrations/ywtb/ywtb-identity';
import { startYwtbSandbox, type YwtbSandbox } from '../integrations/ywtb/sandbox/ywtb-sandbox';
import { generateSm2KeyPair } from '../security/sm2-keys';
import { ywtbWire } from '../integrations/ywtb/ywtb-wire';

let ctx: TestContext;
let server: { baseUrl: string; close(): Promise<void> };
// Served on one port for the whole file: the callback URL (our redirect_uri) must not change between login and callback.
beforeAll(async () => {
  ctx = createTestContext();
  server = await listen(ctx.app);
});
afterAll(async () => {
  await server.close();
  await ctx.close();
});
const browser = () => supertest.agent(server.baseUrl);

type Identity = { identity: string } | { name: string; idNumber: string; phone: string };

/** The browser's visit to the platform: its sign-in page, then the form; the redirect back (path + query). */
async function atPlatform(authorizeUrl: string, who: Identity): Promise<string> {
  const url = new URL(authorizeUrl);
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const a = ywtbWire.authorize;
  const form = new URLSearchParams({
    client_id: url.searchParams.get(a.clientId)!,
    redirect_uri: url.searchParams.get(a.redirectUri)!,
    state: url.searchParams.get(a.state)!,
    nonce: url.searchParams.get(a.nonce)!,
    ...('identity' in who ? { identity: who.identity } : { identity: 'manual', ...who }),
  });
  const res = await fetch(`${url.origin}${ywtbWire.paths.authorize}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.pathname).toBe('/api/auth/ywtb/callback');
  return `${back.pathname}${back.search}`;
}

/** GET start → platform → callback, redirects followed by hand; the callback's answer. */
async function signOn(agent: supertest.Agent, start: string, who: Identity): Promise<supertest.Response> {
  const login = await agent.get(start);
  expect(login.status).toBe(302);
  return agent.get(await atPlatform(login.headers.location!, who));
}

const freshPerson = () => ({ name: '钱七', idNumber: uniqueIdNumber(), phone: `135${String(Date.now() % 1e8).padStart(8, '0')}` });

async function lastCallbackAudit(): Promise<{ result: string; detail: { code?: string; reason?: string; created?: boolean } }> {
  return ctx.db('audit_log').where({ action: 'auth.ywtb-callback' }).orderBy('id', 'desc').first('result', 'detail');
}

describe('一网通办 sign-on (M01, M07, G2)', () => {
  it('M01 login sets a short-lived HttpOnly SameSite=Lax state cookie and redirects to the platform with state and nonce', async () => {
    const res = await supertest(ctx.app.app).get('/api/auth/ywtb/login?returnTo=/portal/apply');
    expect(res.status).toBe(302);
    const target = new URL(res.headers.location!);
    expect(`${target.origin}${target.pathname}`).toBe(`${ctx.env.ywtbBaseUrl}/authorize`);
    expect(target.searchParams.get('client_id')).toBe(ctx.env.ywtbClientId);
    expect(target.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/auth\/ywtb\/callback$/);
    expect(target.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(target.searchParams.get('nonce')!.length).toBeGreaterThanOrEqual(32);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('bpm.oidc='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/api\/auth\/ywtb/);
    expect(cookie).toMatch(/Max-Age=600/);
    expect(cookie).not.toContain(target.searchParams.get('nonce')!);
  });

  it('M01 first sign-in creates the candidate account with the identity pre-filled and encrypted at rest; the second finds it', async () => {
    const person = freshPerson();
    const agent = browser();
    const first = await signOn(agent, '/api/auth/ywtb/login?returnTo=/portal/apply', person);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/portal/apply');
    const me = await agent.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ displayName: '钱七', roles: ['candidate'] });
    expect(me.body.username).toMatch(/^ywtb:[0-9a-f]{32}$/);
    expect((await lastCallbackAudit())).toMatchObject({ result: 'success', detail: { created: true } });

    const row = await ctx.db('users').where({ username: me.body.username }).first();
    expect(row).toMatchObject({ kind: 'candidate', display_name: '钱七', password_hash: null, ywtb_sub: me.body.username.slice(5) });
    expect(row.id_number).toMatch(/^sm4:/);
    expect(row.phone).toMatch(/^sm4:/);
    expect(JSON.stringify(row)).not.toContain(person.idNumber);
    expect(JSON.stringify(row)).not.toContain(person.phone);
    expect(ctx.security.cipher.decrypt(row.id_number)).toBe(person.idNumber);
    expect(ctx.security.cipher.decrypt(row.phone)).toBe(person.phone);
    expect(row.id_number_idx).toBe(ctx.security.index('id-number', person.idNumber));

    const again = browser();
    const second = await signOn(again, '/api/auth/ywtb/login?returnTo=/portal/registrations', person);
    expect(second.headers.location).toBe('/portal/registrations');
    const meAgain = await again.get('/api/auth/me');
    expect(meAgain.body.id).toBe(me.body.id);
    expect(await ctx.db('users').where({ ywtb_sub: row.ywtb_sub }).count<Array<{ count: string }>>('* as count')).toEqual([{ count: '1' }]);
    expect((await lastCallbackAudit()).detail.created).toBe(false);
  });

  it('M01 the 一网通办 entry link leads straight to the application form; a foreign returnTo lands on /', async () => {
    const agent = browser();
    const entry = await signOn(agent, '/api/auth/ywtb/entry', { identity: '1' });
    expect(entry.headers.location).toBe('/portal/apply');
    expect((await agent.get('/api/auth/me')).body.displayName).toBe('李四');
    for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const other = browser();
      const res = await signOn(other, `/api/auth/ywtb/login?returnTo=${encodeURIComponent(returnTo)}`, { identity: '1' });
      expect(res.headers.location, returnTo).toBe('/');
    }
  });

  it('G2 a wrong or missing state, a replayed callback and a cancelled sign-in are refused with /login?error=', async () => {
    const agent = browser();
    const login = await agent.get('/api/auth/ywtb/login');
    const callback = await atPlatform(login.headers.location!, { identity: '0' });
    const forgedState = callback.replace(/state=[^&]+/, 'state=attacker-chosen-state-000000');
    const wrong = await agent.get(forgedState);
    expect(wrong.headers.location).toBe('/login?error=ywtb_state');
    expect((await agent.get('/api/auth/me')).status).toBe(401);
    expect((await lastCallbackAudit())).toMatchObject({ result: 'failure', detail: { code: 'ywtb_state', reason: 'state-mismatch' } });

    // The victim's callback in another browser (login CSRF): no state cookie there.
    const login2 = await agent.get('/api/auth/ywtb/login');
    const callback2 = await atPlatform(login2.headers.location!, { identity: '0' });
    const elsewhere = await browser().get(callback2);
    expect(elsewhere.headers.location).toBe('/login?error=ywtb_state');

    const login3 = await agent.get('/api/auth/ywtb/login');
    const callback3 = await atPlatform(login3.headers.location!, { identity: '0' });
    expect((await agent.get(callback3)).headers.location).toBe('/');
    expect((await agent.get(callback3)).headers.location).toBe('/login?error=ywtb_state');

    const cancelled = browser();
    const start = new URL((await cancelled.get('/api/auth/ywtb/login')).headers.location!);
    const res = await fetch(`${start.origin}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: start.searchParams.get('client_id')!, redirect_uri: start.searchParams.get('redirect_uri')!, state: start.searchParams.get('state')!, nonce: start.searchParams.get('nonce')!, action: 'cancel' }),
    });
    const back = new URL(res.headers.get('location')!);
    expect((await cancelled.get(`${back.pathname}${back.search}`)).headers.location).toBe('/login?error=ywtb_denied');
  });

  it('M07 a forged ID token (not signed by the platform key) is refused and signs nobody in', async () => {
    const forged = createTestContext({
      ywtb: new YwtbIdentity({ baseUrl: ctx.env.ywtbBaseUrl, clientId: ctx.env.ywtbClientId, clientSecret: ctx.env.ywtbClientSecret, publicKey: generateSm2KeyPair().publicKey, sm2: ctx.security.sm2 }),
    });
    const forgedServer = await listen(forged.app);
    try {
      const agent = supertest.agent(forgedServer.baseUrl);
      const res = await signOn(agent, '/api/auth/ywtb/login', freshPerson());
      expect(res.headers.location).toBe('/login?error=ywtb_token');
      expect((await agent.get('/api/auth/me')).status).toBe(401);
      expect((await lastCallbackAudit())).toMatchObject({ result: 'failure', detail: { code: 'ywtb_token', reason: 'token:bad-signature' } });
    } finally {
      await forgedServer.close();
      await forged.close();
    }
  });

  it('M07 an expired ID token is refused', async () => {
    let stale: YwtbSandbox | undefined;
    let staleCtx: TestContext | undefined;
    let staleServer: { baseUrl: string; close(): Promise<void> } | undefined;
    try {
      stale = await startYwtbSandbox({ port: 0, clients: [{ clientId: 'stale-client', clientSecret: 'stale-secret-0123456789', redirectUris: ['http://127.0.0.1/api/auth/ywtb/callback'] }], tokenLifetimeSeconds: -120, latencyMs: 1 });
      staleCtx = createTestContext({ ywtb: new YwtbIdentity({ baseUrl: stale.url, clientId: 'stale-client', clientSecret: 'stale-secret-0123456789', publicKey: stale.publicKey, sm2: ctx.security.sm2 }) });
      staleServer = await listen(staleCtx.app);
      const agent = supertest.agent(staleServer.baseUrl);
      const res = await signOn(agent, '/api/auth/ywtb/login', freshPerson());
      expect(res.headers.location).toBe('/login?error=ywtb_token');
      expect((await lastCallbackAudit()).detail.reason).toBe('token:expired');
    } finally {
      await staleServer?.close();
      await staleCtx?.close();
      await stale?.close();
    }
  });
});
