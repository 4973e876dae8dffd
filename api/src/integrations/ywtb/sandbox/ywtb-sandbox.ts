import crypto from 'node:crypto';
import http from 'node:http';
import { SandboxError, readRequestBody, redirect, sendJson, sleep } from '../../sandbox-kit/sandbox-http';
import { escapeHtml, pageStyle, sendPage } from '../../sandbox-kit/sandbox-page';
import { startSandboxServer } from '../../sandbox-kit/sandbox-server';
import { Sm2Service } from '../../../security/sm2';
import { generateSm2KeyPair } from '../../../security/sm2-keys';
import { basicAuthorization, ywtbErrorCodes, ywtbWire } from '../ywtb-wire';

/**
 * A stand-in for the 一网通办 unified identity service, served over HTTP on its own port (no
 * Express): a Chinese sign-in page listing test identities plus free entry, one-time authorization
 * codes (60 s) redirected only to registered redirect URIs, a token endpoint with client
 * authentication that returns an ID token signed with the sandbox's own SM2 key (generated at
 * start, published at `/keys`), userinfo and sign-out. Wire names come from `ywtb-wire.ts`.
 *
 * Redirect URIs match exactly, except that for loopback addresses (`127.0.0.1`, `[::1]`,
 * `localhost`) over http the port is ignored, as RFC 8252 §7.3 allows: local runs and tests
 * listen on ports chosen at start.
 */

export interface YwtbClient {
  clientId: string;
  clientSecret: string;
  redirectUris: readonly string[];
}

export interface YwtbIdentityRecord {
  name: string;
  idNumber: string;
  phone: string;
}

export interface YwtbSandboxOptions {
  port: number;
  host?: string;
  clients: readonly YwtbClient[];
  /** `iss` of the tokens; default the sandbox's own base URL. */
  issuer?: string;
  /** ID and access token lifetime (default 600 s; tests use a negative one for expired tokens). */
  tokenLifetimeSeconds?: number;
  /** Makes `sub` stable per ID number across restarts (default a fixed sandbox value). */
  subjectSalt?: string;
  /** Delay before answering the token and userinfo endpoints (default 20 ms). */
  latencyMs?: number;
}

export interface YwtbSandbox {
  server: http.Server;
  url: string;
  issuer: string;
  /** The SM2 public key the tokens are signed with (hex, `04…`). */
  publicKey: string;
  close(): Promise<void>;
}

/** A valid GB 11643 ID number from its first 17 digits (check character computed). */
export function withCheckDigit(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(body17[i]), 0);
  return body17 + '10X98765432'[sum % 11];
}

export function isValidIdNumber(value: string): boolean {
  return /^\d{17}[\dX]$/.test(value) && withCheckDigit(value.slice(0, 17)) === value;
}

/** The test identities offered on the sign-in page. */
export const ywtbTestIdentities: readonly YwtbIdentityRecord[] = [
  { name: '张三', idNumber: withCheckDigit('31010119900101123'), phone: '13812345678' },
  { name: '李四', idNumber: withCheckDigit('31011519850615432'), phone: '13987654321' },
  { name: '王五', idNumber: withCheckDigit('31010419920318567'), phone: '13700001111' },
];

const MAX_BODY = 16 * 1024;
const NAME = /^[\p{Script=Han}A-Za-z·.\s]{2,30}$/u;
const PHONE = /^1[3-9]\d{9}$/;

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  nonce: string;
  identity: YwtbIdentityRecord;
  expiresAt: number;
}

interface IssuedAccess {
  sub: string;
  identity: YwtbIdentityRecord;
  expiresAt: number;
}

const maskId = (id: string): string => `${id.slice(0, 6)}********${id.slice(-4)}`;

const STYLE = pageStyle(`body{font-family:"PingFang SC","Microsoft YaHei",sans-serif;background:#eef3fa;margin:0;color:#1f2d3d}
header{background:#c8161d;color:#fff;padding:14px 24px;font-size:20px}
main{max-width:520px;margin:24px auto;background:#fff;padding:24px;border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.1)}
h1{font-size:18px;margin:0 0 12px}h2{font-size:15px;margin:20px 0 8px}
.identity{display:block;width:100%;text-align:left;padding:10px 12px;margin:6px 0;border:1px solid #c0ccda;background:#f8fafc;border-radius:4px;font-size:15px;cursor:pointer}
.identity:hover{border-color:#c8161d}
label{display:block;margin:8px 0 4px}input{width:100%;box-sizing:border-box;padding:8px;font-size:15px}
.submit{margin-top:14px;padding:10px 18px;background:#c8161d;color:#fff;border:0;border-radius:4px;font-size:15px;cursor:pointer}
.cancel{margin-top:8px;background:none;border:0;color:#606f80;cursor:pointer}
.error{background:#fef0f0;color:#c45656;padding:8px 12px;border-radius:4px}.note{color:#606f80;font-size:13px}`);

