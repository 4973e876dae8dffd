import crypto from 'node:crypto';
import http from 'node:http';
import { SandboxError, loadStateFile, nonceGuard, parseJson, readRequestBody, sandboxControlClient, saveStateFile, sendJson } from '../../sandbox-kit/sandbox-http';
import { escapeHtml, pageStyle, sendPage } from '../../sandbox-kit/sandbox-page';
import { matchRoute, startSandboxServer } from '../../sandbox-kit/sandbox-server';
import { Sm2Service } from '../../../security/sm2';
import { generateSm2KeyPair, isValidSm2KeyPair, type Sm2KeyPair } from '../../../security/sm2-keys';
import { formatBeijingTime, formatCompactTime, formatYuan, parseCompactTime } from '../../wire-formats';
import {
  RECEIPT_CHECK_CODE,
  RECEIPT_NO,
  RECEIPT_ORDER_NO,
  eReceiptErrorCodes,
  eReceiptWire,
  readSignedHeaders,
  receiptSigningText,
  signRequest,
  type ReceiptItemFields,
  type ReceiptSignedFields,
} from '../ereceipt-wire';
import { renderSimplePdf } from './receipt-pdf';

/**
 * A stand-in for the 上海市财政电子票据 platform, served over HTTP on its own port (no Express): it
 * checks the app's HMAC-SM3 request signatures, timestamps and nonces; issues one receipt per
 * business order (票据代码, sequential 票据号码, random 校验码) carrying a fiscal SM2 signature made
 * with its own key (generated at first start, published at `/api/v1/keys`); serves each receipt as
 * a PDF; and answers public verification by receipt number and check code, as JSON and as a Chinese
 * HTML page. Wire names come from `ereceipt-wire.ts`.
 *
 * Test control (sandbox only): `GET /__sandbox/receipts`, `GET|POST /__sandbox/settings` ({ latencyMs, down }).
 */

export interface EReceiptSandboxOptions {
  port: number;
  host?: string;
  appId: string;
  appSecret: string;
  /** 收款单位 printed on the receipts (default 上海市应急管理局). */
  payeeName?: string;
  /** Delay before each answer (default 20 ms). */
  latencyMs?: number;
  /** The base URL people reach the verification page on; default the listening address. */
  publicUrl?: string;
  /** Keeps the fiscal key and the receipts across restarts (JSON, written after each change). */
  stateFile?: string;
}

export interface EReceiptSandbox {
  server: http.Server;
  url: string;
  /** The SM2 public key of the fiscal signature (hex, `04…`). */
  publicKey: string;
  close(): Promise<void>;
}

export interface EReceiptSandboxSettings {
  latencyMs: number;
  /** Every platform endpoint answers 503 (the control endpoints keep working). */
  down: boolean;
}

/** A receipt as the sandbox issued it: the fields its fiscal signature covers, a remark and the signature. */
export interface SandboxReceipt extends ReceiptSignedFields {
  items: ReceiptItemFields[];
  remark: string;
  signature: string;
}

interface PersistedState {
  keyPair: Sm2KeyPair;
  receipts: SandboxReceipt[];
}

const MAX_BODY = 32 * 1024;
const MAX_ITEMS = 20;
const TEXT = (max: number) => new RegExp(`^[^\\p{Cc}]{1,${max}}$`, 'u');
const CHECK_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const STYLE = pageStyle(`body{font-family:"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f1ee;margin:0;color:#1f2d3d}
header{background:#b3261e;color:#fff;padding:14px 24px;font-size:20px}
main{max-width:620px;margin:24px auto;background:#fff;padding:24px;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.1)}
h1{font-size:18px;margin:0 0 12px}label{display:block;margin:8px 0 4px}input{width:100%;box-sizing:border-box;padding:8px;font-size:15px}
button{margin-top:14px;padding:10px 18px;background:#b3261e;color:#fff;border:0;border-radius:4px;font-size:15px;cursor:pointer}
table{width:100%;border-collapse:collapse;margin:12px 0}th,td{border:1px solid #e4d6d0;padding:6px 8px;text-align:left}th{background:#faf5f2;font-weight:normal;color:#606f80}
.ok{background:#f0f9eb;color:#529b2e;padding:8px 12px;border-radius:4px}.error{background:#fef0f0;color:#c45656;padding:8px 12px;border-radius:4px}`);

