import crypto from 'node:crypto';
import http from 'node:http';
import { shanghaiDistricts } from '../../../contracts/registration';
import { SandboxError, isHttpUrl, loadStateFile, nonceGuard, parseJsonObject, readRequestBody, sandboxControlClient, saveStateFile, sendJson, sendText } from '../../sandbox-kit/sandbox-http';
import { isDelayList, patchedBackoff, startSandboxServer } from '../../sandbox-kit/sandbox-server';
import { CallbackSender, newCallback, type CallbackAttempt, type SignedCallback } from '../../signed-callbacks';
import { Sm2Service } from '../../../security/sm2';
import { generateSm2KeyPair, isValidSm2KeyPair, type Sm2KeyPair } from '../../../security/sm2-keys';
import { formatCompactTime } from '../../wire-formats';
import {
  COURIER_ORDER_NO,
  COURIER_PHONE,
  courierCallbackAck,
  courierErrorCodes,
  courierWire,
  isCourierCallbackAck,
  readSignatureHeaders,
  requestSignature,
  signaturesEqual,
  signHeaders,
  stringToSign,
  timestampFresh,
} from '../courier-wire';

/**
 * A stand-in for the 一网通办 express module (快递模块), served over HTTP on its own port (no
 * Express). It checks clients' HMAC-SM3 signatures, timestamps and nonces; keeps waybills (one per
 * client order number) and callbacks in memory (optionally in a state file); moves each waybill
 * along 揽收 → 运输中 → 派送中 → 已签收 on a timeline (or only when told to); POSTs every tracking
 * event, signed with its own SM2 key (generated at first start, published at `/api/v1/keys`), to the
 * waybill's notify URL, retrying with back-off until the documented success body comes back; and
 * cancels waybills not yet collected. Wire names come from `courier-wire.ts`.
 *
 * Test control (sandbox only, under `/__sandbox/`): `GET waybills`, `GET waybills/:no`,
 * `POST waybills/:no/advance` (the next tracking event now), `GET callbacks?waybill_no=`,
 * `POST callbacks/:notifyId/resend` (deliver a callback once more, signed afresh),
 * `GET|POST settings` ({ latencyMs, down, dropCallbacks, callbackBackoffMs, timelineMs, unservedDistricts }).
 * `:no` is the waybill number or a client order number.
 */

export interface CourierApp {
  appId: string;
  appSecret: string;
}

export interface CourierSandboxSettings {
  /** Delay before each answer (default 20 ms). */
  latencyMs: number;
  /** Every platform endpoint answers 503 (the control endpoints keep working). */
  down: boolean;
  /** Tracking events send no callback (the client must find out by querying). */
  dropCallbacks: boolean;
  /** Delay before the 2nd, 3rd, … callback attempt; after the last one the platform gives up. */
  callbackBackoffMs: number[];
  /**
   * Delays before each of the four tracking events after the waybill is created (揽收, 运输中, 派送中,
   * 已签收); null: waybills move only through `POST /__sandbox/waybills/:no/advance`.
   */
  timelineMs: number[] | null;
  /** Districts the courier does not serve: waybills to them are refused (a business refusal to test with). */
  unservedDistricts: string[];
}

export interface CourierSandboxOptions {
  port: number;
  host?: string;
  apps: readonly CourierApp[];
  latencyMs?: number;
  /** Default 15 s, 30 s, 1 min, 3 min, 10 min, 30 min, 1 h ×3, 3 h ×3. */
  callbackBackoffMs?: readonly number[];
  /** Default a demonstration pace: 1, 2, 2 and 1 minutes. `null`: manual only (tests). */
  timelineMs?: readonly number[] | null;
  /** How long one callback attempt may take (default 5 s). */
  callbackTimeoutMs?: number;
  /** Keeps the platform key, waybills and callbacks across restarts (JSON, written after each change). */
  stateFile?: string;
}

export interface CourierSandbox {
  server: http.Server;
  url: string;
  /** The SM2 public key answers and callbacks are signed with (hex, `04…`). */
  publicKey: string;
  close(): Promise<void>;
}

type Status = keyof typeof courierWire.waybillStatus;
type EventKey = keyof typeof courierWire.eventCodes;

export interface SandboxParty {
  name: string;
  mobile: string;
  district: string;
  address: string;
}

