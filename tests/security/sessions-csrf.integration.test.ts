import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import type { RegistrationView } from '../../api/src/contracts/registration';
import type { InboxTask } from '../../api/src/contracts/task';
import { CSRF_HEADER, mintCsrfToken } from '../../api/src/http/csrf';
import { apiAgent, createTestContext, csrfTokenOf, eventually, loginBody, newCandidate, signIn, validApplication, type TestContext } from '../support/test-env';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

const SESSION_COOKIE = 'bpm.sid';
const csrfRefusal = { code: 'CSRF', message: '页面已过期或请求来源不可信，请刷新页面后重试' };

/** The raw `bpm.sid` cookie value of an agent (`s:<sid>.<signature>`, URL-encoded). */
function sessionCookie(agent: supertest.Agent): string {
  const value = agent.jar.getCookie(SESSION_COOKIE, { domain: '127.0.0.1', path: '/', secure: false, script: false })?.value;
  if (!value) throw new Error('the agent has no session cookie');
  return value;
}

/** The session id inside the signed cookie, as stored in `user_sessions.sid`. */
const sessionId = (agent: supertest.Agent) => /^s:([^.]+)\./.exec(decodeURIComponent(sessionCookie(agent)))![1]!;

/** `GET /api/auth/me` with exactly this session cookie and nothing else. */
const meWith = (cookie: string) => supertest(ctx.app.app).get('/api/auth/me').set('cookie', `${SESSION_COOKIE}=${cookie}`);

/** Registrations of one account (other test files add theirs meanwhile, so totals would race). */
async function registrationsOf(username: string): Promise<number> {
  const [row] = await ctx.db('registrations as r').join('users as u', 'u.id', 'r.user_id').where('u.username', username).count<Array<{ count: string }>>('* as count');
  return Number(row!.count);
}

describe('sessions (S1)', () => {
  it('S1 a forged session cookie is refused: random, unsigned, or signed with another secret', async () => {
    const real = await signIn(ctx.app, 'candidate1');
    expect((await meWith(sessionCookie(real))).status).toBe(200);
    const sid = sessionId(real);
    const otherSecretSignature = crypto.createHmac('sha256', 'not-the-server-secret').update(sid).digest('base64').replace(/=+$/, '');
    const forged = [
      crypto.randomBytes(24).toString('base64url'),
      sid, // the real id, without a signature
      encodeURIComponent(`s:${sid}`),
      encodeURIComponent(`s:${sid}.${crypto.randomBytes(32).toString('base64').replace(/=+$/, '')}`),
      encodeURIComponent(`s:${sid}.${otherSecretSignature}`),
      encodeURIComponent(`s:${crypto.randomUUID()}.${crypto.randomBytes(32).toString('base64').replace(/=+$/, '')}`),
      encodeURIComponent("s:' OR '1'='1.x"),
    ];
    for (const cookie of forged) {
      const res = await meWith(cookie);
      expect(res.status, cookie).toBe(401);
      expect(res.body).toEqual({ code: 'UNAUTHENTICATED', message: '请先登录' });
    }
  });

  it('S1 an expired session is refused even with its valid signed cookie', async () => {
    const { agent, username } = await newCandidate(ctx, 'expired');
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    await ctx.db('user_sessions').where({ sid: sessionId(agent) }).update({ expire: ctx.db.raw("now() - interval '1 minute'") });
    expect((await agent.get('/api/auth/me')).status).toBe(401);
    expect((await agent.get('/api/registrations/mine')).status).toBe(401);
    expect((await agent.post('/api/registrations').send(await validApplication(ctx))).status).toBe(401);
    expect(await registrationsOf(username)).toBe(0);
  });

  it('S1 the session of a user disabled afterwards is refused at once', async () => {
    const { agent, username } = await newCandidate(ctx, 'disabled');
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    await ctx.db('users').where({ username }).update({ enabled: false });
    expect((await agent.get('/api/auth/me')).status).toBe(401);
    expect((await agent.get('/api/registrations/mine')).status).toBe(401);
    expect((await agent.post('/api/registrations').send(await validApplication(ctx))).status).toBe(401);
    expect(await registrationsOf(username)).toBe(0);
  });

  it('S1 signing in issues a new session id and ends the old one (no session fixation)', async () => {
    const agent = await signIn(ctx.app, 'candidate2');
    const first = sessionId(agent);
    await agent.post('/api/auth/login').send(await loginBody(agent, 'candidate2', 'Demo@2026')).expect(200);
    const second = sessionId(agent);
    expect(second).not.toBe(first);
    expect(await ctx.db('user_sessions').where({ sid: first }).first()).toBeUndefined();
  });
});

