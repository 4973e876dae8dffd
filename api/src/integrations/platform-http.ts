import type { PlatformErrorClasses } from './platform-errors';

/**
 * The transport the adapters of the city platforms share: one request with a time limit, turned
 * into the platform's typed errors (no answer, 5xx/429 → unavailable; other non-2xx → refused, with
 * the platform's code, message and field); a retry of a request that never got an answer (every
 * call of these platforms is idempotent); and reading a platform's published SM2 public key.
 * Signing requests and checking answers stay with each adapter and its `*-wire.ts`.
 */

export type WireRecord = Record<string, unknown>;

export const isWireRecord = (value: unknown): value is WireRecord => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A non-empty string field, or undefined. */
export const wireText = (record: WireRecord, key: string): string | undefined => {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export const DEFAULT_PLATFORM_TIMEOUT_MS = 10_000;

export interface PlatformHttpOptions {
  /** The platform's base URL (a trailing slash is ignored). */
  baseUrl: string;
  /** How Chinese messages name the platform, e.g. 公共支付平台. */
  platformName: string;
  errors: PlatformErrorClasses;
  /** The wire names of the platform's error body (from its `*-wire.ts`). */
  errorFields: { code: string; message: string; field: string };
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** A more specific refusal for some codes (e.g. 随申办's unknown user); undefined: the plain one. */
  refusal?: (message: string, code: string, status: number, field: string | null) => Error | undefined;
}

export class PlatformHttp {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: PlatformHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PLATFORM_TIMEOUT_MS;
  }

  /** One request; the 2xx answer and its bytes, or the platform's typed error. */
  async send(method: 'GET' | 'POST', pathWithQuery: string, headers: Record<string, string>, body?: string): Promise<{ res: Response; bytes: Buffer }> {
    const { errors, platformName } = this.options;
    let res: Response;
    let bytes: Buffer;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${pathWithQuery}`, { method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(this.timeoutMs) });
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new errors.UnavailableError(timedOut ? `${platformName}在${this.timeoutMs / 1000}秒内未响应` : `无法连接${platformName}`, timedOut ? 'TIMEOUT' : 'NETWORK', null);
    }
    if (!res.ok) {
      let record: WireRecord = {};
      try {
        const value: unknown = JSON.parse(bytes.toString('utf8'));
        if (isWireRecord(value)) record = value;
      } catch {
        // a proxy's HTML error page: the status says enough
      }
      const e = this.options.errorFields;
      const code = wireText(record, e.code) ?? `HTTP_${res.status}`;
      const message = wireText(record, e.message) ?? `${platformName}返回错误（HTTP ${res.status}）`;
      if (res.status >= 500 || res.status === 429) throw new errors.UnavailableError(message, code, res.status);
      const field = wireText(record, e.field) ?? null;
      throw this.options.refusal?.(message, code, res.status, field) ?? new errors.RefusedError(message, code, res.status, field);
    }
    return { res, bytes };
  }

  /** Runs `attempt`, and once more when it got no answer at all (`NETWORK`; `TIMEOUT` too unless `afterTimeout` is false). */
  async retryOnce<T>(attempt: () => Promise<T>, afterTimeout = true): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      const unanswered = error instanceof this.options.errors.UnavailableError && error.status === null && (afterTimeout || error.code === 'NETWORK');
      if (unanswered) return attempt();
      throw error;
    }
  }
}

/** Reads a platform's SM2 public key (`04` + 128 hex digits) from its keys endpoint, lower-cased. */
export async function fetchPlatformPublicKey(
  url: string,
  keyField: string,
  platformName: string,
  errors: Pick<PlatformErrorClasses, 'UnavailableError'>,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: AbortSignal.timeout(DEFAULT_PLATFORM_TIMEOUT_MS) });
  } catch {
    throw new errors.UnavailableError(`无法连接${platformName}`, 'NETWORK', null);
  }
  const body: unknown = await res.json().catch(() => ({}));
  const key = isWireRecord(body) ? wireText(body, keyField) : undefined;
  if (!res.ok || !key || !/^04[0-9a-f]{128}$/i.test(key)) throw new errors.UnavailableError(`无法读取${platformName}的签名公钥`, `HTTP_${res.status}`, res.status);
  return key.toLowerCase();
}