export interface SandboxTrack {
  eventId: string;
  code: EventKey;
  description: string;
  location: string;
  at: number;
}

export interface SandboxWaybill {
  appId: string;
  waybillNo: string;
  orderNo: string;
  sender: SandboxParty;
  recipient: SandboxParty;
  itemDescription: string;
  notifyUrl: string;
  status: Status;
  createdAt: number;
  cancelledAt: number | null;
  tracks: SandboxTrack[];
}

export type { CallbackAttempt };

/** A tracking callback and every attempt to deliver it (the client's answer to each). */
export interface SandboxCallback extends SignedCallback {
  notifyId: string;
  appId: string;
  waybillNo: string;
  orderNo: string;
  eventId: string;
  eventCode: EventKey;
}

const DEFAULT_BACKOFF_MS = [15, 30, 60, 180, 600, 1800, 3600, 3600, 3600, 10800, 10800, 10800].map((s) => s * 1000);
const DEFAULT_TIMELINE_MS = [60_000, 120_000, 120_000, 60_000];
const STEPS: readonly EventKey[] = ['collected', 'inTransit', 'delivering', 'signed'];
const MAX_BODY = 32 * 1024;
const TEXT = (max: number) => new RegExp(`^[^\\p{Cc}]{1,${max}}$`, 'u');

interface PersistedState {
  keyPair: Sm2KeyPair;
  waybills: SandboxWaybill[];
  callbacks: SandboxCallback[];
}

const validState = (state: PersistedState): boolean => isValidSm2KeyPair(state.keyPair) && Array.isArray(state.waybills) && Array.isArray(state.callbacks);

/** What each tracking event says, in the courier's words. */
function trackText(step: EventKey, waybill: SandboxWaybill): { description: string; location: string } {
  switch (step) {
    case 'collected':
      return { description: '快递员已揽收', location: `上海市${waybill.sender.district}营业部` };
    case 'inTransit':
      return { description: '快件已到达上海转运中心，正在发往目的地', location: '上海转运中心' };
    case 'delivering':
      return { description: '快件正在派送中，请保持电话畅通', location: `上海市${waybill.recipient.district}营业部` };
    case 'signed':
      return { description: '快件已签收', location: `上海市${waybill.recipient.district}` };
  }
}

