import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SuishenbanPush,
  SuishenbanRefusedError,
  SuishenbanResponseError,
  SuishenbanUnavailableError,
  SuishenbanUserUnknownError,
  type SuishenbanMessage,
} from './suishenban-push';
import { signedHeaders, suishenbanWire } from './suishenban-wire';
import { startSuishenbanSandbox, suishenbanSandboxAddUser, suishenbanSandboxMessages, suishenbanSandboxSettings, type SuishenbanSandbox } from './sandbox/suishenban-sandbox';

const appId = 'test-suishenban-app';
const appSecret = 'test-suishenban-secret-0123456789';
const installed = 'ywtb-sub-installed-0001';
let sandbox: SuishenbanSandbox;
let platform: SuishenbanPush;

beforeAll(async () => {
  sandbox = await startSuishenbanSandbox({ port: 0, appId, appSecret, users: [installed], latencyMs: 1 });
  platform = new SuishenbanPush({ baseUrl: sandbox.url, appId, appSecret });
});
afterAll(() => sandbox.close());

function message(overrides: Partial<SuishenbanMessage> = {}): SuishenbanMessage {
  return {
    messageId: crypto.randomUUID(),
    userId: installed,
    templateCode: 'registration-submitted',
    params: { name: '张三', registrationNo: 'BM2026000123' },
    title: '报名已提交',
    content: '张三，您的报名（BM2026000123）已提交，请等待资格审核。',
    link: 'http://127.0.0.1:3000/portal/registrations/BM2026000123',
    ...overrides,
  };
}

