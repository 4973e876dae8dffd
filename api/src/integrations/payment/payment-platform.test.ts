import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Sm2Service } from '../../security/sm2';
import { generateSm2KeyPair } from '../../security/sm2-keys';
import { startCallbackReceiver, waitFor, type CallbackReceiver } from '../callback-receiver.test-support';
import {
  PaymentCallbackError,
  PaymentPlatform,
  PaymentRefusedError,
  PaymentResponseError,
  PaymentUnavailableError,
  assertNotificationMatches,
  type PaymentNotification,
} from './payment-platform';
import { beijingDate } from '../wire-formats';
import { paymentCallbackAck, paymentWire, signHeaders } from './payment-wire';
import { sandboxCallbacks, sandboxPay, sandboxSettings, startPaymentSandbox, type PaymentSandbox } from './sandbox/payment-sandbox';

const merchantId = 'test-merchant';
const merchantKeyName = 'payment-merchant';
const merchantPair = generateSm2KeyPair();
const sm2 = new Sm2Service({ sm2KeyPair: () => merchantPair });
const returnUrl = 'https://bpm.example.gov.cn/candidate/payments/return?registration=42';
const backoff = [10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60];

/** Our side of the callbacks: `/notify/ack` acknowledges; `/notify/fail9` fails 9 times first; `/notify/never` never does. */
let receiver: CallbackReceiver;
let received: CallbackReceiver['received'];
let notifyUrl: string;
let sandbox: PaymentSandbox;
let platform: PaymentPlatform;

beforeAll(async () => {
  receiver = await startCallbackReceiver(paymentWire.notify.outTradeNo, paymentCallbackAck);
  ({ received, notifyUrl } = receiver);
  sandbox = await startPaymentSandbox({ port: 0, merchants: [{ merchantId, publicKey: merchantPair.publicKey, name: '上海市应急管理局' }], latencyMs: 1, callbackBackoffMs: backoff });
  platform = adapter();
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});
afterEach(() => vi.useRealTimers());

function adapter(overrides: Partial<ConstructorParameters<typeof PaymentPlatform>[0]> = {}): PaymentPlatform {
  return new PaymentPlatform({ baseUrl: sandbox.url, merchantId, merchantKeyName, publicKey: sandbox.publicKey, sm2, ...overrides });
}

let seq = 0;
const orderNo = () => `REG${Date.now()}${String((seq += 1)).padStart(3, '0')}`;

function newOrder(mode: 'ack' | 'fail9' | 'never' = 'ack', overrides: Partial<Parameters<PaymentPlatform['createOrder']>[0]> = {}) {
  return platform.createOrder({
    merchantOrderNo: orderNo(),
    amountFen: 14_000,
    subject: '2026年初级注册安全工程师考试报名费（全科）',
    notifyUrl: `${notifyUrl}/${mode}`,
    returnUrl,
    expiresAt: new Date(Date.now() + 30 * 60_000),
    ...overrides,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cashier(payUrl: string, action: string): Promise<Response> {
  return fetch(payUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ action }) });
}

function callbackReason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof PaymentCallbackError) return error.reason;
    throw error;
  }
  return 'accepted';
}

async function paidCallback(): Promise<{ raw: Buffer; headers: http.IncomingHttpHeaders; notification: PaymentNotification }> {
  const order = await newOrder();
  await sandboxPay(sandbox.url, order.merchantOrderNo);
  const [delivery] = await waitFor(() => received.get(order.merchantOrderNo));
  return { ...delivery!, notification: platform.verifyCallback(delivery!.raw, delivery!.headers) };
}

