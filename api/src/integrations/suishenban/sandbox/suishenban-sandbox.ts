import crypto from 'node:crypto';
import http from 'node:http';
import { SandboxError, isHttpUrl, loadStateFile, nonceGuard, parseJsonObject, readJsonObject, readRequestBody, sandboxControlClient, saveStateFile, sendText } from '../../sandbox-kit/sandbox-http';
import { startSandboxServer } from '../../sandbox-kit/sandbox-server';
import { formatCompactTime } from '../../wire-formats';
import {
  SUISHENBAN_MSG_ID,
  SUISHENBAN_PARAM_NAME,
  SUISHENBAN_TEMPLATE_CODE,
  SUISHENBAN_USER_ID,
  readSignedHeaders,
  signatureMatches,
  signedHeaders,
  stringToSign,
  suishenbanErrorCodes,
  suishenbanWire,
  timestampFresh,
} from '../suishenban-wire';

/**
 * A stand-in for 随申办 message push, served over HTTP on its own port (no Express): it checks the
 * app's HMAC-SM3 request signatures, timestamps and nonces; knows which people have 随申办 and have
 * authorised our messages (others are refused with `USER_NOT_FOUND`, the caller then texts them);
 * delivers each message id once (the same id again answers the first push; other content under the
 * same id is a conflict); signs its answers; and keeps what it delivered, in memory and optionally
 * in a state file. Wire names come from `suishenban-wire.ts`.
 *
 * Test control (sandbox only, under `/__sandbox/`): `GET messages?user_id=`, `GET users`,
 * `POST users` ({ userId }) installs the app for a person, `DELETE users/:userId` removes it,
 * `GET|POST settings` ({ latencyMs, down, acceptAnyUser }).
 */

export interface SuishenbanSandboxOptions {
  port: number;
  host?: string;
  appId: string;
  appSecret: string;
  /** People (一网通办 subjects) who have 随申办 and authorised our messages. */
  users?: readonly string[];
  /** Everybody counts as a 随申办 user (a demo without a user list). Default false. */
  acceptAnyUser?: boolean;
  /** Delay before each answer (default 20 ms). */
  latencyMs?: number;
  /** Keeps users and delivered messages across restarts (JSON, written after each change). */
  stateFile?: string;
}