const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('随申办 push adapter and sandbox (G5)', () => {
  it('G5 a signed push reaches a person with 随申办: the platform answers its own id, the sandbox shows the message', async () => {
    const m = message();
    const receipt = await platform.push(m);
    expect(receipt.messageId).toBe(m.messageId);
    expect(receipt.pushId).toMatch(/^SSB\d{14}[0-9A-F]{12}$/);
    expect(Math.abs(receipt.acceptedAt.getTime() - Date.now())).toBeLessThan(5_000);
    const delivered = (await suishenbanSandboxMessages(sandbox.url, installed)).filter((d) => d.msgId === m.messageId);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ pushId: receipt.pushId, templateCode: m.templateCode, params: m.params, title: m.title, content: m.content, link: m.link, duplicates: 0 });
  });

  it('G5 the same message id twice gets the same answer and is delivered once; other content under that id is refused', async () => {
    const m = message();
    const first = await platform.push(m);
    const again = await platform.push(m);
    expect(again).toEqual(first);
    const delivered = (await suishenbanSandboxMessages(sandbox.url, installed)).filter((d) => d.msgId === m.messageId);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.duplicates).toBe(1);
    const conflict = await errorOf(platform.push({ ...m, content: '另一条内容' }));
    expect(conflict).toBeInstanceOf(SuishenbanRefusedError);
    expect(conflict).toMatchObject({ status: 409, code: 'MSG_CONFLICT', field: 'msg_id' });
  });

  it('G5 a person without 随申办 is refused as unknown (the caller texts them instead); once installed, the push goes through', async () => {
    const stranger = `ywtb-sub-${crypto.randomBytes(6).toString('hex')}`;
    const m = message({ userId: stranger });
    const refused = await errorOf(platform.push(m));
    expect(refused).toBeInstanceOf(SuishenbanUserUnknownError);
    expect(refused).toMatchObject({ status: 404, code: 'USER_NOT_FOUND', field: 'user_id', message: '该用户未开通随申办或未授权接收本应用的消息' });
    expect(await suishenbanSandboxMessages(sandbox.url, stranger)).toEqual([]);
    await suishenbanSandboxAddUser(sandbox.url, stranger);
    await platform.push(m);
    expect(await suishenbanSandboxMessages(sandbox.url, stranger)).toHaveLength(1);
  });

  it('G5 a wrong app secret, an unknown app, a replayed nonce and a stale timestamp are refused, and nothing is delivered', async () => {
    const m = message();
    const forged = await errorOf(new SuishenbanPush({ baseUrl: sandbox.url, appId, appSecret: 'another-secret-0123456789abcdef' }).push(m));
    expect(forged).toMatchObject({ status: 401, code: 'SIGNATURE_INVALID' });
    const unknownApp = await errorOf(new SuishenbanPush({ baseUrl: sandbox.url, appId: 'other-app', appSecret }).push(m));
    expect(unknownApp).toMatchObject({ status: 401, code: 'APP_UNKNOWN' });
    const stale = await errorOf(new SuishenbanPush({ baseUrl: sandbox.url, appId, appSecret, now: () => new Date(Date.now() - 10 * 60_000) }).push(m));
    expect(stale).toMatchObject({ status: 400, code: 'TIMESTAMP_EXPIRED' });

    const body = JSON.stringify({ app_id: appId, msg_id: m.messageId, user_id: installed, template_code: 't', params: {}, title: 'x', content: 'y', link: 'http://127.0.0.1/' });
    const headers = { ...signedHeaders('request', appId, appSecret, `POST ${suishenbanWire.paths.messages}`, body), 'content-type': 'application/json' };
    const first = await fetch(`${sandbox.url}${suishenbanWire.paths.messages}`, { method: 'POST', headers, body });
    expect(first.status).toBe(200);
    const replay = await fetch(`${sandbox.url}${suishenbanWire.paths.messages}`, { method: 'POST', headers, body });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: 'NONCE_REUSED' });
    // Only the properly signed first request delivered anything.
    expect((await suishenbanSandboxMessages(sandbox.url, installed)).filter((d) => d.msgId === m.messageId)).toHaveLength(1);
  });

  it('G5 bad push fields are refused with a Chinese message naming the field', async () => {
    const cases: [Partial<SuishenbanMessage>, string][] = [
      [{ messageId: 'x' }, 'msg_id'],
      [{ title: '' }, 'title'],
      [{ content: '长'.repeat(501) }, 'content'],
      [{ link: 'javascript:alert(1)' }, 'link'],
      [{ params: { 'bad name': 'x' } }, 'params.bad name'],
    ];
    for (const [overrides, field] of cases) {
      const error = await errorOf(platform.push(message(overrides)));
      expect(error, field).toBeInstanceOf(SuishenbanRefusedError);
      expect(error, field).toMatchObject({ status: 400, code: 'INVALID_PARAM', field });
      expect((error as Error).message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('G5 the platform down answers 503: the adapter reports it unavailable and nothing is delivered; back up, the same id goes through', async () => {
    const m = message();
    await suishenbanSandboxSettings(sandbox.url, { down: true });
    try {
      const down = await errorOf(platform.push(m));
      expect(down).toBeInstanceOf(SuishenbanUnavailableError);
      expect(down).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await suishenbanSandboxSettings(sandbox.url, { down: false });
    }
    expect((await suishenbanSandboxMessages(sandbox.url, installed)).filter((d) => d.msgId === m.messageId)).toEqual([]);
    await platform.push(m);
    expect((await suishenbanSandboxMessages(sandbox.url, installed)).filter((d) => d.msgId === m.messageId)).toHaveLength(1);
  });

  it('G5 an unreachable platform or a timeout is "unavailable"; an answer without the platform signature is refused', async () => {
    const unreachable = await errorOf(new SuishenbanPush({ baseUrl: 'http://127.0.0.1:9', appId, appSecret }).push(message()));
    expect(unreachable).toBeInstanceOf(SuishenbanUnavailableError);
    expect(unreachable).toMatchObject({ code: 'NETWORK', status: null });

    await suishenbanSandboxSettings(sandbox.url, { latencyMs: 500 });
    try {
      const slow = await errorOf(new SuishenbanPush({ baseUrl: sandbox.url, appId, appSecret, timeoutMs: 50 }).push(message()));
      expect(slow).toMatchObject({ code: 'TIMEOUT', status: null });
    } finally {
      await suishenbanSandboxSettings(sandbox.url, { latencyMs: 1 });
    }

    // A man in the middle answering for the platform cannot sign: its answer is not believed.
    const m = message();
    const spoof: typeof fetch = async () =>
      new Response(JSON.stringify({ msg_id: m.messageId, push_id: 'SSB1', user_id: installed, status: 'ACCEPTED', push_time: '20260101120000' }), { status: 200, headers: { 'content-type': 'application/json' } });
    const spoofed = await errorOf(new SuishenbanPush({ baseUrl: sandbox.url, appId, appSecret, fetch: spoof }).push(m));
    expect(spoofed).toBeInstanceOf(SuishenbanResponseError);
    expect(spoofed).toMatchObject({ code: 'BAD_SIGNATURE' });
  });
});