describe('public payment platform adapter and sandbox (M06, M16)', () => {
  it('M16 create → Chinese cashier page → 支付 → SM2-signed callback verified, browser sent to the return URL', async () => {
    const order = await newOrder();
    expect(order).toMatchObject({ amountFen: 14_000, status: 'waiting', paidAt: null, subject: '2026年初级注册安全工程师考试报名费（全科）' });
    expect(order.tradeNo).toMatch(/^P\d{22}$/);
    expect(order.payUrl).toBe(platform.payPageUrl(order.tradeNo));

    const page = await fetch(order.payUrl);
    const html = await page.text();
    expect(page.status).toBe(200);
    for (const text of ['订单支付', '上海市应急管理局', '¥140.00', order.merchantOrderNo, '>支付<', '>取消<', '>模拟失败<']) expect(html).toContain(text);
    expect(html).not.toContain('<script');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self' https://bpm.example.gov.cn");

    const paid = await cashier(order.payUrl, 'pay');
    expect(paid.status).toBe(303);
    const back = new URL(paid.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe('https://bpm.example.gov.cn/candidate/payments/return');
    expect(Object.fromEntries(back.searchParams)).toEqual({ registration: '42', out_trade_no: order.merchantOrderNo, trade_no: order.tradeNo, result: 'success' });

    const [delivery] = await waitFor(() => received.get(order.merchantOrderNo));
    const notification = platform.verifyCallback(delivery!.raw, delivery!.headers);
    expect(notification).toMatchObject({ merchantId, tradeNo: order.tradeNo, merchantOrderNo: order.merchantOrderNo, amountFen: 14_000 });
    expect(() => assertNotificationMatches(notification, { merchantOrderNo: order.merchantOrderNo, amountFen: 14_000, tradeNo: order.tradeNo })).not.toThrow();
    const queried = await platform.queryOrder(order.merchantOrderNo);
    expect(queried.status).toBe('paid');
    expect(queried.paidAt!.getTime()).toBe(notification.paidAt.getTime());
    const [callback] = await waitFor(async () => {
      const list = await sandboxCallbacks(sandbox.url, order.merchantOrderNo);
      return list[0]?.state === 'acknowledged' && list;
    });
    expect(callback).toMatchObject({ state: 'acknowledged', attempts: [{ attempt: 1, status: 200, acknowledged: true }] });

    // Paying again (a second tab) changes nothing and sends no second notification.
    expect((await cashier(order.payUrl, 'pay')).status).toBe(303);
    await sleep(50);
    expect(received.get(order.merchantOrderNo)).toHaveLength(1);
  });

  it('M06 the merchant order number is the idempotency key: same order again, or ORDER_CONFLICT when amount or subject differ', async () => {
    const first = await newOrder();
    const again = await platform.createOrder({ merchantOrderNo: first.merchantOrderNo, amountFen: 14_000, subject: first.subject, notifyUrl: `${notifyUrl}/ack`, returnUrl, expiresAt: new Date(Date.now() + 60 * 60_000) });
    expect(again.tradeNo).toBe(first.tradeNo);
    expect(again.expiresAt.getTime()).toBe(first.expiresAt.getTime());
    const conflict = await platform.createOrder({ merchantOrderNo: first.merchantOrderNo, amountFen: 7_000, subject: first.subject, notifyUrl: `${notifyUrl}/ack`, returnUrl, expiresAt: first.expiresAt }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(PaymentRefusedError);
    expect(conflict).toMatchObject({ status: 409, code: 'ORDER_CONFLICT', field: 'out_trade_no', message: '商户订单号已存在，且订单金额或商品名称与原订单不一致' });
    await expect(platform.createOrder({ merchantOrderNo: first.merchantOrderNo, amountFen: 14_000, subject: '其他费用', notifyUrl: `${notifyUrl}/ack`, returnUrl, expiresAt: first.expiresAt })).rejects.toMatchObject({ code: 'ORDER_CONFLICT' });
    expect((await platform.queryOrder(first.merchantOrderNo)).amountFen).toBe(14_000);
  });

  it('M06 bad order data is refused with a Chinese message naming the field, and nothing is created', async () => {
    const cases: [Parameters<typeof newOrder>[1], string, string][] = [
      [{ amountFen: 0 }, 'total_fee', '订单金额'],
      [{ amountFen: 14.5 }, 'total_fee', '订单金额'],
      [{ subject: '' }, 'subject', '商品名称'],
      [{ notifyUrl: 'ftp://example.gov.cn/notify' }, 'notify_url', '异步通知地址'],
      [{ returnUrl: 'javascript:alert(1)' }, 'return_url', '支付完成返回地址'],
      [{ expiresAt: new Date(Date.now() - 60_000) }, 'time_expire', '订单失效时间'],
      [{ merchantOrderNo: 'a/b' }, 'out_trade_no', '商户订单号'],
    ];
    for (const [overrides, field, label] of cases) {
      const no = overrides?.merchantOrderNo ?? orderNo();
      const error = await newOrder('ack', { merchantOrderNo: no, ...overrides }).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(PaymentRefusedError);
      expect(error).toMatchObject({ status: 400, code: 'INVALID_PARAM', field });
      expect((error as Error).message).toContain(label);
      if (no !== 'a/b') await expect(platform.queryOrder(no)).rejects.toMatchObject({ status: 404, code: 'ORDER_NOT_FOUND', message: '订单不存在' });
    }
  });

  it('M06 forged, altered, misdirected or stale callbacks are rejected; a signed answer never passes as a callback', async () => {
    const { raw, headers, notification } = await paidCallback();
    expect(callbackReason(() => platform.verifyCallback(raw.toString('utf8'), headers))).toBe('accepted');

    const altered = raw.toString('utf8').replace(`"total_fee":${notification.amountFen}`, '"total_fee":1');
    expect(altered).not.toBe(raw.toString('utf8'));
    expect(callbackReason(() => platform.verifyCallback(altered, headers))).toBe('bad-signature');

    const forger = new Sm2Service({ sm2KeyPair: () => generateSm2KeyPair() });
    const forged = signHeaders((t) => forger.sign('x', t), 'notify', merchantId, '', altered);
    expect(callbackReason(() => platform.verifyCallback(altered, forged))).toBe('bad-signature');

    const { [paymentWire.headers.signature]: _dropped, ...unsigned } = headers;
    expect(callbackReason(() => platform.verifyCallback(raw, unsigned))).toBe('malformed');
    expect(callbackReason(() => platform.verifyCallback(raw, { ...headers, [paymentWire.headers.merchantId]: 'other-merchant' }))).toBe('wrong-merchant');
    const otherMerchant = adapter({ merchantId: 'other-merchant' });
    expect(callbackReason(() => otherMerchant.verifyCallback(raw, headers))).toBe('wrong-merchant');
    const later = adapter({ now: () => new Date(Date.now() + 10 * 60_000) });
    expect(callbackReason(() => later.verifyCallback(raw, headers))).toBe('stale');

    // A query answer is signed by the platform too, but as an answer: it cannot be replayed to notify_url.
    let answer: { body: string; headers: Headers } | undefined;
    const capturing = adapter({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        answer = { body: await res.clone().text(), headers: res.headers };
        return res;
      },
    });
    await capturing.queryOrder(notification.merchantOrderNo);
    expect(callbackReason(() => platform.verifyCallback(answer!.body, answer!.headers))).toBe('bad-signature');
  });

  it('M06 the verify helper detects a callback for another order or another amount', async () => {
    const { notification } = await paidCallback();
    const reason = (order: Parameters<typeof assertNotificationMatches>[1]) => callbackReason(() => assertNotificationMatches(notification, order));
    expect(reason({ merchantOrderNo: notification.merchantOrderNo, amountFen: 14_000 })).toBe('accepted');
    expect(reason({ merchantOrderNo: notification.merchantOrderNo, amountFen: 7_000 })).toBe('amount-mismatch');
    expect(reason({ merchantOrderNo: 'REG-ANOTHER-ORDER', amountFen: 14_000 })).toBe('order-mismatch');
    expect(reason({ merchantOrderNo: notification.merchantOrderNo, amountFen: 14_000, tradeNo: 'P00000000000000000000000' })).toBe('order-mismatch');
  });

  it('M06 the same callback is delivered 10 times with growing back-off until acknowledged, then never again', async () => {
    const order = await newOrder('fail9');
    await sandboxPay(sandbox.url, order.tradeNo);
    const deliveries = await waitFor(() => (received.get(order.merchantOrderNo)?.length ?? 0) >= 10 && received.get(order.merchantOrderNo), 10_000);
    await sleep(backoff.at(-1)! * 3);
    expect(deliveries).toHaveLength(10);

    const notifications = deliveries.map((d) => platform.verifyCallback(d.raw, d.headers));
    expect(new Set(notifications.map((n) => n.notifyId)).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.raw.toString('utf8'))).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.headers[paymentWire.headers.nonce])).size).toBe(10); // each attempt signed afresh
    for (let i = 1; i < deliveries.length; i += 1) expect(deliveries[i]!.at - deliveries[i - 1]!.at, `gap ${i}`).toBeGreaterThanOrEqual(backoff[i - 1]! - 2);

    const [callback] = await sandboxCallbacks(sandbox.url, order.merchantOrderNo);
    expect(callback!.state).toBe('acknowledged');
    expect(callback!.attempts.map((a) => a.acknowledged)).toEqual([...Array(9).fill(false), true]);
    expect(callback!.attempts.slice(0, 2).map((a) => a.status)).toEqual([500, 200]);
    expect(callback!.attempts[1]!.error).toBe('商户未返回成功应答（HTTP 200）');
  });

  it('M06 a merchant that never acknowledges gets every retry of the back-off schedule, then the platform gives up', async () => {
    const schedule = [10, 30, 60, 100];
    const strict = await startPaymentSandbox({ port: 0, merchants: [{ merchantId, publicKey: merchantPair.publicKey }], latencyMs: 0, callbackBackoffMs: schedule });
    try {
      const order = await adapter({ baseUrl: strict.url, publicKey: strict.publicKey }).createOrder({
        merchantOrderNo: orderNo(),
        amountFen: 7_000,
        subject: '2026年初级注册安全工程师考试报名费（增报专业）',
        notifyUrl: `${notifyUrl}/never`,
        returnUrl,
        expiresAt: new Date(Date.now() + 30 * 60_000),
      });
      await sandboxPay(strict.url, order.merchantOrderNo);
      const [callback] = await waitFor(async () => {
        const list = await sandboxCallbacks(strict.url, order.merchantOrderNo);
        return list[0]?.state === 'gave-up' && list;
      }, 10_000);
      const deliveries = received.get(order.merchantOrderNo)!;
      expect(deliveries).toHaveLength(schedule.length + 1);
      expect(callback!.attempts).toHaveLength(schedule.length + 1);
      expect(callback!.nextAttemptAt).toBeNull();
      const gaps = deliveries.slice(1).map((d, i) => d.at - deliveries[i]!.at);
      gaps.forEach((gap, i) => expect(gap, `gap ${i + 1}`).toBeGreaterThanOrEqual(schedule[i]! - 2));
      await sleep(150);
      expect(received.get(order.merchantOrderNo)).toHaveLength(schedule.length + 1);
    } finally {
      await strict.close();
    }
  });

  it('M06 with callbacks lost, the payment is found by querying the order', async () => {
    await sandboxSettings(sandbox.url, { dropCallbacks: true });
    try {
      const order = await newOrder();
      await sandboxPay(sandbox.url, order.merchantOrderNo);
      await sleep(60);
      expect(received.get(order.merchantOrderNo)).toBeUndefined();
      expect(await sandboxCallbacks(sandbox.url, order.merchantOrderNo)).toMatchObject([{ state: 'dropped', attempts: [] }]);
      expect(await platform.queryOrder(order.merchantOrderNo)).toMatchObject({ status: 'paid', tradeNo: order.tradeNo });
    } finally {
      await sandboxSettings(sandbox.url, { dropCallbacks: false });
    }
  });

  it('M06 an unpaid order closes (twice is fine) and can no longer be paid; a paid order cannot be closed', async () => {
    const order = await newOrder();
    const closed = await platform.closeOrder(order.merchantOrderNo);
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).toBeInstanceOf(Date);
    expect((await platform.closeOrder(order.merchantOrderNo)).status).toBe('closed');
    await expect(sandboxPay(sandbox.url, order.merchantOrderNo)).rejects.toThrow(/409/);
    const page = await fetch(order.payUrl);
    expect(page.status).toBe(409);
    const html = await page.text();
    expect(html).toContain('订单已被商户关闭');
    expect(html).not.toContain('data-test="pay-confirm"');
    expect((await cashier(order.payUrl, 'pay')).status).toBe(409);

    const { notification } = await paidCallback();
    const refused = await platform.closeOrder(notification.merchantOrderNo).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PaymentRefusedError);
    expect(refused).toMatchObject({ status: 409, code: 'ORDER_PAID', message: '订单已支付，不能关闭' });
    expect((await platform.queryOrder(notification.merchantOrderNo)).status).toBe('paid');
  });

  it('M16 取消 and 模拟失败 leave the order unpaid; an expired order cannot be paid', async () => {
    const order = await newOrder();
    const cancel = await cashier(order.payUrl, 'cancel');
    expect(cancel.status).toBe(303);
    expect(new URL(cancel.headers.get('location')!).searchParams.get('result')).toBe('cancel');
    const fail = await cashier(order.payUrl, 'fail');
    expect(fail.status).toBe(402);
    const html = await fail.text();
    expect(html).toContain('支付失败');
    expect(html).toContain('重新支付');
    expect((await platform.queryOrder(order.merchantOrderNo)).status).toBe('waiting');
    await sleep(30);
    expect(received.get(order.merchantOrderNo)).toBeUndefined();

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31 * 60_000);
    expect(await platform.queryOrder(order.merchantOrderNo)).toMatchObject({ status: 'closed' });
    await expect(sandboxPay(sandbox.url, order.merchantOrderNo)).rejects.toThrow(/409/);
    expect(await (await fetch(order.payUrl)).text()).toContain('订单已超过支付期限');
  });

  it('M06 a paid order is refunded in full, once per refund number', async () => {
    const { notification } = await paidCallback();
    const no = notification.merchantOrderNo;
    const refundNo = `RF${no}`.slice(0, 32);
    await expect(platform.refund({ merchantOrderNo: no, merchantRefundNo: refundNo, amountFen: 7_000, reason: '考生撤回报名' })).rejects.toMatchObject({ code: 'REFUND_AMOUNT_INVALID', field: 'refund_fee' });
    const refund = await platform.refund({ merchantOrderNo: no, merchantRefundNo: refundNo, amountFen: 14_000, reason: '考生撤回报名' });
    expect(refund).toMatchObject({ merchantOrderNo: no, merchantRefundNo: refundNo, tradeNo: notification.tradeNo, amountFen: 14_000, reason: '考生撤回报名' });
    expect(refund.refundNo).toMatch(/^R\d{22}$/);
    const again = await platform.refund({ merchantOrderNo: no, merchantRefundNo: refundNo, amountFen: 14_000, reason: '考生撤回报名' });
    expect(again).toEqual(refund);
    await expect(platform.refund({ merchantOrderNo: no, merchantRefundNo: `${refundNo.slice(0, 30)}X2`, amountFen: 14_000, reason: '' })).rejects.toMatchObject({ status: 409, code: 'ORDER_REFUNDED' });
    expect(await platform.queryOrder(no)).toMatchObject({ status: 'refunded', refundedAt: refund.refundedAt });

    const unpaid = await newOrder();
    await expect(platform.refund({ merchantOrderNo: unpaid.merchantOrderNo, merchantRefundNo: `RF${unpaid.merchantOrderNo}`.slice(0, 32), amountFen: 14_000, reason: '' })).rejects.toMatchObject({ code: 'ORDER_NOT_PAID', message: '订单未支付，不能退款' });
  });

  it('M06 the signed daily statement lists the paid and the refunded orders of the date', async () => {
    const a = await paidCallback();
    const b = await paidCallback();
    const refund = await platform.refund({ merchantOrderNo: b.notification.merchantOrderNo, merchantRefundNo: `RF${b.notification.merchantOrderNo}`.slice(0, 32), amountFen: 14_000, reason: '重复缴费' });
    const unpaid = await newOrder();
    const billDate = beijingDate(a.notification.paidAt);

    const statement = await platform.fetchStatement(billDate);
    expect(statement).toMatchObject({ merchantId, billDate });
    expect(statement.raw.split('\r\n')[0]).toBe('上海市公共支付平台商户对账单');
    const mine = statement.entries.filter((e) => [a.notification.merchantOrderNo, b.notification.merchantOrderNo, unpaid.merchantOrderNo].includes(e.merchantOrderNo));
    expect(mine.map((e) => [e.type, e.merchantOrderNo])).toEqual(
      expect.arrayContaining([
        ['pay', a.notification.merchantOrderNo],
        ['pay', b.notification.merchantOrderNo],
        ['refund', b.notification.merchantOrderNo],
      ]),
    );
    expect(mine).toHaveLength(3);
    expect(mine.find((e) => e.type === 'refund')).toMatchObject({ amountFen: 14_000, refundNo: refund.refundNo, merchantRefundNo: refund.merchantRefundNo, tradeNo: b.notification.tradeNo, subject: '2026年初级注册安全工程师考试报名费（全科）' });
    const pays = statement.entries.filter((e) => e.type === 'pay');
    expect(statement.totals).toMatchObject({ payCount: pays.length, payFen: pays.reduce((s, e) => s + e.amountFen, 0) });
    expect(statement.totals.refundCount).toBeGreaterThanOrEqual(1);

    // Altered in transit: the platform's signature no longer matches.
    const tampering = adapter({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        return new Response((await res.text()).replace(',14000,', ',1400,'), { status: res.status, headers: res.headers });
      },
    });
    await expect(tampering.fetchStatement(billDate)).rejects.toMatchObject({ name: 'PaymentResponseError', code: 'BAD_SIGNATURE' });
    await expect(platform.fetchStatement('2999-01-01')).rejects.toMatchObject({ code: 'INVALID_PARAM', field: 'bill_date', message: '账单日期（bill_date）不能晚于今天' });
    await expect(platform.fetchStatement('2026-02-30')).rejects.toMatchObject({ code: 'INVALID_PARAM', field: 'bill_date' });
  });

  it('M06 platform down, unreachable or too slow → PaymentUnavailableError', async () => {
    await sandboxSettings(sandbox.url, { down: true });
    try {
      const down = await newOrder().catch((e: unknown) => e);
      expect(down).toBeInstanceOf(PaymentUnavailableError);
      expect(down).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', message: '支付平台系统维护中，请稍后再试' });
      expect((await fetch(platform.payPageUrl('P00000000000000000000000'))).status).toBe(503);
    } finally {
      await sandboxSettings(sandbox.url, { down: false });
    }

    let calls = 0;
    const unreachable = adapter({
      baseUrl: 'http://127.0.0.1:9',
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    await expect(unreachable.queryOrder('REG000000001')).rejects.toMatchObject({ name: 'PaymentUnavailableError', code: 'NETWORK', status: null, message: '无法连接公共支付平台' });
    expect(calls).toBe(2); // retried once: every call is idempotent

    await sandboxSettings(sandbox.url, { latencyMs: 400 });
    try {
      await expect(adapter({ timeoutMs: 100 }).queryOrder('REG000000001')).rejects.toMatchObject({ name: 'PaymentUnavailableError', code: 'TIMEOUT' });
    } finally {
      await sandboxSettings(sandbox.url, { latencyMs: 1 });
    }
  });

  it('M06 the platform refuses requests signed with another key, from unknown merchants, or replayed', async () => {
    const wrongKey = adapter({ sm2: new Sm2Service({ sm2KeyPair: () => generateSm2KeyPair() }) });
    const error = await wrongKey.queryOrder('REG000000001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentRefusedError);
    expect(error).toMatchObject({ status: 401, code: 'SIGNATURE_INVALID', message: '签名校验失败' });
    await expect(adapter({ merchantId: 'unknown-merchant' }).queryOrder('REG000000001')).rejects.toMatchObject({ status: 401, code: 'MERCHANT_UNKNOWN' });

    let sent: { url: string; init: RequestInit } | undefined;
    const recording = adapter({
      fetch: (input, init) => {
        sent = { url: String(input), init: init! };
        return fetch(input, init);
      },
    });
    const order = await newOrder();
    await recording.queryOrder(order.merchantOrderNo);
    const replay = await fetch(sent!.url, { method: sent!.init.method, headers: sent!.init.headers });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: 'NONCE_REUSED' });
  });

  it('M06 an answer without the platform signature is not believed', async () => {
    const order = await newOrder();
    const otherKey = adapter({ publicKey: generateSm2KeyPair().publicKey });
    await expect(otherKey.queryOrder(order.merchantOrderNo)).rejects.toMatchObject({ name: 'PaymentResponseError', code: 'BAD_SIGNATURE', message: '公共支付平台的应答签名校验失败' });
    const stripped = adapter({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        const body = (await res.text()).replace('"NOTPAY"', '"SUCCESS"');
        return new Response(body, { status: res.status, headers: res.headers });
      },
    });
    await expect(stripped.queryOrder(order.merchantOrderNo)).rejects.toBeInstanceOf(PaymentResponseError);
    expect(await PaymentPlatform.fetchPublicKey(sandbox.url)).toBe(sandbox.publicKey);
  });

  it('M06 with a state file the sandbox keeps its key, orders and unacknowledged callbacks across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payment-sandbox-'));
    const stateFile = path.join(dir, 'payment.json');
    const start = () => startPaymentSandbox({ port: 0, merchants: [{ merchantId, publicKey: merchantPair.publicKey }], latencyMs: 0, callbackBackoffMs: [5_000], stateFile });
    try {
      const first = await start();
      const client = adapter({ baseUrl: first.url, publicKey: first.publicKey });
      const order = await client.createOrder({ merchantOrderNo: orderNo(), amountFen: 14_000, subject: '考试报名费', notifyUrl: `${notifyUrl}/fail9`, returnUrl, expiresAt: new Date(Date.now() + 30 * 60_000) });
      await sandboxPay(first.url, order.merchantOrderNo);
      await waitFor(() => received.get(order.merchantOrderNo));
      await first.close();
      expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);

      const second = await start();
      try {
        expect(second.publicKey).toBe(first.publicKey);
        const restarted = adapter({ baseUrl: second.url, publicKey: second.publicKey });
        expect(await restarted.queryOrder(order.merchantOrderNo)).toMatchObject({ tradeNo: order.tradeNo, status: 'paid' });
        const [callback] = await sandboxCallbacks(second.url, order.merchantOrderNo);
        expect(callback).toMatchObject({ state: 'pending', attempts: [{ attempt: 1, acknowledged: false }] });
        expect(Date.parse(callback!.nextAttemptAt!)).toBeGreaterThan(Date.now());
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
