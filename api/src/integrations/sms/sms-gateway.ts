import { smsWire, signedHeaders } from './sms-wire';

export interface SmsGatewayOptions {
  /** e.g. `http://127.0.0.1:3101` (the sandbox) or the platform's base URL. */
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  /** For tests: the fetch to use. */
  fetch?: typeof fetch;
}

export interface SmsMessage {
  /** 11-digit mainland mobile number. */
  phone: string;
  /** A template registered with the platform, e.g. `LOGIN_CODE`. */
  templateCode: string;
  params: Record<string, string>;
}

/** The platform refused the message (non-2xx); `code` and `message` are the platform's own. */
export class SmsGatewayError extends Error {
  override readonly name = 'SmsGatewayError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The platform could not be reached or did not answer in time; the message may or may not be out. */
export class SmsNetworkError extends Error {
  override readonly name = 'SmsNetworkError';
  constructor(
    message: string,
    readonly timedOut: boolean,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Adapter for the SMS platform (短信平台): signed JSON over HTTP. A connection failure is retried
 * once (the request never arrived); a timeout is not, because the platform may have sent the
 * message already and a second request would send it twice.
 */
export class SmsGateway {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: SmsGatewayOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async send(message: SmsMessage): Promise<{ messageId: string }> {
    const body = JSON.stringify({
      [smsWire.request.phone]: message.phone,
      [smsWire.request.templateCode]: message.templateCode,
      [smsWire.request.params]: message.params,
    });
    let response: Response;
    try {
      response = await this.post(body);
    } catch (error) {
      if (error instanceof SmsNetworkError && !error.timedOut) response = await this.post(body);
      else throw error;
    }
    const json: unknown = await response.json().catch(() => undefined);
    const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
    if (!response.ok) {
      const code = record[smsWire.error.code];
      const text = record[smsWire.error.message];
      throw new SmsGatewayError(
        response.status,
        typeof code === 'string' ? code : `HTTP_${response.status}`,
        typeof text === 'string' ? text : `短信平台返回错误（HTTP ${response.status}）`,
      );
    }
    const messageId = record[smsWire.response.messageId];
    if (typeof messageId !== 'string' || !messageId) throw new SmsGatewayError(response.status, 'BAD_RESPONSE', '短信平台返回的数据格式不正确');
    return { messageId };
  }

  /** One signed attempt (fresh timestamp and nonce each time). */
  private async post(body: string): Promise<Response> {
    const headers = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', ...signedHeaders(this.options.appId, this.options.appSecret, body) };
    try {
      return await this.fetchImpl(`${this.baseUrl}${smsWire.sendPath}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new SmsNetworkError(timedOut ? `短信平台在${this.timeoutMs / 1000}秒内未响应` : '无法连接短信平台', timedOut, error);
    }
  }
}
