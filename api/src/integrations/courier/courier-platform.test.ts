import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2Service } from '../../security/sm2';
import { generateSm2KeyPair } from '../../security/sm2-keys';
import { startCallbackReceiver, waitFor, type CallbackReceiver } from '../callback-receiver.test-support';
import {
  CourierCallbackError,
  CourierPlatform,
  CourierRefusedError,
  CourierResponseError,
  CourierUnavailableError,
  type CourierParty,
  type CreateWaybill,
} from './courier-platform';
import { courierCallbackAck, courierWire, signHeaders } from './courier-wire';
import { sandboxAdvance, sandboxCallbacks, sandboxResend, sandboxSettings, sandboxWaybills, startCourierSandbox, type CourierSandbox } from './sandbox/courier-sandbox';

const appId = 'test-courier-app';
const appSecret = 'test-courier-secret-test-courier-secret';
const verifier = new Sm2Service({ sm2KeyPair: () => generateSm2KeyPair() });
const backoff = [10, 15, 20, 25, 30, 35, 40];

const sender: CourierParty = { name: '上海市应急管理局', phone: '021-12345678', district: '黄浦区', address: '测试路100号证照发放窗口' };
const recipient: CourierParty = { name: '张测试', phone: '13812345678', district: '浦东新区', address: '世纪大道100号8楼801室' };

/** Our side of the callbacks, per order number: `/notify/ack` acknowledges; `/notify/fail4` fails 4 times first; `/notify/never` never does. */
let receiver: CallbackReceiver;
let received: CallbackReceiver['received'];
let notifyUrl: string;
let sandbox: CourierSandbox;
let platform: CourierPlatform;