describe('CSRF on the real API (S1)', () => {
  it('S1 a signed-in candidate\'s submission without the token, or with a wrong one, is refused and stores nothing', async () => {
    const { agent, username } = await newCandidate(ctx, 'csrf');
    const application = await validApplication(ctx);
    const missing = await agent.post('/api/registrations').unset(CSRF_HEADER).send(application);
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual(csrfRefusal);
    const wrong = await agent.post('/api/registrations').set(CSRF_HEADER, mintCsrfToken('test-session-secret-test-session-secret')).send(application);
    expect(wrong.status).toBe(403);
    expect(await registrationsOf(username)).toBe(0);
    expect((await agent.get('/api/registrations/mine')).body).toEqual([]);
    // Reading needs no token, and the same call with it goes through.
    const created = await agent.post('/api/registrations').send(application);
    expect(created.status).toBe(201);
    expect(await registrationsOf(username)).toBe(1);
    expect(((await agent.get('/api/registrations/mine')).body as RegistrationView[]).map((r) => r.registrationNo)).toEqual([created.body.registrationNo]);
  });

  it('S1 a reviewer\'s claim without the token does not claim', async () => {
    const { agent } = await newCandidate(ctx, 'csrf-claim');
    const res = await agent.post('/api/registrations').send(await validApplication(ctx));
    expect(res.status).toBe(201);
    const reviewer = await signIn(ctx.app, 'reviewer1');
    const task = await eventually(async () => {
      const inbox = (await reviewer.get('/api/tasks?pageSize=200')).body as InboxTask[];
      return inbox.find((t) => t.businessKey === res.body.registrationNo);
    }, 'the review task');
    const refused = await reviewer.post(`/api/tasks/${task.id}/claim`).unset(CSRF_HEADER);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(csrfRefusal);
    expect((await ctx.engine.getTask(task.id)).assignee).toBeNull();
    await reviewer.post(`/api/tasks/${task.id}/claim`).expect(204);
    expect((await ctx.engine.getTask(task.id)).assignee).toBe('reviewer1');
  });

  it('S1 sign-in and sign-out need the token too (login CSRF, forced sign-out)', async () => {
    // A cross-site form posts credentials with no token at all: refused, no session is created.
    const forged = await supertest(ctx.app.app).post('/api/auth/login').send(await loginBody(await apiAgent(ctx.app), 'candidate1', 'Demo@2026'));
    expect(forged.status).toBe(403);
    expect(forged.body).toEqual(csrfRefusal);
    expect(String(forged.headers['set-cookie'] ?? '')).not.toContain(`${SESSION_COOKIE}=`);

    const agent = await apiAgent(ctx.app);
    expect((await agent.post('/api/auth/login').unset(CSRF_HEADER).send(await loginBody(agent, 'candidate1', 'Demo@2026'))).status).toBe(403);
    expect((await agent.get('/api/auth/me')).status).toBe(401);

    const signedIn = await signIn(ctx.app, 'candidate1');
    expect((await signedIn.post('/api/auth/logout').unset(CSRF_HEADER)).status).toBe(403);
    expect((await signedIn.get('/api/auth/me')).status).toBe(200);
  });

  it('S1 a token minted by another server (another secret) is refused even when cookie and header agree', async () => {
    const agent = await signIn(ctx.app, 'candidate1');
    const foreign = mintCsrfToken('another-deployment-secret-another-xx');
    const res = await supertest(ctx.app.app)
      .post('/api/auth/logout')
      .set('cookie', `${SESSION_COOKIE}=${sessionCookie(agent)}; bpm.csrf=${foreign}`)
      .set(CSRF_HEADER, foreign);
    expect(res.status).toBe(403);
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    expect(csrfTokenOf(agent)).toBeDefined();
  });
});