function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}

/** Exact match, or for loopback http URIs a match on everything but the port. */
export function redirectUriMatches(registered: string, given: string): boolean {
  if (registered === given) return true;
  let r: URL;
  let g: URL;
  try {
    r = new URL(registered);
    g = new URL(given);
  } catch {
    return false;
  }
  return isLoopback(r) && isLoopback(g) && r.hostname === g.hostname && r.pathname === g.pathname && r.search === g.search && g.hash === '' && g.username === '' && g.password === '';
}

/** Starts the sandbox; resolves once it listens (port 0: a free port). */
export async function startYwtbSandbox(options: YwtbSandboxOptions): Promise<YwtbSandbox> {
  const keyPair = generateSm2KeyPair();
  const signer = new Sm2Service({ sm2KeyPair: () => keyPair });
  const lifetime = options.tokenLifetimeSeconds ?? 600;
  const latencyMs = options.latencyMs ?? 20;
  const salt = options.subjectSalt ?? 'ywtb-sandbox-subject';
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, IssuedAccess>();
  let issuer = options.issuer ?? '';

  const subjectOf = (idNumber: string): string => crypto.createHmac('sm3', salt).update(idNumber).digest('hex').slice(0, 32);

  function prune(now: number): void {
    for (const [k, v] of codes) if (v.expiresAt < now) codes.delete(k);
    for (const [k, v] of accessTokens) if (v.expiresAt < now) accessTokens.delete(k);
  }

  function clientFor(clientId: string | null | undefined): YwtbClient | undefined {
    return options.clients.find((c) => c.clientId === clientId);
  }

  /** The authorize parameters, checked; a bad client or redirect URI is shown, never redirected to. */
  function authorizeParams(params: URLSearchParams): { client: YwtbClient; redirectUri: string; state: string; nonce: string } {
    const a = ywtbWire.authorize;
    const client = clientFor(params.get(a.clientId));
    if (!client) throw new SandboxError(400, ywtbErrorCodes.unauthorizedClient, '接入应用不存在或未授权');
    const redirectUri = params.get(a.redirectUri) ?? '';
    if (!client.redirectUris.some((r) => redirectUriMatches(r, redirectUri))) throw new SandboxError(400, ywtbErrorCodes.invalidRequest, '回调地址未在一网通办登记');
    const state = params.get(a.state) ?? '';
    const nonce = params.get(a.nonce) ?? '';
    if (!/^[\x21-\x7e]{8,256}$/.test(state) || !/^[\x21-\x7e]{8,256}$/.test(nonce)) throw new SandboxError(400, ywtbErrorCodes.invalidRequest, '缺少或无效的 state / nonce 参数');
    const responseType = params.get(a.responseType);
    if (responseType !== null && responseType !== ywtbWire.responseType) throw new SandboxError(400, ywtbErrorCodes.invalidRequest, '不支持的 response_type');
    return { client, redirectUri, state, nonce };
  }

  function page(res: http.ServerResponse, status: number, title: string, body: string, formTarget?: string): void {
    sendPage(res, { status, title, banner: '上海市一网通办 · 统一身份认证（沙箱）', style: STYLE, body, formTarget });
  }

  function signInPage(res: http.ServerResponse, p: ReturnType<typeof authorizeParams>, error?: string, entered?: Partial<YwtbIdentityRecord>): void {
    const hidden = [
      [ywtbWire.authorize.clientId, p.client.clientId],
      [ywtbWire.authorize.redirectUri, p.redirectUri],
      [ywtbWire.authorize.state, p.state],
      [ywtbWire.authorize.nonce, p.nonce],
    ]
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k!)}" value="${escapeHtml(v!)}">`)
      .join('');
    const buttons = ywtbTestIdentities
      .map(
        (id, i) =>
          `<button class="identity" type="submit" name="identity" value="${i}" data-test="ywtb-identity-${i}">${escapeHtml(id.name)}　${escapeHtml(maskId(id.idNumber))}　${escapeHtml(id.phone)}</button>`,
      )
      .join('');
    page(
      res,
      error ? 400 : 200,
      '一网通办登录',
      `<h1>个人用户登录</h1><p class="note">沙箱环境：选择一个测试身份，或填写身份信息登录。</p>` +
        (error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '') +
        `<h2>测试身份</h2><form method="post" action="${ywtbWire.paths.authorize}">${hidden}${buttons}` +
        `<button class="cancel" type="submit" name="action" value="cancel" data-test="ywtb-cancel">取消登录并返回</button></form>` +
        `<h2>填写身份信息</h2><form method="post" action="${ywtbWire.paths.authorize}">${hidden}<input type="hidden" name="identity" value="manual">` +
        `<label for="name">姓名</label><input id="name" name="name" maxlength="30" required value="${escapeHtml(entered?.name ?? '')}">` +
        `<label for="idNumber">身份证号</label><input id="idNumber" name="idNumber" maxlength="18" required value="${escapeHtml(entered?.idNumber ?? '')}">` +
        `<label for="phone">手机号</label><input id="phone" name="phone" maxlength="11" required value="${escapeHtml(entered?.phone ?? '')}">` +
        `<button class="submit" type="submit" data-test="ywtb-manual-submit">登录</button></form>`,
      p.redirectUri,
    );
  }

  function chosenIdentity(form: URLSearchParams): YwtbIdentityRecord | string {
    const choice = form.get('identity');
    if (choice !== 'manual') {
      const identity = choice !== null && /^\d{1,2}$/.test(choice) ? ywtbTestIdentities[Number(choice)] : undefined;
      return identity ?? '请选择一个测试身份';
    }
    const name = (form.get('name') ?? '').trim();
    const idNumber = (form.get('idNumber') ?? '').trim().toUpperCase();
    const phone = (form.get('phone') ?? '').trim();
    if (!NAME.test(name)) return '请填写正确的姓名（2至30个字）';
    if (!isValidIdNumber(idNumber)) return '身份证号码格式或校验位不正确';
    if (!PHONE.test(phone)) return '请填写正确的11位手机号码';
    return { name, idNumber, phone };
  }

  function authorizePost(res: http.ServerResponse, form: URLSearchParams): void {
    const p = authorizeParamsOrPage(res, form);
    if (!p) return;
    const back = new URL(p.redirectUri);
    back.searchParams.set(ywtbWire.callback.state, p.state);
    if (form.get('action') === 'cancel') {
      back.searchParams.set(ywtbWire.callback.error, ywtbErrorCodes.accessDenied);
      return redirect(res, 302, back.toString());
    }
    const identity = chosenIdentity(form);
    if (typeof identity === 'string') {
      return signInPage(res, p, identity, { name: form.get('name') ?? '', idNumber: form.get('idNumber') ?? '', phone: form.get('phone') ?? '' });
    }
    const now = Date.now();
    prune(now);
    const code = crypto.randomBytes(32).toString('base64url');
    codes.set(code, { clientId: p.client.clientId, redirectUri: p.redirectUri, nonce: p.nonce, identity, expiresAt: now + ywtbWire.codeTtlSeconds * 1000 });
    back.searchParams.set(ywtbWire.callback.code, code);
    redirect(res, 302, back.toString());
  }

  function authenticateClient(req: http.IncomingMessage): YwtbClient {
    const header = req.headers.authorization ?? '';
    const client = options.clients.find((c) => {
      const expected = Buffer.from(basicAuthorization(c.clientId, c.clientSecret));
      const given = Buffer.from(header);
      return expected.length === given.length && crypto.timingSafeEqual(expected, given);
    });
    if (!client) throw new SandboxError(401, ywtbErrorCodes.invalidClient, '接入应用认证失败');
    return client;
  }

  function token(req: http.IncomingMessage, form: URLSearchParams): Record<string, unknown> {
    const client = authenticateClient(req);
    const t = ywtbWire.token;
    if (form.get(t.grantType) !== ywtbWire.grantType) throw new SandboxError(400, ywtbErrorCodes.unsupportedGrantType, '不支持的授权类型');
    const code = form.get(t.code) ?? '';
    const issued = codes.get(code);
    codes.delete(code); // one use, whatever happens next
    const now = Date.now();
    if (!issued || issued.expiresAt < now) throw new SandboxError(400, ywtbErrorCodes.invalidGrant, '授权码无效、已使用或已过期');
    if (issued.clientId !== client.clientId) throw new SandboxError(400, ywtbErrorCodes.invalidGrant, '授权码不属于该接入应用');
    if (form.get(t.redirectUri) !== issued.redirectUri) throw new SandboxError(400, ywtbErrorCodes.invalidGrant, '回调地址与授权请求不一致');
    const sub = subjectOf(issued.identity.idNumber);
    const iat = Math.floor(now / 1000);
    const c = ywtbWire.claims;
    const idToken = signer.signToken('ywtb', {
      iss: issuer,
      aud: client.clientId,
      sub,
      iat,
      exp: iat + lifetime,
      [c.nonce]: issued.nonce,
      [c.name]: issued.identity.name,
      [c.idNumber]: issued.identity.idNumber,
      [c.phone]: issued.identity.phone,
    });
    const accessToken = crypto.randomBytes(32).toString('base64url');
    accessTokens.set(accessToken, { sub, identity: issued.identity, expiresAt: now + lifetime * 1000 });
    const r = ywtbWire.tokenResponse;
    return { [r.idToken]: idToken, [r.accessToken]: accessToken, [r.tokenType]: 'Bearer', [r.expiresIn]: lifetime };
  }

  function userinfo(req: http.IncomingMessage): Record<string, unknown> {
    const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(req.headers.authorization ?? '');
    const access = match ? accessTokens.get(match[1]!) : undefined;
    if (!access || access.expiresAt < Date.now()) throw new SandboxError(401, ywtbErrorCodes.invalidToken, '访问令牌无效或已过期');
    const u = ywtbWire.userinfo;
    return { [u.sub]: access.sub, [u.name]: access.identity.name, [u.idNumber]: access.identity.idNumber, [u.phone]: access.identity.phone };
  }

  function logout(res: http.ServerResponse, url: URL): void {
    const target = url.searchParams.get(ywtbWire.logout.postLogoutRedirectUri);
    const allowed =
      target !== null &&
      options.clients.some((c) =>
        c.redirectUris.some((r) => {
          try {
            const t = new URL(target);
            const reg = new URL(r);
            return t.origin === reg.origin || (isLoopback(t) && isLoopback(reg) && t.hostname === reg.hostname);
          } catch {
            return false;
          }
        }),
      );
    if (allowed) return redirect(res, 302, target);
    page(res, 200, '已退出', '<h1>您已退出一网通办</h1><p class="note">可以关闭本页面。</p>');
  }

  /** An authorize page request's parameters, or the page saying why they are refused. */
  function authorizeParamsOrPage(res: http.ServerResponse, params: URLSearchParams): ReturnType<typeof authorizeParams> | undefined {
    try {
      return authorizeParams(params);
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      page(res, error.status, '登录请求无效', `<h1>登录请求无效</h1><p class="error">${escapeHtml(error.message)}</p>`);
      return undefined;
    }
  }

  async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
    const raw = await readRequestBody(req, MAX_BODY, ywtbErrorCodes.invalidRequest);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') throw new SandboxError(400, ywtbErrorCodes.invalidRequest, '请求须为表单格式（application/x-www-form-urlencoded）');
    return new URLSearchParams(raw.toString('utf8'));
  }

  const p = ywtbWire.paths;
  const sandbox = await startSandboxServer({
    port: options.port,
    host: options.host,
    errors: {
      fields: { code: ywtbWire.error.code, message: ywtbWire.error.description },
      notFoundCode: ywtbErrorCodes.notFound,
      internalCode: 'server_error',
      internalMessage: '一网通办内部错误',
      headers: (e) => ({
        pragma: 'no-cache',
        ...(e.status === 401 ? { 'www-authenticate': e.code === ywtbErrorCodes.invalidToken ? 'Bearer error="invalid_token"' : 'Basic realm="ywtb"' } : {}),
      }),
    },
    handle: ({ req, res, url, route }) => {
      const json = (body: unknown) => sendJson(res, 200, body, { pragma: 'no-cache' });
      return route([
        ['GET', p.keys, () => json({ [ywtbWire.keys.publicKey]: keyPair.publicKey, [ywtbWire.keys.alg]: ywtbWire.alg })],
        ['GET', p.logout, () => logout(res, url)],
        ['GET', p.userinfo, async () => {
          await sleep(latencyMs);
          json(userinfo(req));
        }],
        ['GET', p.authorize, () => {
          const params = authorizeParamsOrPage(res, url.searchParams);
          if (params) signInPage(res, params);
        }],
        ['POST', p.authorize, async () => authorizePost(res, await readForm(req))],
        ['POST', p.token, async () => {
          const form = await readForm(req);
          await sleep(latencyMs);
          json(token(req, form));
        }],
      ]);
    },
  });
  if (!issuer) issuer = sandbox.url;
  return { ...sandbox, issuer, publicKey: keyPair.publicKey };
}