/** Starts the sandbox; resolves once it listens (port 0: a free port). */
export async function startCourierSandbox(options: CourierSandboxOptions): Promise<CourierSandbox> {
  const persisted = loadStateFile(options.stateFile, validState, 'courier');
  const keyPair = persisted?.keyPair ?? generateSm2KeyPair();
  const signer = new Sm2Service({ sm2KeyPair: () => keyPair });
  const sign = (text: string) => signer.sign('courier-platform', text);
  const settings: CourierSandboxSettings = {
    latencyMs: options.latencyMs ?? 20,
    down: false,
    dropCallbacks: false,
    callbackBackoffMs: [...(options.callbackBackoffMs ?? DEFAULT_BACKOFF_MS)],
    timelineMs: options.timelineMs === null ? null : [...(options.timelineMs ?? DEFAULT_TIMELINE_MS)],
    unservedDistricts: [],
  };
  const apps = new Map(options.apps.map((a) => [a.appId, a]));
  const waybills = new Map<string, SandboxWaybill>();
  const byOrder = new Map<string, SandboxWaybill>();
  const callbacks: SandboxCallback[] = [];
  const rememberNonce = nonceGuard(courierWire.timestampWindowMs);
  const timers = new Set<NodeJS.Timeout>();
  const stepTimers = new Map<string, NodeJS.Timeout>();
  const closing = new AbortController();

  const orderKey = (appId: string, orderNo: string) => `${appId}\n${orderNo}`;
  function addWaybill(waybill: SandboxWaybill): void {
    waybills.set(waybill.waybillNo, waybill);
    byOrder.set(orderKey(waybill.appId, waybill.orderNo), waybill);
  }
  for (const waybill of persisted?.waybills ?? []) addWaybill(waybill);
  callbacks.push(...(persisted?.callbacks ?? []));

  function persist(): void {
    if (options.stateFile) saveStateFile(options.stateFile, { keyPair, waybills: [...waybills.values()], callbacks } satisfies PersistedState);
  }

  function later(delayMs: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, delayMs);
    timers.add(timer);
    return timer;
  }

  function partyWire(p: SandboxParty): Record<string, unknown> {
    const f = courierWire.party;
    return { [f.name]: p.name, [f.phone]: p.mobile, [f.province]: courierWire.province, [f.city]: courierWire.city, [f.district]: p.district, [f.address]: p.address };
  }

  function trackWire(t: SandboxTrack): Record<string, unknown> {
    const f = courierWire.track;
    return { [f.eventId]: t.eventId, [f.code]: courierWire.eventCodes[t.code], [f.description]: t.description, [f.location]: t.location, [f.time]: formatCompactTime(new Date(t.at)) };
  }

  function waybillWire(w: SandboxWaybill): Record<string, unknown> {
    const f = courierWire.waybill;
    return {
      [f.appId]: w.appId,
      [f.waybillNo]: w.waybillNo,
      [f.orderNo]: w.orderNo,
      [f.sender]: partyWire(w.sender),
      [f.recipient]: partyWire(w.recipient),
      [f.itemDescription]: w.itemDescription,
      [f.status]: courierWire.waybillStatus[w.status],
      [f.createTime]: formatCompactTime(new Date(w.createdAt)),
      [f.cancelTime]: w.cancelledAt === null ? null : formatCompactTime(new Date(w.cancelledAt)),
      [f.tracks]: w.tracks.map(trackWire),
    };
  }

  // --- callbacks ---------------------------------------------------------------------------

  const sender = new CallbackSender<SandboxCallback>({
    signatureHeaders: (callback) => signHeaders(sign, 'notify', callback.appId, '', callback.body),
    isAck: (status, body) => status === courierCallbackAck.status && isCourierCallbackAck(body),
    receiver: '客户端',
    timeoutMs: options.callbackTimeoutMs ?? 5_000,
    backoffMs: () => settings.callbackBackoffMs,
    persist,
  });

  function notifyTrack(waybill: SandboxWaybill, track: SandboxTrack): void {
    const n = courierWire.notify;
    const notifyId = crypto.randomUUID();
    const body = JSON.stringify({ [n.notifyId]: notifyId, [n.appId]: waybill.appId, [n.waybillNo]: waybill.waybillNo, [n.orderNo]: waybill.orderNo, [n.track]: trackWire(track) });
    const callback: SandboxCallback = {
      notifyId,
      appId: waybill.appId,
      waybillNo: waybill.waybillNo,
      orderNo: waybill.orderNo,
      eventId: track.eventId,
      eventCode: track.code,
      ...newCallback(waybill.notifyUrl, body, settings.dropCallbacks),
    };
    callbacks.push(callback);
    sender.start(callback);
  }

  // --- the courier's timeline --------------------------------------------------------------

  /** The next tracking event of a waybill; refused once it is signed for or cancelled. */
  function advance(waybill: SandboxWaybill): SandboxWaybill {
    if (waybill.status === 'cancelled') throw new SandboxError(409, courierErrorCodes.waybillCancelled, '运单已取消');
    const step = STEPS[waybill.tracks.length];
    if (!step) throw new SandboxError(409, courierErrorCodes.invalidParam, '运单已签收，没有后续节点');
    const track: SandboxTrack = { eventId: crypto.randomUUID(), code: step, ...trackText(step, waybill), at: Date.now() };
    waybill.tracks.push(track);
    waybill.status = step;
    notifyTrack(waybill, track);
    scheduleStep(waybill);
    persist();
    return waybill;
  }

  function scheduleStep(waybill: SandboxWaybill): void {
    const running = stepTimers.get(waybill.waybillNo);
    if (running) {
      clearTimeout(running);
      timers.delete(running);
      stepTimers.delete(waybill.waybillNo);
    }
    const delay = settings.timelineMs?.[waybill.tracks.length];
    if (delay === undefined || waybill.status === 'cancelled' || waybill.status === 'signed') return;
    stepTimers.set(
      waybill.waybillNo,
      later(delay, () => {
        stepTimers.delete(waybill.waybillNo);
        if (!closing.signal.aborted && waybill.status !== 'cancelled' && waybill.status !== 'signed') advance(waybill);
      }),
    );
  }

  // --- client API ---------------------------------------------------------------------------

  function authenticate(req: http.IncomingMessage, raw: Buffer): { app: CourierApp; nonce: string } {
    const headers = readSignatureHeaders(req.headers);
    if (!headers) throw new SandboxError(401, courierErrorCodes.signatureInvalid, '缺少签名信息或签名信息格式不正确');
    const app = apps.get(headers.appId);
    if (!app) throw new SandboxError(401, courierErrorCodes.appUnknown, '应用不存在或未开通快递服务');
    const expected = requestSignature(app.appSecret, stringToSign('request', headers.appId, headers.timestamp, headers.nonce, `${req.method} ${req.url}`, raw));
    if (!signaturesEqual(expected, headers.signature)) throw new SandboxError(401, courierErrorCodes.signatureInvalid, '签名校验失败');
    const now = Date.now();
    if (!timestampFresh(headers.timestamp, now)) throw new SandboxError(400, courierErrorCodes.timestampExpired, '请求时间戳已过期或无效');
    if (!rememberNonce(`${app.appId}\n${headers.nonce}`, now)) throw new SandboxError(400, courierErrorCodes.nonceReused, '请求随机数已使用');
    return { app, nonce: headers.nonce };
  }

  function party(body: Record<string, unknown>, field: string, label: string): SandboxParty {
    const value = body[field];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SandboxError(400, courierErrorCodes.invalidParam, `${label}（${field}）须为对象`, field);
    const p = value as Record<string, unknown>;
    const f = courierWire.party;
    const at = (key: string) => `${field}.${key}`;
    const name = p[f.name];
    if (typeof name !== 'string' || !TEXT(30).test(name.trim())) throw new SandboxError(400, courierErrorCodes.invalidParam, `${label}姓名（${at(f.name)}）须为1至30个字符`, at(f.name));
    const mobile = p[f.phone];
    if (typeof mobile !== 'string' || !COURIER_PHONE.test(mobile)) throw new SandboxError(400, courierErrorCodes.invalidParam, `${label}电话（${at(f.phone)}）须为手机号码或固定电话`, at(f.phone));
    if (p[f.province] !== courierWire.province || p[f.city] !== courierWire.city) throw new SandboxError(400, courierErrorCodes.invalidParam, `本服务仅限上海市内寄递（${at(f.province)}）`, at(f.province));
    const district = p[f.district];
    if (typeof district !== 'string' || !(shanghaiDistricts as readonly string[]).includes(district)) throw new SandboxError(400, courierErrorCodes.invalidParam, `${label}所在区（${at(f.district)}）须为上海市的区`, at(f.district));
    const address = p[f.address];
    if (typeof address !== 'string' || !TEXT(100).test(address.trim()) || address.trim().length < 5) throw new SandboxError(400, courierErrorCodes.invalidParam, `${label}详细地址（${at(f.address)}）须为5至100个字符`, at(f.address));
    return { name: name.trim(), mobile, district, address: address.trim() };
  }

  function createWaybill(app: CourierApp, raw: Buffer): SandboxWaybill {
    const w = courierWire.waybill;
    const body = parseJsonObject(raw, courierErrorCodes.invalidParam);
    if (body[w.appId] !== app.appId) throw new SandboxError(400, courierErrorCodes.invalidParam, `应用标识（${w.appId}）与签名应用不一致`, w.appId);
    const orderNo = body[w.orderNo];
    if (typeof orderNo !== 'string' || !COURIER_ORDER_NO.test(orderNo)) throw new SandboxError(400, courierErrorCodes.invalidParam, `订单号（${w.orderNo}）须为6至64位字母、数字、下划线或连字符`, w.orderNo);
    const sender = party(body, w.sender, '寄件人');
    const recipient = party(body, w.recipient, '收件人');
    if (settings.unservedDistricts.includes(recipient.district)) {
      const field = `${w.recipient}.${courierWire.party.district}`;
      throw new SandboxError(400, courierErrorCodes.invalidParam, `收件地址（${field}）不在快递服务范围内`, field);
    }
    const item = body[w.itemDescription];
    if (typeof item !== 'string' || !TEXT(64).test(item.trim())) throw new SandboxError(400, courierErrorCodes.invalidParam, `物品描述（${w.itemDescription}）须为1至64个字符`, w.itemDescription);
    if (!isHttpUrl(body[w.notifyUrl])) throw new SandboxError(400, courierErrorCodes.invalidParam, `通知地址（${w.notifyUrl}）须为http或https地址`, w.notifyUrl);
    const existing = byOrder.get(orderKey(app.appId, orderNo));
    if (existing) {
      const same = JSON.stringify([existing.sender, existing.recipient, existing.itemDescription]) === JSON.stringify([sender, recipient, item.trim()]);
      if (!same) throw new SandboxError(409, courierErrorCodes.orderConflict, '订单号已存在，且寄件人、收件人或物品与原运单不一致', w.orderNo);
      return existing;
    }
    let waybillNo: string;
    do waybillNo = `YW${formatCompactTime(new Date()).slice(2, 8)}${String(crypto.randomInt(0, 100_000_000)).padStart(8, '0')}`;
    while (waybills.has(waybillNo));
    const waybill: SandboxWaybill = {
      appId: app.appId,
      waybillNo,
      orderNo,
      sender,
      recipient,
      itemDescription: item.trim(),
      notifyUrl: body[w.notifyUrl] as string,
      status: 'created',
      createdAt: Date.now(),
      cancelledAt: null,
      tracks: [],
    };
    addWaybill(waybill);
    scheduleStep(waybill);
    persist();
    return waybill;
  }

  function appWaybill(app: CourierApp, waybillNo: string): SandboxWaybill {
    const waybill = waybills.get(waybillNo);
    if (!waybill || waybill.appId !== app.appId) throw new SandboxError(404, courierErrorCodes.waybillNotFound, '运单不存在', courierWire.waybill.waybillNo);
    return waybill;
  }

  function cancel(waybill: SandboxWaybill): SandboxWaybill {
    if (waybill.status === 'created') {
      waybill.status = 'cancelled';
      waybill.cancelledAt = Date.now();
      scheduleStep(waybill);
      persist();
    } else if (waybill.status !== 'cancelled') {
      throw new SandboxError(409, courierErrorCodes.waybillCollected, '快件已揽收，不能取消', courierWire.waybill.waybillNo);
    }
    return waybill;
  }

  // --- control ------------------------------------------------------------------------------

  function controlWaybill(no: string): SandboxWaybill {
    const direct = waybills.get(no);
    if (direct) return direct;
    const matches = [...waybills.values()].filter((w) => w.orderNo === no);
    if (matches.length === 0) throw new SandboxError(404, courierErrorCodes.waybillNotFound, '运单不存在');
    if (matches.length > 1) throw new SandboxError(409, courierErrorCodes.invalidParam, '多个应用使用该订单号，请使用运单号');
    return matches[0]!;
  }

  /** The courier's own settings in a `POST /__sandbox/settings` patch, checked, set on `next`. */
  function patchSettings(next: CourierSandboxSettings, patch: Record<string, unknown>): void {
    next.callbackBackoffMs = patchedBackoff(patch, courierErrorCodes.invalidParam) ?? next.callbackBackoffMs;
    if (patch.timelineMs !== undefined) {
      if (patch.timelineMs !== null && !(isDelayList(patch.timelineMs, STEPS.length) && patch.timelineMs.length === STEPS.length)) {
        throw new SandboxError(400, courierErrorCodes.invalidParam, `timelineMs须为null或${STEPS.length}个非负整数（毫秒）`, 'timelineMs');
      }
      next.timelineMs = patch.timelineMs;
    }
    if (patch.unservedDistricts !== undefined) {
      const list = patch.unservedDistricts;
      if (!Array.isArray(list) || !list.every((d) => typeof d === 'string' && (shanghaiDistricts as readonly string[]).includes(d))) {
        throw new SandboxError(400, courierErrorCodes.invalidParam, 'unservedDistricts须为上海市的区名列表', 'unservedDistricts');
      }
      next.unservedDistricts = list as string[];
    }
  }

  // --- dispatch -----------------------------------------------------------------------------

  const p = courierWire.paths;
  const sandbox = await startSandboxServer({
    port: options.port,
    host: options.host,
    errors: { fields: courierWire.error, notFoundCode: courierErrorCodes.notFound, internalMessage: '快递服务平台内部错误' },
    controls: {
      settings,
      flags: ['down', 'dropCallbacks'],
      patch: patchSettings,
      invalidCode: courierErrorCodes.invalidParam,
      unavailableCode: courierErrorCodes.serviceUnavailable,
      downMessage: '快递服务平台系统维护中，请稍后再试',
      maxBody: MAX_BODY,
      routes: ({ url }) => {
        const withCallbacks = (waybill: SandboxWaybill) => ({ waybill, callbacks: callbacks.filter((c) => c.waybillNo === waybill.waybillNo) });
        return [
          ['GET', '/waybills', () => ({ waybills: [...waybills.values()] })],
          ['GET', '/callbacks', () => {
            const no = url.searchParams.get('waybill_no');
            return { callbacks: no ? callbacks.filter((c) => c.waybillNo === no || c.orderNo === no) : callbacks.slice(-200) };
          }],
          ['POST', /^\/callbacks\/([0-9a-f-]{36})\/resend$/, async ([notifyId]) => {
            const callback = callbacks.find((c) => c.notifyId === notifyId);
            if (!callback) throw new SandboxError(404, courierErrorCodes.notFound, '通知不存在');
            const attempt = await sender.resend(callback);
            persist();
            return { callback, attempt };
          }],
          ['GET', /^\/waybills\/([A-Za-z0-9_-]{1,64})$/, ([no]) => withCallbacks(controlWaybill(no!))],
          ['POST', /^\/waybills\/([A-Za-z0-9_-]{1,64})\/advance$/, ([no]) => withCallbacks(advance(controlWaybill(no!)))],
        ];
      },
    },
    async handle({ req, res, url, route }) {
      if (req.method === 'GET' && url.pathname === p.keys) return sendJson(res, 200, { [courierWire.keys.publicKey]: keyPair.publicKey, [courierWire.keys.alg]: courierWire.alg });
      const raw = await readRequestBody(req, MAX_BODY, courierErrorCodes.invalidParam);
      const { app, nonce } = authenticate(req, raw);
      const answer = (body: unknown) => {
        const text = JSON.stringify(body);
        sendText(res, 200, text, signHeaders(sign, 'response', app.appId, nonce, text));
      };
      route([
        ['POST', p.waybills, () => answer(waybillWire(createWaybill(app, raw)))],
        ['GET', new RegExp(`^${p.waybills}/([A-Za-z0-9_-]{1,64})$`), ([no]) => answer(waybillWire(appWaybill(app, no!)))],
        ['POST', new RegExp(`^${p.waybills}/([A-Za-z0-9_-]{1,64})${p.cancelSuffix}$`), ([no]) => answer(waybillWire(cancel(appWaybill(app, no!))))],
      ]);
    },
  });
  // What a previous run left open goes on: unacknowledged callbacks, and waybills on their timeline.
  sender.resume(callbacks);
  for (const waybill of waybills.values()) scheduleStep(waybill);
  persist();
  return {
    ...sandbox,
    publicKey: keyPair.publicKey,
    close: () => {
      closing.abort();
      sender.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      stepTimers.clear();
      return sandbox.close();
    },
  };
}