beforeAll(async () => {
  receiver = await startCallbackReceiver(courierWire.notify.orderNo, courierCallbackAck);
  ({ received, notifyUrl } = receiver);
  sandbox = await startCourierSandbox({ port: 0, apps: [{ appId, appSecret }], latencyMs: 1, callbackBackoffMs: backoff, timelineMs: null });
  platform = adapter();
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

function adapter(overrides: Partial<ConstructorParameters<typeof CourierPlatform>[0]> = {}): CourierPlatform {
  return new CourierPlatform({ baseUrl: sandbox.url, appId, appSecret, publicKey: sandbox.publicKey, sm2: verifier, ...overrides });
}

function newWaybill(mode: 'ack' | 'fail4' | 'never' = 'ack', overrides: Partial<CreateWaybill> = {}) {
  return platform.createWaybill({ orderNo: crypto.randomUUID(), sender, recipient, itemDescription: '报名回执（纸质）', notifyUrl: `${notifyUrl}/${mode}`, ...overrides });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function callbackReason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof CourierCallbackError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('一网通办 express module adapter and sandbox (G6)', () => {
  it('G6 a waybill is created for our order number, and its tracking events 揽收 → 运输中 → 派送中 → 已签收 come as SM2-signed callbacks', async () => {
    const waybill = await newWaybill();
    expect(waybill).toMatchObject({ status: 'created', events: [], cancelledAt: null });
    expect(waybill.waybillNo).toMatch(/^YW\d{14}$/);

    for (const step of ['collected', 'in-transit', 'delivering', 'signed'] as const) {
      await sandboxAdvance(sandbox.url, waybill.waybillNo);
      expect((await platform.queryWaybill(waybill.waybillNo)).status).toBe(step);
    }
    const deliveries = await waitFor(() => (received.get(waybill.orderNo)?.length ?? 0) >= 4 && received.get(waybill.orderNo));
    const notifications = deliveries.map((d) => platform.verifyCallback(d.raw, d.headers));
    expect(notifications.map((n) => n.event.code)).toEqual(['collected', 'in-transit', 'delivering', 'signed']);
    expect(notifications.map((n) => n.event.description)).toEqual(['快递员已揽收', '快件已到达上海转运中心，正在发往目的地', '快件正在派送中，请保持电话畅通', '快件已签收']);
    expect(notifications.every((n) => n.waybillNo === waybill.waybillNo && n.orderNo === waybill.orderNo)).toBe(true);
    expect(new Set(notifications.map((n) => n.event.eventId)).size).toBe(4);

    const queried = await platform.queryWaybill(waybill.waybillNo);
    expect(queried.events.map((e) => e.eventId)).toEqual(notifications.map((n) => n.event.eventId));
    expect(queried.events[3]).toMatchObject({ code: 'signed', location: '上海市浦东新区' });
    await expect(sandboxAdvance(sandbox.url, waybill.waybillNo)).rejects.toThrow(/HTTP 409/);
  });

  it('G6 our order number is the idempotency key: the same order again gives the same waybill, different data ORDER_CONFLICT', async () => {
    const first = await newWaybill();
    const again = await newWaybill('ack', { orderNo: first.orderNo });
    expect(again.waybillNo).toBe(first.waybillNo);
    expect((await sandboxWaybills(sandbox.url)).filter((w) => w.orderNo === first.orderNo)).toHaveLength(1);
    const conflict = await newWaybill('ack', { orderNo: first.orderNo, recipient: { ...recipient, address: '另一个地址100号' } }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(CourierRefusedError);
    expect(conflict).toMatchObject({ status: 409, code: 'ORDER_CONFLICT', field: 'order_no', message: '订单号已存在，且寄件人、收件人或物品与原运单不一致' });
  });

  it('G6 bad waybill data is refused with a Chinese message naming the field, and nothing is created', async () => {
    const cases: [Partial<CreateWaybill>, string, string][] = [
      [{ recipient: { ...recipient, district: '南京市' } }, 'recipient.district', '收件人所在区'],
      [{ recipient: { ...recipient, phone: '12345' } }, 'recipient.mobile', '收件人电话'],
      [{ recipient: { ...recipient, address: '短' } }, 'recipient.address', '收件人详细地址'],
      [{ recipient: { ...recipient, name: '' } }, 'recipient.name', '收件人姓名'],
      [{ itemDescription: '' }, 'item_desc', '物品描述'],
      [{ notifyUrl: 'ftp://example.gov.cn/notify' }, 'notify_url', '通知地址'],
      [{ orderNo: 'a/b' }, 'order_no', '订单号'],
    ];
    const before = (await sandboxWaybills(sandbox.url)).length;
    for (const [overrides, field, label] of cases) {
      const error = await newWaybill('ack', overrides).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(CourierRefusedError);
      expect(error).toMatchObject({ status: 400, code: 'INVALID_PARAM', field });
      expect((error as Error).message).toContain(label);
    }
    expect((await sandboxWaybills(sandbox.url)).length).toBe(before);
  });

  it('G6 a district the courier does not serve is refused as a business outcome (the field named)', async () => {
    await sandboxSettings(sandbox.url, { unservedDistricts: ['崇明区'] });
    try {
      const refused = await newWaybill('ack', { recipient: { ...recipient, district: '崇明区' } }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CourierRefusedError);
      expect(refused).toMatchObject({ status: 400, code: 'INVALID_PARAM', field: 'recipient.district', message: '收件地址（recipient.district）不在快递服务范围内' });
      expect((await newWaybill()).status).toBe('created');
    } finally {
      await sandboxSettings(sandbox.url, { unservedDistricts: [] });
    }
    await expect(sandboxSettings(sandbox.url, { unservedDistricts: ['南京市'] })).rejects.toThrow(/HTTP 400/);
  });

  it('G6 requests signed with a wrong secret are refused; answers without the platform signature are not believed', async () => {
    await expect(adapter({ appSecret: 'wrong-secret-wrong-secret-wrong' }).createWaybill({ orderNo: crypto.randomUUID(), sender, recipient, itemDescription: '报名回执', notifyUrl })).rejects.toMatchObject({
      status: 401,
      code: 'SIGNATURE_INVALID',
    });
    await expect(adapter({ appId: 'unknown-app' }).queryWaybill('YW00000000000000')).rejects.toMatchObject({ status: 401, code: 'APP_UNKNOWN' });
    const waybill = await newWaybill();
    const other = generateSm2KeyPair();
    await expect(adapter({ publicKey: other.publicKey }).queryWaybill(waybill.waybillNo)).rejects.toBeInstanceOf(CourierResponseError);
    // An answer altered on the way (status rewritten) fails its signature.
    const tampering = adapter({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        const body = (await res.text()).replace('"CREATED"', '"SIGNED"');
        return new Response(body, { status: res.status, headers: res.headers });
      },
    });
    await expect(tampering.queryWaybill(waybill.waybillNo)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('G6 forged, altered, misdirected or stale callbacks are refused; a signed answer never passes as a callback', async () => {
    const waybill = await newWaybill();
    await sandboxAdvance(sandbox.url, waybill.waybillNo);
    const [delivery] = await waitFor(() => received.get(waybill.orderNo));
    const { raw, headers } = delivery!;
    expect(callbackReason(() => platform.verifyCallback(raw, headers))).toBe('accepted');

    const altered = raw.toString('utf8').replace('COLLECTED', 'SIGNED');
    expect(altered).not.toBe(raw.toString('utf8'));
    expect(callbackReason(() => platform.verifyCallback(altered, headers))).toBe('bad-signature');
    const forger = new Sm2Service({ sm2KeyPair: () => generateSm2KeyPair() });
    expect(callbackReason(() => platform.verifyCallback(altered, signHeaders((t) => forger.sign('x', t), 'notify', appId, '', altered)))).toBe('bad-signature');
    const { [courierWire.headers.signature]: _dropped, ...unsigned } = headers;
    expect(callbackReason(() => platform.verifyCallback(raw, unsigned))).toBe('malformed');
    expect(callbackReason(() => adapter({ appId: 'other-app' }).verifyCallback(raw, headers))).toBe('wrong-app');
    expect(callbackReason(() => adapter({ now: () => new Date(Date.now() + 10 * 60_000) }).verifyCallback(raw, headers))).toBe('stale');

    let answer: { body: string; headers: Headers } | undefined;
    const capturing = adapter({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        answer = { body: await res.clone().text(), headers: res.headers };
        return res;
      },
    });
    await capturing.queryWaybill(waybill.waybillNo);
    expect(callbackReason(() => platform.verifyCallback(answer!.body, answer!.headers))).toBe('bad-signature');
  });

  it('G6 a callback is retried with back-off until acknowledged, then never again; a resend is signed afresh', async () => {
    const waybill = await newWaybill('fail4');
    await sandboxAdvance(sandbox.url, waybill.waybillNo);
    const deliveries = await waitFor(() => (received.get(waybill.orderNo)?.length ?? 0) >= 5 && received.get(waybill.orderNo), 5_000);
    await sleep(backoff.at(-1)! * 3);
    expect(deliveries).toHaveLength(5);
    expect(new Set(deliveries.map((d) => d.raw.toString('utf8'))).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.headers[courierWire.headers.nonce])).size).toBe(5);
    for (let i = 1; i < deliveries.length; i += 1) expect(deliveries[i]!.at - deliveries[i - 1]!.at, `gap ${i}`).toBeGreaterThanOrEqual(backoff[i - 1]! - 2);
    const [callback] = await sandboxCallbacks(sandbox.url, waybill.waybillNo);
    expect(callback).toMatchObject({ state: 'acknowledged', eventCode: 'collected' });
    expect(callback!.attempts.map((a) => a.acknowledged)).toEqual([false, false, false, false, true]);
    expect(callback!.attempts[1]!.error).toBe('客户端未返回成功应答（HTTP 200）');

    const resent = await sandboxResend(sandbox.url, callback!.notifyId);
    expect(resent.attempt.acknowledged).toBe(true);
    expect(received.get(waybill.orderNo)).toHaveLength(6);
    expect(received.get(waybill.orderNo)![5]!.raw.toString('utf8')).toBe(deliveries[0]!.raw.toString('utf8'));
  });

  it('G6 a client that never acknowledges gets every retry of the schedule, then the platform gives up', async () => {
    const waybill = await newWaybill('never');
    await sandboxAdvance(sandbox.url, waybill.waybillNo);
    const [callback] = await waitFor(async () => {
      const list = await sandboxCallbacks(sandbox.url, waybill.waybillNo);
      return list[0]?.state === 'gave-up' && list;
    }, 5_000);
    expect(callback!.attempts).toHaveLength(backoff.length + 1);
    expect(received.get(waybill.orderNo)).toHaveLength(backoff.length + 1);
  });

  it('G6 cancel before pickup: the waybill stops; after pickup the platform refuses with WAYBILL_COLLECTED', async () => {
    const waybill = await newWaybill();
    const cancelled = await platform.cancelWaybill(waybill.waybillNo);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelledAt).toBeInstanceOf(Date);
    expect((await platform.cancelWaybill(waybill.waybillNo)).status).toBe('cancelled');
    await expect(sandboxAdvance(sandbox.url, waybill.waybillNo)).rejects.toThrow(/HTTP 409/);

    const collected = await newWaybill();
    await sandboxAdvance(sandbox.url, collected.waybillNo);
    const refused = await platform.cancelWaybill(collected.waybillNo).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CourierRefusedError);
    expect(refused).toMatchObject({ status: 409, code: 'WAYBILL_COLLECTED', message: '快件已揽收，不能取消' });
    await expect(platform.queryWaybill('YW99999999999999')).rejects.toMatchObject({ status: 404, code: 'WAYBILL_NOT_FOUND', message: '运单不存在' });
  });

  it('G6 a configurable fast timeline moves a waybill through every event by itself', async () => {
    await sandboxSettings(sandbox.url, { timelineMs: [5, 5, 5, 5] });
    try {
      const waybill = await newWaybill();
      const signed = await waitFor(async () => {
        const w = await platform.queryWaybill(waybill.waybillNo);
        return w.status === 'signed' && w;
      });
      expect(signed.events.map((e) => e.code)).toEqual(['collected', 'in-transit', 'delivering', 'signed']);
      await waitFor(() => (received.get(waybill.orderNo)?.length ?? 0) >= 4);
    } finally {
      await sandboxSettings(sandbox.url, { timelineMs: null });
    }
    await expect(sandboxSettings(sandbox.url, { timelineMs: [1, 2] })).rejects.toThrow(/HTTP 400/);
  });

  it('G6 a platform that is down is reported as unavailable (retry later)', async () => {
    await sandboxSettings(sandbox.url, { down: true });
    try {
      const error = await newWaybill().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CourierUnavailableError);
      expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await sandboxSettings(sandbox.url, { down: false });
    }
    const closed = adapter({ baseUrl: 'http://127.0.0.1:1' });
    await expect(closed.queryWaybill('YW00000000000000')).rejects.toMatchObject({ code: 'NETWORK', status: null });
    expect(await CourierPlatform.fetchPublicKey(sandbox.url)).toBe(sandbox.publicKey);
  });

  it('G6 with a state file, the key, waybills and their timeline survive a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courier-sandbox-'));
    const stateFile = path.join(dir, 'state.json');
    try {
      const first = await startCourierSandbox({ port: 0, apps: [{ appId, appSecret }], latencyMs: 0, timelineMs: null, stateFile });
      const waybill = await adapter({ baseUrl: first.url, publicKey: first.publicKey }).createWaybill({ orderNo: crypto.randomUUID(), sender, recipient, itemDescription: '报名回执', notifyUrl: `${notifyUrl}/ack` });
      await first.close();
      const second = await startCourierSandbox({ port: 0, apps: [{ appId, appSecret }], latencyMs: 0, timelineMs: null, stateFile });
      try {
        expect(second.publicKey).toBe(first.publicKey);
        expect((await adapter({ baseUrl: second.url, publicKey: second.publicKey }).queryWaybill(waybill.waybillNo)).orderNo).toBe(waybill.orderNo);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
