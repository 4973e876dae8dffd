import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsGateway, SmsGatewayError, SmsNetworkError } from './sms-gateway';
import { signedHeaders, smsWire } from './sms-wire';
import { sandboxMessages, sandboxUrl, startSmsSandbox, stopSmsSandbox } from './sandbox/sms-sandbox';

const appId = 'test-app';
const appSecret = 'test-secret-0123456789';
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = await startSmsSandbox({ port: 0, appId, appSecret, latencyMs: 5 });
  baseUrl = sandboxUrl(server);
});
afterAll(() => stopSmsSandbox(server));

const phone = () => `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/** A raw signed POST, to test what the sandbox does with requests the adapter would never send. */
async function rawPost(body: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${smsWire.sendPath}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('SMS gateway adapter and sandbox (S1)', () => {
  it('S1 a signed message is accepted, stored and rendered in Chinese, newest first', async () => {
    const gateway = new SmsGateway({ baseUrl, appId, appSecret });
    const to = phone();
    const first = await gateway.send({ phone: to, templateCode: 'LOGIN_CODE', params: { code: '123456' } });
    const second = await gateway.send({ phone: to, templateCode: 'LOGIN_CODE', params: { code: '654321' } });
    expect(first.messageId).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await sandboxMessages(baseUrl, to);
    expect(stored.map((m) => m.id)).toEqual([second.messageId, first.messageId]);
    expect(stored[0]).toMatchObject({ phone: to, templateCode: 'LOGIN_CODE', params: { code: '654321' }, text: '您的登录验证码为654321，5分钟内有效。如非本人操作，请忽略。' });
    expect(Date.parse(stored[0]!.sentAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('S1 a wrong secret or an altered body is refused with 401, as a typed error with the platform code', async () => {
    const wrong = new SmsGateway({ baseUrl, appId, appSecret: 'not-the-secret' });
    const error = await wrong.send({ phone: phone(), templateCode: 'LOGIN_CODE', params: { code: '111111' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsGatewayError);
    expect(error).toMatchObject({ status: 401, code: 'SIGNATURE_INVALID', message: '签名校验失败' });

    const body = JSON.stringify({ phone: phone(), templateCode: 'LOGIN_CODE', params: { code: '111111' } });
    const headers = signedHeaders(appId, appSecret, body);
    const altered = await rawPost(body.replace('111111', '222222'), headers);
    expect(altered.status).toBe(401);
    const unknownApp = await rawPost(body, signedHeaders('other-app', appSecret, body));
    expect(unknownApp).toMatchObject({ status: 401, body: { code: 'APP_UNKNOWN' } });
  });

  it('S2 a replayed nonce and an old timestamp are refused with 400', async () => {
    const to = phone();
    const body = JSON.stringify({ phone: to, templateCode: 'LOGIN_CODE', params: { code: '333333' } });
    const headers = signedHeaders(appId, appSecret, body);
    expect((await rawPost(body, headers)).status).toBe(200);
    const replay = await rawPost(body, headers);
    expect(replay).toMatchObject({ status: 400, body: { code: 'NONCE_REUSED' } });
    const old = await rawPost(body, signedHeaders(appId, appSecret, body, Date.now() - 6 * 60_000));
    expect(old).toMatchObject({ status: 400, body: { code: 'TIMESTAMP_EXPIRED' } });
    expect(await sandboxMessages(baseUrl, to)).toHaveLength(1);
  });

  it('S1 bad phone numbers, unknown templates and missing parameters get Chinese errors', async () => {
    const gateway = new SmsGateway({ baseUrl, appId, appSecret });
    await expect(gateway.send({ phone: '12345678901', templateCode: 'LOGIN_CODE', params: { code: '1' } })).rejects.toMatchObject({ status: 400, code: 'PHONE_INVALID', message: '手机号码格式不正确' });
    await expect(gateway.send({ phone: phone(), templateCode: 'NOPE', params: {} })).rejects.toMatchObject({ status: 400, code: 'TEMPLATE_UNKNOWN' });
    await expect(gateway.send({ phone: phone(), templateCode: 'LOGIN_CODE', params: {} })).rejects.toMatchObject({ status: 400, code: 'TEMPLATE_PARAM_MISSING' });
  });

  it('S1 a connection failure is retried once; a timeout is not retried', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls += 1;
      if (calls === 1) throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    const gateway = new SmsGateway({ baseUrl, appId, appSecret, fetch: flaky });
    await expect(gateway.send({ phone: phone(), templateCode: 'LOGIN_CODE', params: { code: '444444' } })).resolves.toHaveProperty('messageId');
    expect(calls).toBe(2);

    const slow = await startSmsSandbox({ port: 0, appId, appSecret, latencyMs: 500 });
    try {
      let slowCalls = 0;
      const counting: typeof fetch = (input, init) => {
        slowCalls += 1;
        return fetch(input, init);
      };
      const impatient = new SmsGateway({ baseUrl: sandboxUrl(slow), appId, appSecret, timeoutMs: 100, fetch: counting });
      const error = await impatient.send({ phone: phone(), templateCode: 'LOGIN_CODE', params: { code: '555555' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SmsNetworkError);
      expect(error).toMatchObject({ timedOut: true });
      expect(slowCalls).toBe(1);
    } finally {
      await stopSmsSandbox(slow);
    }

    const down = new SmsGateway({ baseUrl: 'http://127.0.0.1:9', appId, appSecret });
    await expect(down.send({ phone: phone(), templateCode: 'LOGIN_CODE', params: { code: '666666' } })).rejects.toMatchObject({ name: 'SmsNetworkError', timedOut: false, message: '无法连接短信平台' });
  });
});