const validState = (state: PersistedState): boolean => isValidSm2KeyPair(state.keyPair) && Array.isArray(state.receipts);

/** Starts the sandbox; resolves once it listens (port 0: a free port). */
export async function startEReceiptSandbox(options: EReceiptSandboxOptions): Promise<EReceiptSandbox> {
  const persisted = loadStateFile(options.stateFile, validState, 'e-receipt');
  const keyPair = persisted?.keyPair ?? generateSm2KeyPair();
  const signer = new Sm2Service({ sm2KeyPair: () => keyPair });
  const payeeName = options.payeeName ?? '上海市应急管理局';
  const settings: EReceiptSandboxSettings = { latencyMs: options.latencyMs ?? 20, down: false };
  const byOrder = new Map<string, SandboxReceipt>();
  const byNo = new Map<string, SandboxReceipt>();
  const rememberNonce = nonceGuard(eReceiptWire.timestampWindowMs);
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  for (const receipt of persisted?.receipts ?? []) {
    byOrder.set(receipt.orderNo, receipt);
    byNo.set(receipt.receiptNo, receipt);
  }

  function persist(): void {
    if (options.stateFile) saveStateFile(options.stateFile, { keyPair, receipts: [...byNo.values()] } satisfies PersistedState);
  }

  const verifyUrl = (r: SandboxReceipt) => {
    const v = eReceiptWire.verify;
    return `${publicUrl}${eReceiptWire.paths.verifyPage}?${new URLSearchParams({ [v.receiptNo]: r.receiptNo, [v.checkCode]: r.checkCode }).toString()}`;
  };

  function receiptWire(r: SandboxReceipt): Record<string, unknown> {
    const w = eReceiptWire.receipt;
    const i = eReceiptWire.item;
    return {
      [w.receiptCode]: r.receiptCode,
      [w.receiptNo]: r.receiptNo,
      [w.checkCode]: r.checkCode,
      [w.issuedAt]: r.issuedAt,
      [w.orderNo]: r.orderNo,
      [w.tradeNo]: r.tradeNo,
      [w.payerName]: r.payerName,
      [w.payeeName]: r.payeeName,
      [w.amount]: r.amountFen,
      [w.paidAt]: r.paidAt,
      [w.items]: r.items.map((item) => ({ [i.code]: item.code, [i.name]: item.name, [i.quantity]: item.quantity, [i.unitPrice]: item.unitPriceFen, [i.amount]: item.amountFen })),
      [w.remark]: r.remark,
      [w.verifyUrl]: verifyUrl(r),
      [w.signature]: r.signature,
    };
  }

  function authenticate(req: http.IncomingMessage, raw: Buffer): void {
    const signed = readSignedHeaders(req.headers);
    if (!signed) throw new SandboxError(401, eReceiptErrorCodes.signatureInvalid, '缺少签名信息或签名信息格式不正确');
    if (signed.appId !== options.appId) throw new SandboxError(401, eReceiptErrorCodes.appUnknown, '接入应用不存在或未授权');
    const expected = Buffer.from(signRequest(options.appSecret, signed.appId, signed.timestamp, signed.nonce, `${req.method} ${req.url}`, raw), 'hex');
    const given = Buffer.from(signed.signature, 'hex');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new SandboxError(401, eReceiptErrorCodes.signatureInvalid, '签名校验失败');
    const now = Date.now();
    if (Math.abs(now - Number(signed.timestamp)) > eReceiptWire.timestampWindowMs) throw new SandboxError(400, eReceiptErrorCodes.timestampExpired, '请求时间戳已过期或无效');
    if (!rememberNonce(signed.nonce, now)) throw new SandboxError(400, eReceiptErrorCodes.nonceReused, '请求随机数已使用');
  }

  const invalid = (field: string, message: string) => new SandboxError(400, eReceiptErrorCodes.invalidParam, message, field);

  function positiveInt(value: unknown, max: number): value is number {
    return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
  }

  function parseItems(value: unknown): ReceiptItemFields[] {
    const f = eReceiptWire.issue.items;
    if (!Array.isArray(value) || value.length < 1 || value.length > MAX_ITEMS) throw invalid(f, `收费项目（${f}）须为1至${MAX_ITEMS}项`);
    const k = eReceiptWire.item;
    return value.map((raw: unknown, n) => {
      const at = (name: string) => `${f}[${n}].${name}`;
      const item = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
      const code = item[k.code];
      const name = item[k.name];
      const quantity = item[k.quantity];
      const unitPrice = item[k.unitPrice];
      const amount = item[k.amount];
      if (typeof code !== 'string' || !/^[0-9A-Za-z]{1,20}$/.test(code)) throw invalid(at(k.code), `第${n + 1}项的项目编码（${at(k.code)}）须为1至20位字母或数字`);
      if (typeof name !== 'string' || !TEXT(64).test(name)) throw invalid(at(k.name), `第${n + 1}项的项目名称（${at(k.name)}）须为1至64个字符`);
      if (!positiveInt(quantity, 1000)) throw invalid(at(k.quantity), `第${n + 1}项的数量（${at(k.quantity)}）须为1至1000的整数`);
      if (!positiveInt(unitPrice, 100_000_000)) throw invalid(at(k.unitPrice), `第${n + 1}项的单价（${at(k.unitPrice)}）须为正整数（单位：分）`);
      if (amount !== quantity * unitPrice) throw invalid(at(k.amount), `第${n + 1}项的金额（${at(k.amount)}）须等于数量乘以单价`);
      return { code, name, quantity, unitPriceFen: unitPrice, amountFen: amount };
    });
  }

  function issue(raw: Buffer): SandboxReceipt {
    const value = parseJson(raw, eReceiptErrorCodes.invalidParam);
    // Not an object: every field is missing, and the first is refused.
    const body = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    const f = eReceiptWire.issue;
    const orderNo = body[f.orderNo];
    const tradeNo = body[f.tradeNo];
    const payerName = body[f.payerName];
    const amount = body[f.amount];
    const paidAt = parseCompactTime(body[f.paidAt]);
    const remark = body[f.remark] ?? '';
    if (typeof orderNo !== 'string' || !RECEIPT_ORDER_NO.test(orderNo)) throw invalid(f.orderNo, `业务单号（${f.orderNo}）须为6至32位字母、数字、下划线或连字符`);
    if (typeof tradeNo !== 'string' || !/^[A-Za-z0-9_-]{6,40}$/.test(tradeNo)) throw invalid(f.tradeNo, `支付流水号（${f.tradeNo}）须为6至40位字母、数字、下划线或连字符`);
    if (typeof payerName !== 'string' || !TEXT(64).test(payerName.trim())) throw invalid(f.payerName, `缴款人（${f.payerName}）须为1至64个字符`);
    if (!positiveInt(amount, 100_000_000)) throw invalid(f.amount, `票据金额（${f.amount}）须为正整数（单位：分）`);
    if (!paidAt || paidAt.getTime() > Date.now() + 60_000) throw invalid(f.paidAt, `缴款时间（${f.paidAt}）须为不晚于当前的时间，格式yyyyMMddHHmmss`);
    if (typeof remark !== 'string' || !/^[^\p{Cc}]{0,200}$/u.test(remark)) throw invalid(f.remark, `备注（${f.remark}）不能超过200个字符`);
    const items = parseItems(body[f.items]);
    if (items.reduce((sum, i) => sum + i.amountFen, 0) !== amount) throw invalid(f.amount, `票据金额（${f.amount}）须等于各收费项目金额之和`);

    const existing = byOrder.get(orderNo);
    if (existing) {
      const same =
        existing.tradeNo === tradeNo && existing.payerName === payerName.trim() && existing.amountFen === amount && existing.paidAt === body[f.paidAt] &&
        JSON.stringify(existing.items) === JSON.stringify(items);
      if (!same) throw new SandboxError(409, eReceiptErrorCodes.receiptConflict, '该业务单号已开具票据，且缴款信息与原票据不一致', f.orderNo);
      return existing;
    }
    const now = new Date();
    const receiptCode = `310601${formatCompactTime(now).slice(2, 4)}`;
    const fields = {
      receiptCode,
      receiptNo: String(byNo.size + 1).padStart(10, '0'),
      checkCode: Array.from({ length: 6 }, () => CHECK_ALPHABET[crypto.randomInt(CHECK_ALPHABET.length)]).join(''),
      issuedAt: formatCompactTime(now),
      orderNo,
      tradeNo,
      payerName: payerName.trim(),
      payeeName,
      amountFen: amount,
      paidAt: body[f.paidAt] as string,
      items,
    };
    const receipt: SandboxReceipt = { ...fields, remark, signature: signer.sign('fiscal', receiptSigningText(fields)) };
    byOrder.set(orderNo, receipt);
    byNo.set(receipt.receiptNo, receipt);
    persist();
    return receipt;
  }

  function pdfOf(r: SandboxReceipt): Buffer {
    const issued = parseCompactTime(r.issuedAt)!;
    return renderSimplePdf({
      title: 'Shanghai Fiscal Electronic Receipt (Sandbox)',
      rows: [
        ['Receipt code', r.receiptCode],
        ['Receipt no.', r.receiptNo],
        ['Check code', r.checkCode],
        ['Issued at', formatBeijingTime(issued)],
        ['Business order no.', r.orderNo],
        ['Payment trade no.', r.tradeNo],
        ...r.items.map((item, n) => [`Item ${n + 1}`, `${item.code}  ${item.quantity} x ${formatYuan(item.unitPriceFen)} = ${formatYuan(item.amountFen)}`] as const),
        ['Total (CNY)', formatYuan(r.amountFen)],
      ],
      footer: [`Verify: ${verifyUrl(r)}`, `Fiscal signature (SM2-SM3): ${r.signature.slice(0, 48)}...`, 'Issued by a sandbox: not a valid fiscal document.'],
      creationDate: issued,
    });
  }

  /** The receipt when number and check code match; malformed input is refused, a mismatch is "not found". */
  function lookup(receiptNo: string | null, checkCode: string | null): SandboxReceipt | undefined {
    const v = eReceiptWire.verify;
    if (!receiptNo || !RECEIPT_NO.test(receiptNo)) throw invalid(v.receiptNo, `票据号码（${v.receiptNo}）须为10位数字`);
    if (!checkCode || !RECEIPT_CHECK_CODE.test(checkCode.toUpperCase())) throw invalid(v.checkCode, `校验码（${v.checkCode}）须为6位字母或数字`);
    const receipt = byNo.get(receiptNo);
    if (!receipt) return undefined;
    const a = Buffer.from(receipt.checkCode);
    const b = Buffer.from(checkCode.toUpperCase());
    return a.length === b.length && crypto.timingSafeEqual(a, b) ? receipt : undefined;
  }

  function page(res: http.ServerResponse, status: number, body: string): void {
    sendPage(res, { status, title: '财政电子票据查验', banner: '上海市财政电子票据查验平台（沙箱）', style: STYLE, body });
  }

  function verifyPage(res: http.ServerResponse, url: URL): void {
    const v = eReceiptWire.verify;
    const no = url.searchParams.get(v.receiptNo);
    const code = url.searchParams.get(v.checkCode);
    const form =
      `<form method="get" action="${eReceiptWire.paths.verifyPage}"><label for="no">票据号码</label><input id="no" name="${v.receiptNo}" maxlength="10" required value="${escapeHtml(no ?? '')}">` +
      `<label for="code">校验码</label><input id="code" name="${v.checkCode}" maxlength="6" required value="${escapeHtml(code ?? '')}"><button type="submit" data-test="ereceipt-verify">查验</button></form>`;
    if (no === null && code === null) return page(res, 200, `<h1>财政电子票据查验</h1>${form}`);
    let receipt: SandboxReceipt | undefined;
    try {
      receipt = lookup(no, code);
    } catch (error) {
      if (error instanceof SandboxError) return page(res, 400, `<h1>财政电子票据查验</h1><p class="error" role="alert">${escapeHtml(error.message)}</p>${form}`);
      throw error;
    }
    if (!receipt) return page(res, 200, `<h1>财政电子票据查验</h1><p class="error" role="alert" data-test="ereceipt-invalid">查验未通过：未找到该票据，或校验码不正确。</p>${form}`);
    const rows: [string, string][] = [
      ['票据代码', receipt.receiptCode],
      ['票据号码', receipt.receiptNo],
      ['开票日期', formatBeijingTime(parseCompactTime(receipt.issuedAt)!)],
      ['交款人', receipt.payerName],
      ['收款单位', receipt.payeeName],
      ['金额（元）', formatYuan(receipt.amountFen)],
      ...receipt.items.map((i) => [i.name, `${i.quantity} × ${formatYuan(i.unitPriceFen)} = ${formatYuan(i.amountFen)}`] as [string, string]),
    ];
    const pdfLink = `${eReceiptWire.paths.verifyPdf}?${new URLSearchParams({ [v.receiptNo]: receipt.receiptNo, [v.checkCode]: receipt.checkCode }).toString()}`;
    page(
      res,
      200,
      `<h1>财政电子票据查验</h1><p class="ok" data-test="ereceipt-valid">查验通过：该票据真实有效。</p>` +
        `<table>${rows.map(([k, val]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(val)}</td></tr>`).join('')}</table>` +
        `<p><a href="${escapeHtml(pdfLink)}">下载票据（PDF）</a></p>${form}`,
    );
  }

  function pdfAnswer(res: http.ServerResponse, receipt: SandboxReceipt): void {
    const pdf = pdfOf(receipt);
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': pdf.length, 'content-disposition': `inline; filename="${receipt.receiptCode}-${receipt.receiptNo}.pdf"`, 'cache-control': 'no-store' });
    res.end(pdf);
  }

  function verified(url: URL): SandboxReceipt | undefined {
    const v = eReceiptWire.verify;
    return lookup(url.searchParams.get(v.receiptNo), url.searchParams.get(v.checkCode));
  }

  const p = eReceiptWire.paths;
  const sandbox = await startSandboxServer({
    port: options.port,
    host: options.host,
    errors: { fields: eReceiptWire.error, notFoundCode: eReceiptErrorCodes.notFound, internalMessage: '财政电子票据平台内部错误' },
    controls: {
      settings,
      flags: ['down'],
      invalidCode: eReceiptErrorCodes.invalidParam,
      unavailableCode: eReceiptErrorCodes.serviceUnavailable,
      downMessage: '财政电子票据平台系统维护中，请稍后再试',
      maxBody: MAX_BODY,
      routes: () => [['GET', '/receipts', () => ({ receipts: [...byNo.values()] })]],
    },
    async handle({ req, res, url, route }) {
      const v = eReceiptWire.verify;
      // Public verification: anyone, no signature.
      const open = matchRoute(
        [
          ['GET', p.keys, () => sendJson(res, 200, { [eReceiptWire.keys.publicKey]: keyPair.publicKey, [eReceiptWire.keys.alg]: eReceiptWire.alg })],
          ['GET', p.verifyPage, () => verifyPage(res, url)],
          ['GET', p.verify, () => {
            const receipt = verified(url);
            sendJson(res, 200, receipt ? { [v.valid]: true, [v.receipt]: receiptWire(receipt) } : { [v.valid]: false });
          }],
          ['GET', p.verifyPdf, () => {
            const receipt = verified(url);
            if (!receipt) throw new SandboxError(404, eReceiptErrorCodes.receiptNotFound, '未找到该票据，或校验码不正确');
            pdfAnswer(res, receipt);
          }],
        ],
        req.method,
        url.pathname,
      );
      if (open) return open();
      const raw = await readRequestBody(req, MAX_BODY, eReceiptErrorCodes.invalidParam);
      route([
        ['POST', p.receipts, () => {
          authenticate(req, raw);
          sendJson(res, 200, receiptWire(issue(raw)));
        }],
        ['GET', new RegExp(`^${p.receipts}/(\\d{10})${p.pdfSuffix}$`), ([receiptNo]) => {
          authenticate(req, raw);
          const receipt = byNo.get(receiptNo!);
          if (!receipt) throw new SandboxError(404, eReceiptErrorCodes.receiptNotFound, '票据不存在', eReceiptWire.receipt.receiptNo);
          pdfAnswer(res, receipt);
        }],
      ]);
    },
  });
  if (!publicUrl) publicUrl = sandbox.url;
  persist();
  return { ...sandbox, publicKey: keyPair.publicKey };
}

const control = sandboxControlClient('e-receipt');

/** Changes the sandbox's latency or takes it down (tests, demos). */
export function eReceiptSandboxSettings(baseUrl: string, patch: Partial<EReceiptSandboxSettings>): Promise<EReceiptSandboxSettings> {
  return control.post(baseUrl, '/settings', patch);
}

/** Every receipt the sandbox has issued. */
export async function eReceiptSandboxReceipts(baseUrl: string): Promise<SandboxReceipt[]> {
  return (await control.get<{ receipts: SandboxReceipt[] }>(baseUrl, '/receipts')).receipts;
}
