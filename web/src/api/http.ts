import type { z } from 'zod';
import { apiError, type ApiError } from '../../../api/src/contracts/errors';

export type FieldError = NonNullable<ApiError['fields']>[number];

/** Every failed call ends here: an HTTP error, an unreachable server or a response that breaks the contract. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];

  constructor(status: number, body: ApiError) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.fields = body.fields ?? [];
  }
}

const messages = {
  network: '无法连接服务器，请检查网络后重试',
  badResponse: '服务器返回的数据格式不正确，请稍后重试',
  httpStatus: (status: number) => `服务暂时不可用（HTTP ${status}），请稍后重试`,
};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A file sent as the raw request body (uploads: api/src/http/uploads.ts `receiveUpload`). */
class BinaryBody {
  constructor(readonly data: Blob) {}
}

let onUnauthorized: (() => void) | null = null;

/** The router registers what to do when the session has expired (go to the sign-in page). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

// A 401 from /api/auth/* is an answer (wrong password, not signed in yet), not an expired session.
function isAuthCall(path: string): boolean {
  return path.startsWith('/api/auth/');
}

// Double-submit CSRF (api/src/http/csrf.ts): the API sets this cookie, which only our own pages can
// read, and refuses state-changing calls that do not echo it in the header.
const CSRF_COOKIE = 'bpm.csrf';
const CSRF_HEADER = 'X-CSRF-Token';

function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** The token, asking the API for one first if this browser has none yet. */
async function ensureCsrfToken(): Promise<string | undefined> {
  const existing = csrfToken();
  if (existing) return existing;
  try {
    await fetch('/api/auth/csrf', { credentials: 'same-origin' });
  } catch {
    throw new ApiRequestError(0, { code: 'NETWORK_ERROR', message: messages.network });
  }
  return csrfToken();
}

/** The one place that talks to the network; the CSRF header is added here. */
async function send(method: Method, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET') {
    const token = await ensureCsrfToken();
    if (token) headers[CSRF_HEADER] = token;
  }
  if (body instanceof BinaryBody) {
    // The server decides the type from the bytes; the claimed type only keeps the JSON parser away.
    headers['Content-Type'] = body.data.type || 'application/octet-stream';
    init.body = body.data;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(path, init);
  } catch {
    throw new ApiRequestError(0, { code: 'NETWORK_ERROR', message: messages.network });
  }
}

async function errorFrom(response: Response): Promise<ApiRequestError> {
  const json: unknown = await response.json().catch(() => null);
  const parsed = apiError.safeParse(json);
  return new ApiRequestError(
    response.status,
    parsed.success ? parsed.data : { code: `HTTP_${response.status}`, message: messages.httpStatus(response.status) },
  );
}

async function request(method: Method, path: string, body?: unknown): Promise<Response> {
  let response = await send(method, path, body);
  // A refused token (cookie lost or minted under an older secret) came back with a fresh cookie: once more.
  if (response.status === 403 && method !== 'GET') {
    const error = await errorFrom(response.clone());
    if (error.code === 'CSRF') response = await send(method, path, body);
  }
  if (response.ok) return response;
  const error = await errorFrom(response);
  if (response.status === 401 && !isAuthCall(path)) onUnauthorized?.();
  throw error;
}

async function parse<S extends z.ZodType>(response: Response, schema: S): Promise<z.output<S>> {
  const json: unknown = await response.json().catch(() => undefined);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiRequestError(response.status, { code: 'INVALID_RESPONSE', message: messages.badResponse });
  }
  return parsed.data;
}

/** GET a JSON resource and check it against its contract schema. */
export async function getJson<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  return parse(await request('GET', path), schema);
}

/** POST a JSON body and check the JSON answer against its contract schema. */
export async function postJson<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>> {
  return parse(await request('POST', path, body), schema);
}

/** DELETE and check the JSON answer against its contract schema. */
export async function deleteJson<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  return parse(await request('DELETE', path), schema);
}

/** POST a file as the raw body (an upload) and check the JSON answer against its contract schema. */
export async function postBinary<S extends z.ZodType>(path: string, file: Blob, schema: S): Promise<z.output<S>> {
  return parse(await request('POST', path, new BinaryBody(file)), schema);
}

/** POST where the answer is 204 No Content. */
export async function postNoContent(path: string, body?: unknown): Promise<void> {
  await request('POST', path, body);
}

/** PUT a JSON body and check the JSON answer against its contract schema. */
export async function putJson<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.output<S>> {
  return parse(await request('PUT', path, body), schema);
}

/** DELETE where the answer is 204 No Content. */
export async function deleteNoContent(path: string): Promise<void> {
  await request('DELETE', path);
}

/** POST a JSON body whose answer is a file (e.g. a PDF generated from the body). */
export async function postForBlob(path: string, body: unknown): Promise<Blob> {
  return (await request('POST', path, body)).blob();
}

/** `examId=…&fullName=…`: empty values are left out, so the server sees no filter on them. */
export function queryString(params: Readonly<Record<string, string | number | null | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    const text = value === null || value === undefined ? '' : String(value).trim();
    if (text) search.set(key, text);
  }
  return search.toString();
}
