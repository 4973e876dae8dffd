import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import type { RegistrationView } from '../../api/src/contracts/registration';
import type { InboxTask } from '../../api/src/contracts/task';
import { hashPassword } from '../../api/src/auth/password';
import { UserRepository } from '../../api/src/auth/user.repository';
import { apiAgent, createTestContext, eventually, newCandidate, signIn, validApplication, type TestContext } from '../support/test-env';
import { sqlInjection, xss } from './payloads';

let ctx: TestContext;
let reviewer: supertest.Agent;
beforeAll(async () => {
  ctx = createTestContext();
  reviewer = await signIn(ctx.app, 'reviewer1');
});
afterAll(() => ctx.close());

const payloads = [...sqlInjection, ...xss];
const run = `${process.pid}-${Date.now()}`;

async function rowCounts(): Promise<{ users: number; registrations: number }> {
  const count = async (table: string) => Number((await ctx.db(table).count<Array<{ count: string }>>('* as count'))[0]!.count);
  return { users: await count('users'), registrations: await count('registrations') };
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
  it('S1 sign-in username and password: refused with 400/401, nobody signed in, nothing written', async () => {
    const before = await rowCounts();
    const anonymous = await apiAgent(ctx.app);
    for (const p of payloads) {
      const res = await anonymous.post('/api/auth/login').set('x-forwarded-for', freshAddress()).send({ username: p, password: 'Demo@2026' });
      expectRefusal(res, [400, 401], `username ${p}`);
    }
    // Passwords go to a real account; a fresh one every few tries, before lock-out or the per-username limit.
    const users = new UserRepository(ctx.db);
    const passwordHash = await hashPassword('Right@2026');
    let username = '';
    for (const [i, p] of payloads.entries()) {
      if (i % 4 === 0) {
        username = `inj-pw-${run}-${i}`;
        await users.upsertUser({ username, displayName: '注入测试', kind: 'candidate', passwordHash, bureau: null }, ['candidate']);
      }
      const res = await anonymous.post('/api/auth/login').set('x-forwarded-for', freshAddress()).send({ username, password: p });
      expectRefusal(res, [400, 401], `password ${p}`);
    }
    expect((await anonymous.get('/api/auth/me')).status).toBe(401);
    expect(await rowCounts()).toEqual({ ...before, users: before.users + Math.ceil(payloads.length / 4) });
  });

  it('S1 registration fields with a format (fullName, idNumber, phone, majorCode): 400 naming the field, nothing stored', async () => {
    const { agent } = await newCandidate(ctx, 'inj-fields');
    const before = await rowCounts();
    for (const field of ['fullName', 'idNumber', 'phone', 'majorCode'] as const) {
      for (const p of payloads) {
        const res = await agent.post('/api/registrations').send(await validApplication(ctx, { [field]: p }));
        expectRefusal(res, [400], `${field} ${p}`);
        expect((res.body.fields as Array<{ field: string }>).map((f) => f.field), `${field} ${p}`).toContain(field);
      }
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('S1 route parameters and query strings: 400 or 404, never 500', async () => {
    const { agent: candidate } = await newCandidate(ctx, 'inj-params');
    const before = await rowCounts();
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
    expect(await rowCounts()).toEqual(before);
  });

  it('S1 free text (employer, review comment) is stored and returned verbatim: escaping is the renderer\'s job', async () => {
    const before = await rowCounts();
    // One candidate per payload: a person registers once per exam.
    const cases: Array<{ payload: string; agent: supertest.Agent; registrationNo: string }> = [];
    for (const payload of payloads) {
      const { agent } = await newCandidate(ctx, 'inj-text');
      const res = await agent.post('/api/registrations').send(await validApplication(ctx, { employer: payload }));
      expect(res.status, `employer ${payload}: ${JSON.stringify(res.body)}`).toBe(201);
      expect((res.body as RegistrationView).employer).toBe(payload);
      cases.push({ payload, agent, registrationNo: (res.body as RegistrationView).registrationNo });
    }
    expect(await rowCounts()).toEqual({ users: before.users + payloads.length, registrations: before.registrations + payloads.length });

    const tasks = await eventually(async () => {
      const inbox = (await reviewer.get('/api/tasks?tab=todo&pageSize=200')).body as InboxTask[];
      const byNo = new Map(inbox.map((t) => [t.businessKey, t]));
      return cases.every((c) => byNo.has(c.registrationNo)) ? byNo : undefined;
    }, 'review tasks of every case', 90_000);
    // The comment of each case is the payload of another, so every payload also travels as a comment.
    for (const [i, c] of cases.entries()) {
      const task = tasks.get(c.registrationNo)!;
      await reviewer.post(`/api/tasks/${task.id}/claim`).expect(204);
      const comment = payloads[(i + 1) % payloads.length]!;
      const res = await reviewer.post(`/api/tasks/${task.id}/complete`).send({ decision: 'approve', comment });
      expect(res.status, `comment ${comment}: ${JSON.stringify(res.body)}`).toBe(204);
    }
    for (const [i, c] of cases.entries()) {
      const view = await eventually(async () => {
        const v = (await c.agent.get(`/api/registrations/${c.registrationNo}`)).body as RegistrationView;
        return v.status === 'approved' ? v : undefined;
      }, `the review of ${c.registrationNo}`);
      expect(view.employer).toBe(c.payload);
      expect(view.reviewComment).toBe(payloads[(i + 1) % payloads.length]);
    }
    expect(await rowCounts()).toEqual({ users: before.users + payloads.length, registrations: before.registrations + payloads.length });
  }, 240_000);
});
