import crypto from 'node:crypto';
import http from 'node:http';
import { SandboxError, closeServer, nonceGuard, parseJson, readRequestBody, sendJson, serverUrl, sleep } from '../../sandbox-kit/sandbox-http';
import { startSandboxServer } from '../../sandbox-kit/sandbox-server';
import { SMS_PHONE, signRequest, smsErrorCodes, smsWire } from '../sms-wire';

/**
 * A stand-in for the SMS platform (短信平台), served over HTTP on its own port: it checks signatures,
 * timestamps and nonces, phone numbers and templates as the platform does, answers after some
 * latency, and keeps what it "delivered" in memory, readable at `GET /v1/sandbox/messages?phone=`.
 */

/** Templates registered with the platform; `{name}` is replaced by the parameter of that name. */
export const smsTemplates: Readonly<Record<string, string>> = {
  LOGIN_CODE: '您的登录验证码为{code}，5分钟内有效。如非本人操作，请忽略。',
  PHONE_BIND_CODE: '您正在绑定手机号码，验证码为{code}，5分钟内有效。如非本人操作，请忽略。',
  /** Step notifications (G5) when the person has no 随申办: the message's title and text. */
  BUSINESS_NOTICE: '{title}：{content}',
};

export interface SandboxMessage {
  id: string;
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  /** The text as the phone shows it. */
  text: string;
  sentAt: string;
}

export interface SmsSandboxOptions {
  port: number;
  host?: string;
  appId: string;
  appSecret: string;
  /** Delay before each answer to a send, as a real platform has (default 50 ms). */
  latencyMs?: number;
}

const MAX_BODY = 64 * 1024;
const MAX_STORED = 2_000;

export function renderTemplate(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? '');
}

/** Starts the sandbox; resolves with the listening server (close it to stop). */
export async function startSmsSandbox(options: SmsSandboxOptions): Promise<http.Server> {
  const latencyMs = options.latencyMs ?? 50;
  const messages: SandboxMessage[] = [];
  const rememberNonce = nonceGuard(smsWire.timestampWindowMs);

  function verify(req: http.IncomingMessage, raw: Buffer): void {
    const h = smsWire.headers;
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const appId = header(h.appId);
    const timestamp = header(h.timestamp);
    const nonce = header(h.nonce);
    const signature = header(h.signature);
    if (!appId || !timestamp || !nonce || !signature) throw new SandboxError(401, smsErrorCodes.signatureInvalid, '缺少签名信息');
    if (appId !== options.appId) throw new SandboxError(401, smsErrorCodes.appUnknown, '应用标识不存在');
    const expected = Buffer.from(signRequest(options.appSecret, appId, timestamp, nonce, raw), 'hex');
    const given = /^[0-9a-fA-F]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw new SandboxError(401, smsErrorCodes.signatureInvalid, '签名校验失败');
    const now = Date.now();
    const sentAt = /^\d{10,16}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!Number.isFinite(sentAt) || Math.abs(now - sentAt) > smsWire.timestampWindowMs) throw new SandboxError(400, smsErrorCodes.timestampExpired, '请求时间戳已过期或无效');
    if (!/^[0-9A-Za-z-]{16,64}$/.test(nonce) || !rememberNonce(nonce, now)) throw new SandboxError(400, smsErrorCodes.nonceReused, '请求随机数无效或已使用');
  }

  function accept(raw: Buffer): SandboxMessage {
    const body = parseJson(raw, smsErrorCodes.badRequest);
    if (typeof body !== 'object' || body === null) throw new SandboxError(400, smsErrorCodes.badRequest, '请求体不是有效的JSON对象');
    const record = body as Record<string, unknown>;
    const phone = record[smsWire.request.phone];
    const templateCode = record[smsWire.request.templateCode];
    const rawParams = record[smsWire.request.params] ?? {};
    if (typeof phone !== 'string' || !SMS_PHONE.test(phone)) throw new SandboxError(400, smsErrorCodes.phoneInvalid, '手机号码格式不正确');
    const template = typeof templateCode === 'string' && Object.hasOwn(smsTemplates, templateCode) ? smsTemplates[templateCode] : undefined;
    if (typeof templateCode !== 'string' || template === undefined) throw new SandboxError(400, smsErrorCodes.templateUnknown, '短信模板不存在或未审核通过');
    if (typeof rawParams !== 'object' || rawParams === null || Array.isArray(rawParams)) throw new SandboxError(400, smsErrorCodes.badRequest, '模板参数格式不正确');
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(rawParams)) {
      if (typeof value !== 'string' && typeof value !== 'number') throw new SandboxError(400, smsErrorCodes.badRequest, `模板参数${key}格式不正确`);
      params[key] = String(value);
    }
    for (const [, name] of template.matchAll(/\{(\w+)\}/g)) {
      if (!name || !params[name]) throw new SandboxError(400, smsErrorCodes.templateParamMissing, `缺少模板参数${name ?? ''}`);
    }
    const message: SandboxMessage = { id: crypto.randomUUID(), phone, templateCode, params, text: renderTemplate(template, params), sentAt: new Date().toISOString() };
    messages.unshift(message);
    if (messages.length > MAX_STORED) messages.length = MAX_STORED;
    return message;
  }

  const sandbox = await startSandboxServer({
    port: options.port,
    host: options.host,
    errors: { fields: smsWire.error, notFoundCode: smsErrorCodes.notFound, internalMessage: '短信平台内部错误' },
    handle: ({ req, res, url, route }) =>
      route([
        ['GET', smsWire.sandboxMessagesPath, () => {
          const phone = url.searchParams.get('phone');
          sendJson(res, 200, { messages: phone ? messages.filter((m) => m.phone === phone) : messages.slice(0, 100) });
        }],
        ['POST', smsWire.sendPath, async () => {
          const raw = await readRequestBody(req, MAX_BODY, smsErrorCodes.badRequest);
          await sleep(latencyMs);
          verify(req, raw);
          const message = accept(raw);
          sendJson(res, 200, { [smsWire.response.messageId]: message.id });
        }],
      ]),
  });
  return sandbox.server;
}

/** The base URL a listening sandbox answers on. */
export const sandboxUrl: (server: http.Server) => string = serverUrl;

/** Stops a sandbox (open keep-alive connections included). */
export const stopSmsSandbox: (server: http.Server) => Promise<void> = closeServer;

/** The messages the sandbox holds for a phone number, newest first. */
export async function sandboxMessages(baseUrl: string, phone: string): Promise<SandboxMessage[]> {
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${smsWire.sandboxMessagesPath}?phone=${encodeURIComponent(phone)}`);
  if (!res.ok) throw new Error(`sandbox messages: HTTP ${res.status}`);
  const body = (await res.json()) as { messages: SandboxMessage[] };
  return body.messages;
}