export interface SuishenbanSandbox {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

export interface SuishenbanSandboxSettings {
  latencyMs: number;
  /** Every platform endpoint answers 503 (the control endpoints keep working). */
  down: boolean;
  acceptAnyUser: boolean;
}

/** A message as the sandbox delivered it to a phone. */
export interface SandboxPush {
  pushId: string;
  msgId: string;
  userId: string;
  templateCode: string;
  params: Record<string, string>;
  title: string;
  content: string;
  link: string;
  pushTime: string;
  deliveredAt: string;
  /** Pushes of the same message id after the first: answered, not delivered again. */
  duplicates: number;
}

interface PersistedState {
  users: string[];
  messages: SandboxPush[];
}

const MAX_BODY = 32 * 1024;
const MAX_STORED = 5_000;
const TEXT = (max: number) => new RegExp(`^[^\\p{Cc}]{1,${max}}$`, 'u');

const validState = (state: PersistedState): boolean => Array.isArray(state.users) && Array.isArray(state.messages);

/** Starts the sandbox; resolves once it listens (port 0: a free port). */
export async function startSuishenbanSandbox(options: SuishenbanSandboxOptions): Promise<SuishenbanSandbox> {
  const persisted = loadStateFile(options.stateFile, validState, '随申办');
  const settings: SuishenbanSandboxSettings = { latencyMs: options.latencyMs ?? 20, down: false, acceptAnyUser: options.acceptAnyUser ?? false };
  const users = new Set<string>([...(persisted?.users ?? []), ...(options.users ?? [])]);
  const byMsgId = new Map<string, SandboxPush>();
  const delivered: SandboxPush[] = [];
  for (const m of persisted?.messages ?? []) {
    byMsgId.set(m.msgId, m);
    delivered.push(m);
  }
  const rememberNonce = nonceGuard(suishenbanWire.timestampWindowMs);

  function persist(): void {
    if (options.stateFile) saveStateFile(options.stateFile, { users: [...users], messages: delivered } satisfies PersistedState);
  }

  function authenticate(req: http.IncomingMessage, raw: Buffer): string {
    const signed = readSignedHeaders(req.headers);
    if (!signed) throw new SandboxError(401, suishenbanErrorCodes.signatureInvalid, '缺少签名信息或签名信息格式不正确');
    if (signed.appId !== options.appId) throw new SandboxError(401, suishenbanErrorCodes.appUnknown, '接入应用不存在或未授权');
    if (!signatureMatches(options.appSecret, stringToSign('request', signed.appId, signed.timestamp, signed.nonce, `${req.method} ${req.url}`, raw), signed.signature)) {
      throw new SandboxError(401, suishenbanErrorCodes.signatureInvalid, '签名校验失败');
    }
    const now = Date.now();
    if (!timestampFresh(signed.timestamp, now)) throw new SandboxError(400, suishenbanErrorCodes.timestampExpired, '请求时间戳已过期或无效');
    if (!rememberNonce(signed.nonce, now)) throw new SandboxError(400, suishenbanErrorCodes.nonceReused, '请求随机数已使用');
    return signed.nonce;
  }

  const invalid = (field: string, message: string) => new SandboxError(400, suishenbanErrorCodes.invalidParam, message, field);

  function parsePush(raw: Buffer): Omit<SandboxPush, 'pushId' | 'pushTime' | 'deliveredAt' | 'duplicates'> {
    const body = parseJsonObject(raw, suishenbanErrorCodes.invalidParam);
    const p = suishenbanWire.push;
    const l = suishenbanWire.limits;
    if (body[p.appId] !== options.appId) throw invalid(p.appId, `应用标识（${p.appId}）与签名应用不一致`);
    const msgId = body[p.msgId];
    const userId = body[p.userId];
    const templateCode = body[p.templateCode];
    const rawParams = body[p.params] ?? {};
    const title = body[p.title];
    const content = body[p.content];
    const link = body[p.link];
    if (typeof msgId !== 'string' || !SUISHENBAN_MSG_ID.test(msgId)) throw invalid(p.msgId, `消息编号（${p.msgId}）须为8至64位字母、数字、下划线或连字符`);
    if (typeof userId !== 'string' || !SUISHENBAN_USER_ID.test(userId)) throw invalid(p.userId, `用户标识（${p.userId}）格式不正确`);
    if (typeof templateCode !== 'string' || !SUISHENBAN_TEMPLATE_CODE.test(templateCode)) throw invalid(p.templateCode, `模板编号（${p.templateCode}）格式不正确`);
    if (typeof rawParams !== 'object' || rawParams === null || Array.isArray(rawParams) || Object.keys(rawParams).length > l.paramsMax) {
      throw invalid(p.params, `模板参数（${p.params}）须为不超过${l.paramsMax}项的对象`);
    }
    const params: Record<string, string> = {};
    for (const [name, v] of Object.entries(rawParams)) {
      if (!SUISHENBAN_PARAM_NAME.test(name) || typeof v !== 'string' || v.length > l.paramValueMax) throw invalid(`${p.params}.${name}`, `模板参数${name}格式不正确`);
      params[name] = v;
    }
    if (typeof title !== 'string' || !TEXT(l.titleMax).test(title)) throw invalid(p.title, `消息标题（${p.title}）须为1至${l.titleMax}个字符`);
    if (typeof content !== 'string' || !/^[^\u0000-\u0008\u000b-\u001f\u007f]+$/u.test(content) || content.length > l.contentMax) {
      throw invalid(p.content, `消息内容（${p.content}）须为1至${l.contentMax}个字符`);
    }
    if (!isHttpUrl(link, suishenbanWire.limits.linkMax)) throw invalid(p.link, `跳转链接（${p.link}）须为http或https地址`);
    return { msgId, userId, templateCode, params, title, content, link };
  }

  const sameContent = (a: Omit<SandboxPush, 'pushId' | 'pushTime' | 'deliveredAt' | 'duplicates'>, b: SandboxPush) =>
    a.userId === b.userId && a.templateCode === b.templateCode && a.title === b.title && a.content === b.content && a.link === b.link && JSON.stringify(a.params) === JSON.stringify(b.params);

  function push(raw: Buffer): SandboxPush {
    const input = parsePush(raw);
    const earlier = byMsgId.get(input.msgId);
    if (earlier) {
      if (!sameContent(input, earlier)) throw new SandboxError(409, suishenbanErrorCodes.msgConflict, '该消息编号已推送过内容不同的消息', suishenbanWire.push.msgId);
      earlier.duplicates += 1;
      persist();
      return earlier;
    }
    if (!settings.acceptAnyUser && !users.has(input.userId)) {
      throw new SandboxError(404, suishenbanErrorCodes.userNotFound, '该用户未开通随申办或未授权接收本应用的消息', suishenbanWire.push.userId);
    }
    const now = new Date();
    const message: SandboxPush = { ...input, pushId: `SSB${formatCompactTime(now)}${crypto.randomBytes(6).toString('hex').toUpperCase()}`, pushTime: formatCompactTime(now), deliveredAt: now.toISOString(), duplicates: 0 };
    byMsgId.set(message.msgId, message);
    delivered.push(message);
    if (delivered.length > MAX_STORED) byMsgId.delete(delivered.shift()!.msgId);
    persist();
    return message;
  }

  const sandbox = await startSandboxServer({
    port: options.port,
    host: options.host,
    errors: { fields: suishenbanWire.error, notFoundCode: suishenbanErrorCodes.notFound, internalMessage: '随申办内部错误' },
    controls: {
      settings,
      flags: ['down', 'acceptAnyUser'],
      invalidCode: suishenbanErrorCodes.invalidParam,
      unavailableCode: suishenbanErrorCodes.serviceUnavailable,
      downMessage: '随申办消息服务维护中，请稍后再试',
      maxBody: MAX_BODY,
      routes: ({ req, url }) => [
        ['GET', '/messages', () => {
          const userId = url.searchParams.get('user_id');
          return { messages: userId ? delivered.filter((m) => m.userId === userId) : delivered.slice(-200) };
        }],
        ['GET', '/users', () => ({ users: [...users] })],
        ['POST', '/users', async () => {
          const { userId } = await readJsonObject(req, MAX_BODY, suishenbanErrorCodes.invalidParam);
          if (typeof userId !== 'string' || !SUISHENBAN_USER_ID.test(userId)) throw invalid('userId', 'userId格式不正确');
          users.add(userId);
          persist();
          return { users: [...users] };
        }],
        ['DELETE', /^\/users\/([^/]{1,128})$/, ([userId]) => {
          users.delete(decodeURIComponent(userId!));
          persist();
          return { users: [...users] };
        }],
      ],
    },
    handle: ({ req, res, route }) =>
      route([
        ['POST', suishenbanWire.paths.messages, async () => {
          const raw = await readRequestBody(req, MAX_BODY, suishenbanErrorCodes.invalidParam, 400);
          const nonce = authenticate(req, raw);
          const message = push(raw);
          const a = suishenbanWire.answer;
          const text = JSON.stringify({ [a.msgId]: message.msgId, [a.pushId]: message.pushId, [a.userId]: message.userId, [a.status]: suishenbanWire.pushStatus.accepted, [a.pushTime]: message.pushTime });
          sendText(res, 200, text, signedHeaders('response', options.appId, options.appSecret, nonce, text));
        }],
      ]),
  });
  persist();
  return sandbox;
}

const control = sandboxControlClient('随申办');

/** The messages the sandbox delivered (to one person, or the latest 200), oldest first. */
export async function suishenbanSandboxMessages(baseUrl: string, userId?: string): Promise<SandboxPush[]> {
  const query = userId === undefined ? '' : `?user_id=${encodeURIComponent(userId)}`;
  return (await control.get<{ messages: SandboxPush[] }>(baseUrl, `/messages${query}`)).messages;
}

/** Installs 随申办 for a person (their 一网通办 subject) and authorises our messages. */
export async function suishenbanSandboxAddUser(baseUrl: string, userId: string): Promise<void> {
  await control.post(baseUrl, '/users', { userId });
}

/** Changes latency, takes the platform down, or accepts everybody (tests, demos). */
export function suishenbanSandboxSettings(baseUrl: string, patch: Partial<SuishenbanSandboxSettings>): Promise<SuishenbanSandboxSettings> {
  return control.post(baseUrl, '/settings', patch);
}
