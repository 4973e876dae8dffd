import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import { createTestContext, newCandidate, type TestContext } from '../../../../tests/support/test-env';
import { sandboxMessages } from '../../integrations/sms/sandbox/sms-sandbox';

let ctx: TestContext;
beforeAll(() => {
  ctx = createTestContext();
});
afterAll(() => ctx.close());

/** A phone and an address no other test uses (the SMS limits count per phone and per address). */
const newPhone = () => `137${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;
const newAddress = () => `10.${crypto.randomInt(0, 256)}.${crypto.randomInt(0, 256)}.${crypto.randomInt(1, 255)}`;
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function latestCode(phone: string): Promise<string> {
  const [message] = await sandboxMessages(ctx.env.smsGatewayUrl, phone);
  const code = /验证码为(\d{6})/.exec(message?.text ?? '')?.[1];
  if (!code) throw new Error(`no code for ${phone}`);
  return code;
}

async function candidate(label: string): Promise<{ agent: supertest.Agent; username: string; ip: string }> {
  return { ...(await newCandidate(ctx, label, { bindPhone: false })), ip: newAddress() };
}

const requestCode = (who: { agent: supertest.Agent; ip: string }, phone: string) => who.agent.post('/api/me/phone/code').set('x-forwarded-for', who.ip).send({ phone });
const verify = (who: { agent: supertest.Agent; ip: string }, code: string) => who.agent.post('/api/me/phone/verify').set('x-forwarded-for', who.ip).send({ code });

describe('M08 绑定手机并验证', () => {
  it('M08 the code from the SMS binds the phone, stored SM4-encrypted with its blind index; audited', async () => {
    const who = await candidate('phone-ok');
    const phone = newPhone();
    expect((await who.agent.get('/api/me/phone')).body).toBeNull();

    const sent = await requestCode(who, phone);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body).toEqual({ expiresInSeconds: 300, resendAfterSeconds: 60 });
    const [sms] = await sandboxMessages(ctx.env.smsGatewayUrl, phone);
    expect(sms).toMatchObject({ templateCode: 'PHONE_BIND_CODE' });
    expect(sms!.text).toMatch(/^您正在绑定手机号码，验证码为\d{6}，5分钟内有效。/);
    const code = await latestCode(phone);

    const user = await ctx.db('users').where({ username: who.username }).first<{ id: number }>('id');
    const row = await ctx.db('phone_bind_codes').where({ user_id: user.id }).first();
    expect(JSON.stringify(row)).not.toContain(code);
    expect(JSON.stringify(row)).not.toContain(phone);

    const bound = await verify(who, code);
    expect(bound.status, JSON.stringify(bound.body)).toBe(200);
    expect(bound.body).toMatchObject({ phoneMasked: masked(phone) });
    expect(Date.parse(bound.body.boundAt)).not.toBeNaN();
    expect((await who.agent.get('/api/me/phone')).body).toEqual(bound.body);

    const stored = await ctx.db('users').where({ id: user.id }).first<{ bound_phone: string; bound_phone_idx: string; phone_bound_at: Date }>('bound_phone', 'bound_phone_idx', 'phone_bound_at');
    expect(stored.bound_phone).toMatch(/^sm4:v\d+:/);
    expect(ctx.security.cipher.decrypt(stored.bound_phone)).toBe(phone);
    expect(stored.bound_phone_idx).toBe(ctx.security.index('phone', phone));
    expect(stored.phone_bound_at).toBeInstanceOf(Date);

    // Single use.
    const again = await verify(who, code);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 'PHONE_CODE_NONE', fields: [{ field: 'code' }] });

    const audit = await ctx.db('audit_log').where({ action: 'phone.bind', actor: who.username }).orderBy('id').select('result');
    expect(audit.map((a: { result: string }) => a.result)).toEqual(['success', 'failure']);
  });

  it('M08 five wrong codes lock the code: even the right one is then refused', async () => {
    const who = await candidate('phone-wrong');
    const phone = newPhone();
    expect((await requestCode(who, phone)).status).toBe(200);
    const code = await latestCode(phone);
    for (let left = 4; left >= 1; left--) {
      const wrong = await verify(who, wrongCode(code));
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ code: 'PHONE_CODE_WRONG', message: `验证码错误（还可尝试${left}次）`, fields: [{ field: 'code' }] });
    }
    const fifth = await verify(who, wrongCode(code));
    expect(fifth.status).toBe(423);
    expect(fifth.body).toMatchObject({ code: 'PHONE_CODE_LOCKED', fields: [{ field: 'code', message: expect.stringContaining('尝试次数过多') }] });
    const right = await verify(who, code);
    expect(right.status).toBe(423);
    expect((await who.agent.get('/api/me/phone')).body).toBeNull();
  });

  it('M08 an expired code is refused', async () => {
    const who = await candidate('phone-late');
    const phone = newPhone();
    expect((await requestCode(who, phone)).status).toBe(200);
    const user = await ctx.db('users').where({ username: who.username }).first<{ id: number }>('id');
    await ctx.db('phone_bind_codes').where({ user_id: user.id }).update({ expires_at: ctx.db.raw("now() - interval '1 second'") });
    const late = await verify(who, await latestCode(phone));
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ code: 'PHONE_CODE_EXPIRED', fields: [{ field: 'code', message: expect.stringContaining('验证码已过期') }] });
    expect((await who.agent.get('/api/me/phone')).body).toBeNull();
  });

  it('M08 a new code at most every 60 s, per user and per phone (429 with Retry-After); a newer code supersedes the older', async () => {
    const who = await candidate('phone-resend');
    const phone = newPhone();
    expect((await requestCode(who, phone)).status).toBe(200);
    const firstCode = await latestCode(phone);

    const tooSoon = await requestCode(who, newPhone());
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(tooSoon.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(tooSoon.body).toMatchObject({ code: 'PHONE_CODE_TOO_FREQUENT', fields: [{ field: 'phone' }] });
    expect(tooSoon.body.message).toMatch(/^验证码发送过于频繁，请\d+秒后再试$/);

    // The same phone from another account: also too soon.
    const other = await candidate('phone-resend-other');
    const samePhone = await requestCode(other, phone);
    expect(samePhone.status).toBe(429);
    expect(samePhone.headers['retry-after']).toBeDefined();
    expect(await sandboxMessages(ctx.env.smsGatewayUrl, phone)).toHaveLength(1);

    // A minute later (moved back in time here) a new code is sent; the first one stops working.
    const user = await ctx.db('users').where({ username: who.username }).first<{ id: number }>('id');
    await ctx.db('phone_bind_codes').where({ user_id: user.id }).update({ created_at: ctx.db.raw("now() - interval '61 seconds'") });
    const second = newPhone();
    expect((await requestCode(who, second)).status).toBe(200);
    expect((await verify(who, firstCode)).status).toBe(400);
    const ok = await verify(who, await latestCode(second));
    expect(ok.status).toBe(200);
    expect(ok.body.phoneMasked).toBe(masked(second));
  });

  it('M08 the SMS limits per phone and per address are applied (smsRules)', async () => {
    const who = await candidate('phone-ip');
    const phone = newPhone();
    // The per-phone limit of the day counts every code to the phone, whoever asked: use it up.
    const key = `sms-phone-day:${crypto.createHmac('sm3', 'test-session-secret-test-session-secret').update(phone).digest('hex').slice(0, 32)}`;
    await ctx.db.raw(
      `insert into rate_limits (key, window_start, count) values (?, to_timestamp(floor(extract(epoch from now()) / 86400) * 86400), 10)
       on conflict (key, window_start) do update set count = 10`,
      [key],
    );
    const refused = await requestCode(who, phone);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await sandboxMessages(ctx.env.smsGatewayUrl, phone)).toHaveLength(0);

    // Per address: 30 an hour, whoever and whichever phone.
    const ip = newAddress();
    for (let i = 0; i < 30; i++) {
      const res = await requestCode({ agent: (await candidate(`phone-ip${i}`)).agent, ip }, newPhone());
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const thirtyFirst = await requestCode({ agent: who.agent, ip }, newPhone());
    expect(thirtyFirst.status).toBe(429);
    expect(thirtyFirst.body).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('M08 a phone sent in clear is refused; nothing is sent', async () => {
    const who = await candidate('phone-plain');
    const phone = newPhone();
    const plain = await who.agent.post('/api/me/phone/code').set('x-forwarded-for', who.ip).set('content-type', 'application/json').send(JSON.stringify({ phone }));
    expect(plain.status).toBe(400);
    expect(plain.body).toMatchObject({ code: 'VALIDATION', fields: [{ field: 'phone', message: '该项须加密传输，请刷新页面后重试' }] });
    expect(await sandboxMessages(ctx.env.smsGatewayUrl, phone)).toHaveLength(0);
  });

  it("M08 binding a phone leaves another user's binding untouched", async () => {
    const first = await candidate('phone-a');
    const second = await candidate('phone-b');
    const phoneA = newPhone();
    const phoneB = newPhone();
    expect((await requestCode(first, phoneA)).status).toBe(200);
    expect((await verify(first, await latestCode(phoneA))).status).toBe(200);
    const before = await ctx.db('users').where({ username: first.username }).first('bound_phone', 'bound_phone_idx', 'phone_bound_at');

    expect((await requestCode(second, phoneB)).status).toBe(200);
    // The first user's code does not bind for the second, and vice versa.
    expect((await verify(second, wrongCode(await latestCode(phoneB)))).status).toBe(400);
    expect((await verify(second, await latestCode(phoneB))).status).toBe(200);

    expect(await ctx.db('users').where({ username: first.username }).first('bound_phone', 'bound_phone_idx', 'phone_bound_at')).toEqual(before);
    expect((await first.agent.get('/api/me/phone')).body.phoneMasked).toBe(masked(phoneA));
    expect((await second.agent.get('/api/me/phone')).body.phoneMasked).toBe(masked(phoneB));
  });
});
