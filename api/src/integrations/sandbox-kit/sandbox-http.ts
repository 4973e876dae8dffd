import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Where every sandbox serves its test-control endpoints (never part of a real platform). */
export const SANDBOX_CONTROL = '/__sandbox';

/** A refusal a sandbox answers with its platform's error body: HTTP status, platform code, Chinese message, the field at fault. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The wire names of a platform's error body (code, message, field at fault if it names one), from its `*-wire.ts`. */
export interface SandboxErrorFields {
  code: string;
  message: string;
  field?: string;
}

export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The request body, or null once it grows past `maxBytes` (the request is then dropped). */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Answers a text never cached: JSON by default, with the headers given (e.g. the platform's signature). */
export function sendText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}, contentType = 'application/json; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** Answers JSON, never cached (unsigned unless `headers` carry a signature). */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), headers);
}

/** Sends the browser on (302 or 303), never cached. */
export function redirect(res: http.ServerResponse, status: 302 | 303, target: string): void {
  res.writeHead(status, { location: target, 'cache-control': 'no-store' });
  res.end();
}

/** The request body; a `SandboxError` (`status`, default 413, `invalidCode`, 请求体过大) once it grows past `maxBytes`. */
export async function readRequestBody(req: http.IncomingMessage, maxBytes: number, invalidCode: string, status = 413): Promise<Buffer> {
  const raw = await readBody(req, maxBytes);
  if (!raw) throw new SandboxError(status, invalidCode, '请求体过大');
  return raw;
}

/** A body parsed as JSON; 400 `invalidCode` 请求体不是有效的JSON when it is not JSON. */
export function parseJson(raw: Buffer, invalidCode: string): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new SandboxError(400, invalidCode, '请求体不是有效的JSON');
  }
}

/** A body parsed as a JSON object; 400 `invalidCode` when it is not JSON or not an object. */
export function parseJsonObject(raw: Buffer, invalidCode: string): Record<string, unknown> {
  const value = parseJson(raw, invalidCode);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SandboxError(400, invalidCode, '请求体不是有效的JSON对象');
  return value as Record<string, unknown>;
}

/** Starts a sandbox server listening, rejecting when the port cannot be bound. */
export function listen(server: http.Server, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** `http://host:port` of a listening server. */
export function serverUrl(server: http.Server): string {
  const address = server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

/** Stops a server, dropping its open connections; resolves once it is closed. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Remembers request nonces for twice the timestamp window; the returned check is false for a replay. */
export function nonceGuard(timestampWindowMs: number): (key: string, now: number) => boolean {
  const nonces = new Map<string, number>();
  return (key, now) => {
    if (nonces.size > 10_000) for (const [n, until] of nonces) if (until < now) nonces.delete(n);
    const until = nonces.get(key);
    if (until !== undefined && until >= now) return false;
    nonces.set(key, now + 2 * timestampWindowMs);
    return true;
  };
}

/** Whether a value is an absolute http(s) URL without credentials, at most `maxLength` characters. */
export function isHttpUrl(value: unknown, maxLength = 512): value is string {
  if (typeof value !== 'string' || value.length > maxLength) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** What a sandbox kept in its state file, or undefined without one; throws when `isValid` rejects it. */
export function loadStateFile<T>(file: string | undefined, isValid: (state: T) => boolean, label: string): T | undefined {
  if (!file || !fs.existsSync(file)) return undefined;
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  if (!isValid(state)) throw new Error(`${label} sandbox state ${file} is not valid`);
  return state;
}

/** Writes a sandbox's state file atomically (a temporary file renamed over it), readable by its owner only. */
export function saveStateFile(file: string, state: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Calls a sandbox's test-control endpoint; throws with `label` and the sandbox's message when it refuses. */
async function sandboxControlCall<T>(label: string, baseUrl: string, route: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${SANDBOX_CONTROL}${route}`, init);
  const body = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(`${label} sandbox ${route}: HTTP ${res.status} ${body.message ?? ''}`);
  return body;
}

/** What tests and demos use to drive a sandbox through its test controls (`route`: the path after `/__sandbox`). */
export interface SandboxControlClient {
  get<T>(baseUrl: string, route: string): Promise<T>;
  /** POSTs `body` as JSON, or nothing without one. */
  post<T>(baseUrl: string, route: string, body?: unknown): Promise<T>;
}

/** The test-control client of one sandbox; `label` names it in errors. */
export function sandboxControlClient(label: string): SandboxControlClient {
  return {
    get: (baseUrl, route) => sandboxControlCall(label, baseUrl, route),
    post: (baseUrl, route, body) =>
      sandboxControlCall(label, baseUrl, route, body === undefined ? { method: 'POST' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  };
}

/** The switches every sandbox's `/__sandbox/settings` has: added latency and "platform down". */
export interface SandboxSwitches {
  latencyMs: number;
  down: boolean;
}

export type BooleanKeys<S> = { [K in keyof S]: S[K] extends boolean ? K : never }[keyof S] & string;

/** The request body as a JSON object (an empty body is `{}`); 413 when too large, 400 `invalidCode` when not an object. */
export async function readJsonObject(req: http.IncomingMessage, maxBytes: number, invalidCode: string): Promise<Record<string, unknown>> {
  const raw = await readRequestBody(req, maxBytes, invalidCode);
  try {
    const value: unknown = JSON.parse(raw.toString('utf8') || '{}');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // falls through to the error below
  }
  throw new SandboxError(400, invalidCode, '请求体不是有效的JSON对象');
}

/**
 * Checks a `POST /__sandbox/settings` patch's `latencyMs` and boolean `flags` (400 `invalidCode` with the
 * field at fault) and returns a copy of `settings` with them applied; the caller checks its own settings
 * on the same patch before assigning the copy, so a refused patch changes nothing.
 */
export function patchSwitches<S extends SandboxSwitches>(settings: S, patch: Record<string, unknown>, flags: readonly BooleanKeys<S>[], invalidCode: string): S {
  const next = { ...settings };
  const latencyMs = patch.latencyMs;
  if (latencyMs !== undefined) {
    if (typeof latencyMs !== 'number' || !Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 120_000) throw new SandboxError(400, invalidCode, 'latencyMs须为0至120000之间的整数', 'latencyMs');
    next.latencyMs = latencyMs;
  }
  for (const flag of flags) {
    const value = patch[flag];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new SandboxError(400, invalidCode, `${flag}须为true或false`, flag);
    (next as Record<string, unknown>)[flag] = value;
  }
  return next;
}

/** What every sandbox does before serving a platform request: 503 `message` while down, then the set latency. */
export async function applySwitches(settings: SandboxSwitches, unavailableCode: string, message: string): Promise<void> {
  if (settings.down) throw new SandboxError(503, unavailableCode, message);
  if (settings.latencyMs > 0) await sleep(settings.latencyMs);
}
