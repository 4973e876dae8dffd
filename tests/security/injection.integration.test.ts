import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import type { RegistrationView } from '../../api/src/contracts/registration';
import type { InboxTask } from '../../api/src/contracts/task';
import { hashPassword } from '../../api/src/auth/password';
import { UserRepository } from '../../api/src/auth/user.repository';
import { apiAgent, createTestContext, eventually, loginBody, newCandidate, signIn, validApplication, type TestContext } from '../support/test-env';
import { sqlInjection, xss } from './payloads';

let ctx: TestContext;
let reviewer: supertest.Agent;
beforeAll(async () => {
  ctx = createTestContext();
  reviewer = await signIn(ctx.app, 'reviewer1');
});
afterAll(() => ctx.close());

const payloads = [...sqlInjection, ...xss];
/** PostgreSQL cannot store NUL; the API refuses control characters in any input with a 400. */
const hasControl = (p: string) => /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(p);
const storable = payloads.filter((p) => !hasControl(p));
const run = `${process.pid}-${Date.now()}`;

interface Rows {
  users: number[];
  registrations: number[];
}

/** Ids of every user and registration now. */
async function existingRows(): Promise<Rows> {
  return { users: await ctx.db('users').pluck('id'), registrations: await ctx.db('registrations').pluck('id') };
}

/**
 * Row counts, made exact under concurrency: other test files add users and registrations while this
 * one runs, so instead of comparing totals, every row that existed before must still exist (no
 * DELETE, DROP or TRUNCATE got through) and the rows this test's own accounts own are counted.
 */
async function expectNothingRemoved(before: Rows): Promise<void> {
  const now = await existingRows();
  const users = new Set(now.users);
  const registrations = new Set(now.registrations);
  expect(before.users.filter((id) => !users.has(id))).toEqual([]);
  expect(before.registrations.filter((id) => !registrations.has(id))).toEqual([]);
}

/** Registrations owned by the accounts with these usernames. */
async function registrationsOf(usernames: string[]): Promise<number> {
  const [row] = await ctx.db('registrations as r').join('users as u', 'u.id', 'r.user_id').whereIn('u.username', usernames).count<Array<{ count: string }>>('* as count');
  return Number(row!.count);
}

