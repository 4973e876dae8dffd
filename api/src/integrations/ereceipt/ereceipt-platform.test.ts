import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sm2Service } from '../../security/sm2';
import { generateSm2KeyPair } from '../../security/sm2-keys';
import { pdfText } from '../../../../tests/support/pdf';
import { EReceiptPlatform, EReceiptRefusedError, EReceiptResponseError, EReceiptUnavailableError, type IssueEReceipt } from './ereceipt-platform';
import { eReceiptWire, signedHeaders } from './ereceipt-wire';
import { eReceiptSandboxReceipts, eReceiptSandboxSettings, startEReceiptSandbox, type EReceiptSandbox } from './sandbox/ereceipt-sandbox';

const appId = 'test-ereceipt-app';
const appSecret = 'test-ereceipt-secret-0123456789';
const verifier = new Sm2Service({ sm2KeyPair: () => generateSm2KeyPair() });
let sandbox: EReceiptSandbox;
let platform: EReceiptPlatform;

beforeAll(async () => {
  sandbox = await startEReceiptSandbox({ port: 0, appId, appSecret, latencyMs: 1 });
  platform = adapter();
});
afterAll(() => sandbox.close());

function adapter(overrides: Partial<ConstructorParameters<typeof EReceiptPlatform>[0]> = {}): EReceiptPlatform {
  return new EReceiptPlatform({ baseUrl: sandbox.url, appId, appSecret, publicKey: sandbox.publicKey, sm2: verifier, ...overrides });
}

let seq = 0;
function paidOrder(overrides: Partial<IssueEReceipt> = {}): IssueEReceipt {
  seq += 1;
  return {
    orderNo: `REG${Date.now()}${String(seq).padStart(3, '0')}`,
    tradeNo: `P2026030110000000${String(seq).padStart(6, '0')}`,
    payerName: '张三',
    amountFen: 14_000,
    paidAt: new Date(Date.now() - 60_000),
    items: [{ code: '103040101', name: '注册安全工程师考试考务费', quantity: 2, unitPriceFen: 7_000, amountFen: 14_000 }],
    ...overrides,
  };
}

