import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import { apiAgent, createTestContext, encryptForTransport, loginBody, signIn, type TestContext } from '../../../tests/support/test-env';
import { sandboxMessages } from '../integrations/sms/sandbox/sms-sandbox';
import { mfaEncryptedFields, type MfaChallenge } from '../contracts/auth';
import { transportKey } from '../contracts/security';
import { UserRepository } from './user.repository';
import { hashPassword } from './password';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

const PASSWORD = 'Mfa@2026';
let counter = 0;

/** An address of its own per test, so the shared per-address sign-in limit never interferes. */
function address(): string {
  return `10.${crypto.randomInt(0, 256)}.${crypto.randomInt(0, 256)}.${crypto.randomInt(1, 255)}`;
}

/** A staff account that turned on the SMS second factor itself (through POST /api/auth/mfa). */
async function mfaUser(): Promise<{ username: string; phone: string }> {
  const username = `mfa-${process.pid}-${++counter}-${Date.now() % 100000}`;
  const phone = `139${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;
  await new UserRepository(ctx.db, ctx.security).upsertUser({ username, displayName: '短信验证测试', kind: 'staff', passwordHash: await hashPassword(PASSWORD), bureau: null }, ['exam-reviewer']);
  const agent = await signIn(ctx.app, username, PASSWORD);
  const { publicKey } = transportKey.parse((await agent.get('/api/security/transport-key')).body);
  const res = await agent.post('/api/auth/mfa').send(encryptForTransport(publicKey, { enabled: true, phone }, mfaEncryptedFields));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toEqual({ enabled: true, phoneMasked: `${phone.slice(0, 3)}****${phone.slice(-4)}` });
  return { username, phone };
}

/** Step one: the password, from a fresh browser at its own address. */
async function startSignIn(username: string, password = PASSWORD): Promise<{ agent: supertest.Agent; ip: string; res: supertest.Response }> {
  const agent = await apiAgent(ctx.app);
  const ip = address();
  const res = await agent.post('/api/auth/login').set('x-forwarded-for', ip).send(await loginBody(agent, username, password));
  return { agent, ip, res };
}

async function latestCode(phone: string): Promise<string> {
  const [message] = await sandboxMessages(ctx.env.smsGatewayUrl, phone);
  const code = /验证码为(\d{6})/.exec(message?.text ?? '')?.[1];
  if (!code) throw new Error(`no code for ${phone}`);
  return code;
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('SMS second factor for staff sign-in (S1)', () => {
  it('S1 the password alone gives no session; the code from the SMS does, once', async () => {
    const { username, phone } = await mfaUser();
    const { agent, ip, res } = await startSignIn(username);
    expect(res.status).toBe(200);
    const challenge = res.body as MfaChallenge;
    expect(challenge).toMatchObject({ mfaRequired: true, phoneMasked: `${phone.slice(0, 3)}****${phone.slice(-4)}`, expiresInSeconds: 300, resendAfterSeconds: 60 });
    expect(res.body).not.toHaveProperty('username');
    expect((await agent.get('/api/auth/me')).status).toBe(401);

    const [sms] = await sandboxMessages(ctx.env.smsGatewayUrl, phone);
    expect(sms).toMatchObject({ templateCode: 'LOGIN_CODE' });
    expect(sms!.text).toMatch(/^您的登录验证码为\d{6}，5分钟内有效。如非本人操作，请忽略。$/);
    const code = await latestCode(phone);

    // Never in clear in the database: only a keyed hash, and the phone as SM4 ciphertext.
    const row = await ctx.db('login_challenges').where({ id: challenge.challengeId }).first();
    expect(JSON.stringify(row)).not.toContain(code);
    const user = await ctx.db('users').where({ username }).first<{ mfa_phone: string }>('mfa_phone');
    expect(user.mfa_phone).toMatch(/^sm4:v\d+:/);

    const verified = await agent.post('/api/auth/login/verify').set('x-forwarded-for', ip).send({ challengeId: challenge.challengeId, code });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ username, roles: ['exam-reviewer'] });
    expect((await agent.get('/api/auth/me')).body.username).toBe(username);

    // Single use.
    const again = await (await apiAgent(ctx.app)).post('/api/auth/login/verify').set('x-forwarded-for', ip).send({ challengeId: challenge.challengeId, code });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 'MFA_CODE_USED', fields: [{ field: 'code', message: '验证码已使用，请重新登录' }] });

    const audit = await ctx.db('audit_log').where({ action: 'auth.login-verify', object_id: challenge.challengeId }).orderBy('id').select('result');
    expect(audit.map((a: { result: string }) => a.result)).toEqual(['success', 'failure']);
  });

  it('S1 five wrong codes kill the challenge: even the right code is then refused with 423', async () => {
    const { username, phone } = await mfaUser();
    const { agent, ip, res } = await startSignIn(username);
    const { challengeId } = res.body as MfaChallenge;
    const code = await latestCode(phone);
    for (let left = 4; left >= 1; left--) {
      const wrong = await agent.post('/api/auth/login/verify').set('x-forwarded-for', ip).send({ challengeId, code: wrongCode(code) });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ code: 'MFA_CODE_WRONG', message: `验证码错误，还可尝试${left}次`, fields: [{ field: 'code' }] });
    }
    const fifth = await agent.post('/api/auth/login/verify').set('x-forwarded-for', ip).send({ challengeId, code: wrongCode(code) });
    expect(fifth.status).toBe(423);
    expect(fifth.body).toMatchObject({ code: 'MFA_CHALLENGE_LOCKED', message: '验证码错误次数过多，本次登录已失效，请重新登录' });
    const right = await agent.post('/api/auth/login/verify').set('x-forwarded-for', ip).send({ challengeId, code });
    expect(right.status).toBe(423);
    expect((await agent.get('/api/auth/me')).status).toBe(401);
    const failures = await ctx.db('audit_log').where({ action: 'auth.login-verify', object_id: challengeId, result: 'failure' }).count<Array<{ count: string }>>('* as count');
    expect(Number(failures[0]!.count)).toBe(6);
  });

  it('S1 an expired code is refused', async () => {
    const { username, phone } = await mfaUser();
    const { agent, ip, res } = await startSignIn(username);
    const { challengeId } = res.body as MfaChallenge;
    await ctx.db('login_challenges').where({ id: challengeId }).update({ expires_at: ctx.db.raw("now() - interval '1 second'") });
    const late = await agent.post('/api/auth/login/verify').set('x-forwarded-for', ip).send({ challengeId, code: await latestCode(phone) });
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ code: 'MFA_CODE_EXPIRED', fields: [{ field: 'code', message: '验证码已过期，请重新登录获取新的验证码' }] });
    expect((await agent.get('/api/auth/me')).status).toBe(401);
  });

  it('S2 a wrong password sends no SMS and counts toward the lockout as before', async () => {
    const { username, phone } = await mfaUser();
    const before = (await sandboxMessages(ctx.env.smsGatewayUrl, phone)).length;
    const { res } = await startSignIn(username, 'Wrong@2026');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'BAD_CREDENTIALS', message: '用户名或密码错误' });
    expect(await sandboxMessages(ctx.env.smsGatewayUrl, phone)).toHaveLength(before);
    expect((await ctx.db('users').where({ username }).first<{ failed_logins: number }>('failed_logins')).failed_logins).toBe(1);
  });

  it('S2 a new code at most every 60 s per user; a newer code supersedes the older one', async () => {
    const { username, phone } = await mfaUser();
    const first = await startSignIn(username);
    const firstCode = await latestCode(phone);
    const tooSoon = await startSignIn(username);
    expect(tooSoon.res.status).toBe(429);
    expect(tooSoon.res.body).toMatchObject({ code: 'MFA_CODE_TOO_FREQUENT', fields: [{ field: 'code' }] });
    expect(tooSoon.res.body.message).toMatch(/^验证码发送过于频繁，请\d+秒后再试$/);
    expect(await sandboxMessages(ctx.env.smsGatewayUrl, phone)).toHaveLength(1);

    // A minute later (moved back in time here) a new sign-in sends a new code; the first one stops working.
    await ctx.db('login_challenges').where({ id: (first.res.body as MfaChallenge).challengeId }).update({ created_at: ctx.db.raw("now() - interval '61 seconds'") });
    const second = await startSignIn(username);
    expect(second.res.status).toBe(200);
    const old = await first.agent.post('/api/auth/login/verify').set('x-forwarded-for', first.ip).send({ challengeId: (first.res.body as MfaChallenge).challengeId, code: firstCode });
    expect(old.body.code).toBe('MFA_CODE_SUPERSEDED');
    const ok = await second.agent.post('/api/auth/login/verify').set('x-forwarded-for', second.ip).send({ challengeId: (second.res.body as MfaChallenge).challengeId, code: await latestCode(phone) });
    expect(ok.status).toBe(200);
  });

  it('S1 bad input is refused in Chinese naming the field; the phone must travel encrypted; turning MFA off restores plain sign-in', async () => {
    const anonymous = await apiAgent(ctx.app);
    const bad = await anonymous.post('/api/auth/login/verify').set('x-forwarded-for', address()).send({ challengeId: 'x', code: '12ab' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([
      { field: 'challengeId', message: '登录验证已失效，请重新登录' },
      { field: 'code', message: '短信验证码为6位数字' },
    ]);
    const unknown = await anonymous.post('/api/auth/login/verify').set('x-forwarded-for', address()).send({ challengeId: crypto.randomUUID(), code: '123456' });
    expect(unknown.body).toMatchObject({ code: 'MFA_CHALLENGE_INVALID', fields: [{ field: 'challengeId' }] });
    expect((await anonymous.post('/api/auth/mfa').send({ enabled: false })).status).toBe(401);

    const { username } = await mfaUser();
    const staff = await signIn(ctx.app, 'reviewer2');
    const plainPhone = await staff.post('/api/auth/mfa').send({ enabled: true, phone: '13912345678' });
    expect(plainPhone.status).toBe(400);
    expect(plainPhone.body.fields).toEqual([{ field: 'phone', message: '该项须加密传输，请刷新页面后重试' }]);
    const noPhone = await staff.post('/api/auth/mfa').send({ enabled: true });
    expect(noPhone.body.fields).toEqual([{ field: 'phone', message: '启用短信验证须填写手机号码' }]);

    // The MFA user signs in with password and code, then turns the second factor off.
    const { agent, ip, res } = await startSignIn(username);
    const phone = (await ctx.db('users').where({ username }).first<{ mfa_phone: string }>('mfa_phone')).mfa_phone;
    const code = await latestCode(ctx.security.cipher.decrypt(phone));
    await agent.post('/api/auth/login/verify').set('x-forwarded-for', ip).send({ challengeId: (res.body as MfaChallenge).challengeId, code }).expect(200);
    expect((await agent.post('/api/auth/mfa').send({ enabled: false })).body).toEqual({ enabled: false, phoneMasked: null });
    const plain = await startSignIn(username);
    expect(plain.res.body).toMatchObject({ username });
    expect((await plain.agent.get('/api/auth/me')).status).toBe(200);
  });
});