const control = sandboxControlClient('courier');

/** Moves a waybill to its next tracking event now (`no`: waybill or client order number). */
export function sandboxAdvance(baseUrl: string, no: string): Promise<{ waybill: SandboxWaybill; callbacks: SandboxCallback[] }> {
  return control.post(baseUrl, `/waybills/${encodeURIComponent(no)}/advance`);
}

export function sandboxWaybill(baseUrl: string, no: string): Promise<{ waybill: SandboxWaybill; callbacks: SandboxCallback[] }> {
  return control.get(baseUrl, `/waybills/${encodeURIComponent(no)}`);
}

export async function sandboxWaybills(baseUrl: string): Promise<SandboxWaybill[]> {
  return (await control.get<{ waybills: SandboxWaybill[] }>(baseUrl, '/waybills')).waybills;
}

/** The callbacks of a waybill (every attempt, with the client's answer). */
export async function sandboxCallbacks(baseUrl: string, no: string): Promise<SandboxCallback[]> {
  return (await control.get<{ callbacks: SandboxCallback[] }>(baseUrl, `/callbacks?waybill_no=${encodeURIComponent(no)}`)).callbacks;
}

/** Delivers a callback once more, signed afresh, as a platform may; the client's answer. */
export function sandboxResend(baseUrl: string, notifyId: string): Promise<{ callback: SandboxCallback; attempt: CallbackAttempt }> {
  return control.post(baseUrl, `/callbacks/${encodeURIComponent(notifyId)}/resend`);
}

export function sandboxSettings(baseUrl: string, patch: Partial<CourierSandboxSettings> = {}): Promise<CourierSandboxSettings> {
  return control.post(baseUrl, '/settings', patch);
}