/** The answer to a hostile input: one of `allowed`, as the API's JSON error with a Chinese message. */
function expectRefusal(res: supertest.Response, allowed: number[], what: string): void {
  expect(allowed, `${what}: ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
  expect(res.headers['content-type'], what).toMatch(/^application\/json/);
  expect(typeof res.body.code, what).toBe('string');
  expect(res.body.message, what).toMatch(/[\u4e00-\u9fff]/);
}

/**
 * Every address counts its failed sign-ins; each hostile sign-in comes from its own documentation
 * address (RFC 5737, through the trusted loopback proxy) so that the limiter does not answer first.
 */
let nextAddress = 0;
const freshAddress = () => `198.51.100.${(nextAddress++ % 250) + 1}`;

describe('SQL injection and XSS payloads against every text input of the API (S1)', () => {
  it('S1 sign-in username, password and password cipher: refused with 400/401, nobody signed in, nothing written', async () => {
    const before = await existingRows();
    const anonymous = await apiAgent(ctx.app);
    for (const p of payloads) {
      const res = await anonymous.post('/api/auth/login').set('x-forwarded-for', freshAddress()).send(await loginBody(anonymous, p, 'Demo@2026'));
      expectRefusal(res, [400, 401], `username ${p}`);
      const cipher = await anonymous.post('/api/auth/login').set('x-forwarded-for', freshAddress()).send({ username: `inj-cipher-${run}-${nextAddress}`, passwordCipher: p });
      expectRefusal(cipher, [400, 401], `passwordCipher ${p}`);
    }
    // Passwords go to a real account; a fresh one every few tries, before lock-out or the per-username limit.
    const users = new UserRepository(ctx.db, ctx.security);
    const passwordHash = await hashPassword('Right@2026');
    let username = '';
    for (const [i, p] of payloads.entries()) {
      if (i % 4 === 0) {
        username = `inj-pw-${run}-${i}`;
        await users.upsertUser({ username, displayName: '注入测试', kind: 'candidate', passwordHash, bureau: null }, ['candidate']);
      }
      const res = await anonymous.post('/api/auth/login').set('x-forwarded-for', freshAddress()).send(await loginBody(anonymous, username, p));
      expectRefusal(res, [400, 401], `password ${p}`);
    }
    expect((await anonymous.get('/api/auth/me')).status).toBe(401);
    await expectNothingRemoved(before);
    expect(await ctx.db('users').whereIn('username', storable).count<Array<{ count: string }>>('* as count')).toEqual([{ count: '0' }]);
  });

  it('S1 registration fields with a format (fullName, idNumber, phone, majorCode): 400 naming the field, nothing stored', async () => {
    const { agent, username } = await newCandidate(ctx, 'inj-fields');
    const before = await existingRows();
    for (const field of ['fullName', 'idNumber', 'phone', 'majorCode'] as const) {
      for (const p of payloads) {
        const res = await agent.post('/api/registrations').send(await validApplication(ctx, { [field]: p }));
        expectRefusal(res, [400], `${field} ${p}`);
        expect((res.body.fields as Array<{ field: string }>).map((f) => f.field), `${field} ${p}`).toContain(field);
      }
    }
    await expectNothingRemoved(before);
    expect(await registrationsOf([username])).toBe(0);
  });

  it('S1 route parameters and query strings: 400 or 404, never 500', async () => {
    const { agent: candidate, username } = await newCandidate(ctx, 'inj-params');
    const before = await existingRows();
    for (const p of payloads) {
      const no = encodeURIComponent(p);
      for (const path of [`/api/registrations/${no}`, `/api/registrations/${no}/timeline`, `/api/registrations/${no}/form.pdf`]) {
        expectRefusal(await candidate.get(path), [400, 404], `GET ${path}`);
      }
      for (const action of ['claim', 'unclaim', 'complete']) {
        expectRefusal(await reviewer.post(`/api/tasks/${no}/${action}`).send({ decision: 'approve' }), [400, 404], `task ${action} ${p}`);
      }
      expectRefusal(await reviewer.get(`/api/tasks?tab=${no}`), [400], `tab ${p}`);
      expectRefusal(await reviewer.get(`/api/tasks?page=${no}`), [400], `page ${p}`);
      expectRefusal(await reviewer.get(`/api/tasks?pageSize=${no}`), [400], `pageSize ${p}`);
    }
    await expectNothingRemoved(before);
    expect(await registrationsOf([username])).toBe(0);
  });

  it('S1 free text (employer, review comment) is stored and returned verbatim: escaping is the renderer\'s job', async () => {
    expect(storable.length).toBeLessThan(payloads.length);
    const before = await existingRows();
    const { agent: refused, username: refusedName } = await newCandidate(ctx, 'inj-control');
    for (const payload of payloads.filter(hasControl)) {
      const res = await refused.post('/api/registrations').send(await validApplication(ctx, { employer: payload }));
      expectRefusal(res, [400], `employer ${JSON.stringify(payload)}`);
      expect(res.body.fields).toEqual([{ field: 'employer', message: '内容包含不允许的控制字符或无效字符，请删除后重试' }]);
    }
    // One candidate per payload: a person registers once per exam.
    expect(await registrationsOf([refusedName])).toBe(0);
    const cases: Array<{ payload: string; agent: supertest.Agent; username: string; registrationNo: string }> = [];
    for (const payload of storable) {
      const { agent, username } = await newCandidate(ctx, 'inj-text');
      const res = await agent.post('/api/registrations').send(await validApplication(ctx, { employer: payload }));
      expect(res.status, `employer ${payload}: ${JSON.stringify(res.body)}`).toBe(201);
      expect((res.body as RegistrationView).employer).toBe(payload);
      cases.push({ payload, agent, username, registrationNo: (res.body as RegistrationView).registrationNo });
    }
    expect(await registrationsOf(cases.map((c) => c.username))).toBe(storable.length);

    const tasks = await eventually(async () => {
      const inbox = (await reviewer.get('/api/tasks?tab=todo&pageSize=200')).body as InboxTask[];
      const byNo = new Map(inbox.map((t) => [t.businessKey, t]));
      return cases.every((c) => byNo.has(c.registrationNo)) ? byNo : undefined;
    }, 'review tasks of every case', 90_000);
    // The comment of each case is the payload of another, so every payload also travels as a comment.
    const commentOf = (i: number) => storable[(i + 1) % storable.length]!;
    for (const [i, c] of cases.entries()) {
      const task = tasks.get(c.registrationNo)!;
      await reviewer.post(`/api/tasks/${task.id}/claim`).expect(204);
      if (i === 0) {
        for (const payload of payloads.filter(hasControl)) {
          expectRefusal(await reviewer.post(`/api/tasks/${task.id}/complete`).send({ decision: 'approve', comment: payload }), [400], `comment ${JSON.stringify(payload)}`);
        }
      }
      const comment = commentOf(i);
      const res = await reviewer.post(`/api/tasks/${task.id}/complete`).send({ decision: 'approve', comment });
      expect(res.status, `comment ${comment}: ${JSON.stringify(res.body)}`).toBe(204);
    }
    for (const [i, c] of cases.entries()) {
      const view = await eventually(async () => {
        const v = (await c.agent.get(`/api/registrations/${c.registrationNo}`)).body as RegistrationView;
        return v.status === 'approved' ? v : undefined;
      }, `the review of ${c.registrationNo}`);
      expect(view.employer).toBe(c.payload);
      expect(view.reviewComment).toBe(commentOf(i));
    }
    await expectNothingRemoved(before);
    expect(await registrationsOf(cases.map((c) => c.username))).toBe(storable.length);
  }, 240_000);
});