describe('fiscal e-receipt adapter and sandbox (M06, M16)', () => {
  it('M06 a paid order gets a receipt with number, check code, issue time, payer, items and a valid fiscal signature', async () => {
    const order = paidOrder({ remark: '2026年初级注册安全工程师考试' });
    const receipt = await platform.issue(order);
    expect(receipt).toMatchObject({ orderNo: order.orderNo, tradeNo: order.tradeNo, payerName: '张三', payeeName: '上海市应急管理局', amountFen: 14_000, items: order.items, remark: '2026年初级注册安全工程师考试' });
    expect(receipt.receiptCode).toMatch(/^310601\d{2}$/);
    expect(receipt.receiptNo).toMatch(/^\d{10}$/);
    expect(receipt.checkCode).toMatch(/^[0-9A-Z]{6}$/);
    expect(Math.abs(receipt.issuedAt.getTime() - Date.now())).toBeLessThan(5_000);
    expect(Math.floor(receipt.paidAt.getTime() / 1000)).toBe(Math.floor(order.paidAt.getTime() / 1000));
    expect(receipt.verifyUrl).toBe(`${sandbox.url}/verify?bill_no=${receipt.receiptNo}&check_code=${receipt.checkCode}`);
  });

  it('M06 issuing is idempotent per order: the same order always gets the same receipt; different data for it is refused', async () => {
    const order = paidOrder();
    const first = await platform.issue(order);
    const again = await platform.issue(order);
    expect(again).toEqual(first);
    const other = await platform.issue(paidOrder());
    expect(other.receiptNo).not.toBe(first.receiptNo);
    const conflict = await platform.issue({ ...order, payerName: '李四' }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(EReceiptRefusedError);
    expect(conflict).toMatchObject({ status: 409, code: 'RECEIPT_CONFLICT', field: 'biz_order_no', message: '该业务单号已开具票据，且缴款信息与原票据不一致' });
    expect((await eReceiptSandboxReceipts(sandbox.url)).filter((r) => r.orderNo === order.orderNo)).toHaveLength(1);
  });

  it('M06 bad receipt data is refused with a Chinese message naming the field, and nothing is issued', async () => {
    const cases: [Partial<IssueEReceipt>, string, string][] = [
      [{ amountFen: 7_000 }, 'total_amount', '须等于各收费项目金额之和'],
      [{ items: [{ code: '103040101', name: '考务费', quantity: 2, unitPriceFen: 7_000, amountFen: 7_000 }], amountFen: 7_000 }, 'items[0].amount', '须等于数量乘以单价'],
      [{ items: [] }, 'items', '收费项目'],
      [{ payerName: '' }, 'payer_name', '缴款人'],
      [{ paidAt: new Date(Date.now() + 3_600_000) }, 'pay_time', '缴款时间'],
      [{ orderNo: 'x' }, 'biz_order_no', '业务单号'],
    ];
    const before = (await eReceiptSandboxReceipts(sandbox.url)).length;
    for (const [overrides, field, text] of cases) {
      const error = await platform.issue(paidOrder(overrides)).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(EReceiptRefusedError);
      expect(error).toMatchObject({ status: 400, code: 'INVALID_PARAM', field });
      expect((error as Error).message).toContain(text);
    }
    expect(await eReceiptSandboxReceipts(sandbox.url)).toHaveLength(before);
  });

  it('M16 verification: the right check code → valid with details; a wrong one → invalid; malformed input is refused', async () => {
    const receipt = await platform.issue(paidOrder());
    const valid = await platform.verify(receipt.receiptNo, receipt.checkCode.toLowerCase());
    expect(valid).toEqual({ valid: true, receipt });
    const wrong = `${receipt.checkCode.slice(0, 5)}${receipt.checkCode.endsWith('A') ? 'B' : 'A'}`;
    expect(await platform.verify(receipt.receiptNo, wrong)).toEqual({ valid: false });
    expect(await platform.verify('9999999999', receipt.checkCode)).toEqual({ valid: false });
    await expect(platform.verify('12345', receipt.checkCode)).rejects.toMatchObject({ status: 400, field: 'bill_no', message: '票据号码（bill_no）须为10位数字' });
  });

  it('M16 the public verification page (HTML, Chinese) shows the receipt for the right check code only', async () => {
    const receipt = await platform.issue(paidOrder({ payerName: '王<b>五' }));
    const form = await fetch(`${sandbox.url}${eReceiptWire.paths.verifyPage}`);
    expect(await form.text()).toContain('财政电子票据查验');
    const page = await fetch(receipt.verifyUrl);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const text of ['查验通过：该票据真实有效。', receipt.receiptNo, receipt.receiptCode, '140.00', '上海市应急管理局', '王&lt;b&gt;五', '注册安全工程师考试考务费']) expect(html).toContain(text);
    expect(html).not.toContain('<b>五');
    const invalid = await (await fetch(`${sandbox.url}/verify?bill_no=${receipt.receiptNo}&check_code=000000`)).text();
    expect(invalid).toContain('查验未通过');
    expect(invalid).not.toContain('上海市应急管理局</td>');
  });

  it('M16 the receipt PDF is a real PDF carrying the receipt number and the amount', async () => {
    const receipt = await platform.issue(paidOrder({ amountFen: 7_000, items: [{ code: '103040101', name: '考务费', quantity: 1, unitPriceFen: 7_000, amountFen: 7_000 }] }));
    const pdf = await platform.fetchPdf(receipt.receiptNo);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = await pdfText(pdf);
    expect(text).toContain(receipt.receiptNo);
    expect(text).toContain(receipt.checkCode);
    expect(text).toContain('70.00');
    const publicPdf = await fetch(`${sandbox.url}${eReceiptWire.paths.verifyPdf}?bill_no=${receipt.receiptNo}&check_code=${receipt.checkCode}`);
    expect(Buffer.from(await publicPdf.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await fetch(`${sandbox.url}${eReceiptWire.paths.verifyPdf}?bill_no=${receipt.receiptNo}&check_code=000000`)).status).toBe(404);
    await expect(platform.fetchPdf('9999999999')).rejects.toMatchObject({ status: 404, code: 'RECEIPT_NOT_FOUND' });
  });

  it('M06 a receipt whose fiscal signature does not verify is not accepted', async () => {
    await expect(adapter({ publicKey: generateSm2KeyPair().publicKey }).issue(paidOrder())).rejects.toMatchObject({ name: 'EReceiptResponseError', code: 'BAD_SIGNATURE' });
    const receipt = await platform.issue(paidOrder());
    const tampering = adapter({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        return new Response((await res.text()).replace('"total_amount":14000', '"total_amount":1400'), { status: res.status, headers: res.headers });
      },
    });
    await expect(tampering.verify(receipt.receiptNo, receipt.checkCode)).rejects.toBeInstanceOf(EReceiptResponseError);
  });

  it('M06 wrong secret, unknown app or a replayed request is refused; platform down or unreachable → EReceiptUnavailableError', async () => {
    await expect(adapter({ appSecret: 'not-the-secret-0000000000' }).issue(paidOrder())).rejects.toMatchObject({ status: 401, code: 'SIGNATURE_INVALID', message: '签名校验失败' });
    await expect(adapter({ appId: 'other-app' }).issue(paidOrder())).rejects.toMatchObject({ status: 401, code: 'APP_UNKNOWN' });
    const body = JSON.stringify({});
    const headers = { 'content-type': 'application/json', ...signedHeaders(appId, appSecret, `POST ${eReceiptWire.paths.receipts}`, body) };
    expect((await fetch(`${sandbox.url}${eReceiptWire.paths.receipts}`, { method: 'POST', headers, body })).status).toBe(400);
    const replay = await fetch(`${sandbox.url}${eReceiptWire.paths.receipts}`, { method: 'POST', headers, body });
    expect(await replay.json()).toMatchObject({ code: 'NONCE_REUSED' });

    await eReceiptSandboxSettings(sandbox.url, { down: true });
    try {
      const down = await platform.issue(paidOrder()).catch((e: unknown) => e);
      expect(down).toBeInstanceOf(EReceiptUnavailableError);
      expect(down).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await eReceiptSandboxSettings(sandbox.url, { down: false });
    }
    await expect(adapter({ baseUrl: 'http://127.0.0.1:9' }).issue(paidOrder())).rejects.toMatchObject({ name: 'EReceiptUnavailableError', code: 'NETWORK', message: '无法连接财政电子票据平台' });
    expect(await EReceiptPlatform.fetchPublicKey(sandbox.url)).toBe(sandbox.publicKey);
  });

  it('M06 with a state file the sandbox keeps its fiscal key and receipts across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ereceipt-sandbox-'));
    const stateFile = path.join(dir, 'ereceipt.json');
    try {
      const first = await startEReceiptSandbox({ port: 0, appId, appSecret, latencyMs: 0, stateFile });
      const order = paidOrder();
      const receipt = await adapter({ baseUrl: first.url, publicKey: first.publicKey }).issue(order);
      await first.close();
      const second = await startEReceiptSandbox({ port: 0, appId, appSecret, latencyMs: 0, stateFile });
      try {
        expect(second.publicKey).toBe(first.publicKey);
        const client = adapter({ baseUrl: second.url, publicKey: second.publicKey });
        const again = await client.issue(order);
        expect({ ...again, verifyUrl: '' }).toEqual({ ...receipt, verifyUrl: '' });
        expect((await client.verify(receipt.receiptNo, receipt.checkCode)).valid).toBe(true);
        expect((await client.issue(paidOrder())).receiptNo).not.toBe(receipt.receiptNo);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
