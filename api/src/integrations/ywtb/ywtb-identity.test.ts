import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Sm2Service, type TokenPayload } from '../../security/sm2';
import { generateSm2KeyPair } from '../../security/sm2-keys';
import { YwtbError, YwtbIdentity } from './ywtb-identity';
import { ywtbWire } from './ywtb-wire';
import { isValidIdNumber, startYwtbSandbox, ywtbTestIdentities, type YwtbSandbox } from './sandbox/ywtb-sandbox';

const clientId = 'test-client';
const clientSecret = 'test-client-secret-0123456789';
const redirectUri = 'https://bpm.example.gov.cn/api/auth/ywtb/callback';
const verifier = new Sm2Service({ sm2KeyPair: () => generateSm2KeyPair() });
let sandbox: YwtbSandbox;
let adapter: YwtbIdentity;

beforeAll(async () => {
  sandbox = await startYwtbSandbox({ port: 0, clients: [{ clientId, clientSecret, redirectUris: [redirectUri, 'http://127.0.0.1/cb'] }], latencyMs: 1 });
  adapter = new YwtbIdentity({ baseUrl: sandbox.url, clientId, clientSecret, publicKey: await YwtbIdentity.fetchPublicKey(sandbox.url), sm2: verifier });
});
afterAll(() => sandbox.close());
afterEach(() => vi.useRealTimers());

/** The browser's part: open the authorize URL, submit the sign-in form; the redirect's query. */
async function signInAtSandbox(form: Record<string, string>, params = { state: 'state-0123456789', nonce: 'nonce-0123456789', redirectUri }): Promise<{ status: number; location: URL | null; html: string }> {
  const page = await fetch(adapter.authorizeUrl(params));
  expect(page.status).toBe(200);
  const body = new URLSearchParams({ client_id: clientId, redirect_uri: params.redirectUri, state: params.state, nonce: params.nonce, ...form });
  const res = await fetch(`${sandbox.url}${ywtbWire.paths.authorize}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location) : null, html: await res.text() };
}

async function codeFor(identity = '0', nonce = 'nonce-0123456789'): Promise<string> {
  const { location } = await signInAtSandbox({ identity }, { state: 'state-0123456789', nonce, redirectUri });
  return location!.searchParams.get('code')!;
}

/** A token signed by `key` with the given claims (defaults: a valid token for this client). */
function token(claims: Partial<TokenPayload>, key = generateSm2KeyPair()): { token: string; publicKey: string } {
  const now = Math.floor(Date.now() / 1000);
  const signer = new Sm2Service({ sm2KeyPair: () => key });
  const payload: TokenPayload = { iss: sandbox.url, aud: clientId, sub: 'abc123', iat: now, exp: now + 600, nonce: 'n-0123456789', name: '张三', id_number: ywtbTestIdentities[0]!.idNumber, phone_number: '13812345678', ...claims };
  return { token: signer.signToken('ywtb', payload), publicKey: key.publicKey };
}

function adapterFor(publicKey: string): YwtbIdentity {
  return new YwtbIdentity({ baseUrl: sandbox.url, clientId, clientSecret, publicKey, sm2: verifier });
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof YwtbError) return `${error.reason}:${error.detail ?? ''}`;
    throw error;
  }
  return 'accepted';
}

describe('一网通办 identity adapter and sandbox (M01, M07, G2)', () => {
  it('M01 test identities carry valid GB 11643 ID numbers', () => {
    for (const identity of ywtbTestIdentities) expect(isValidIdNumber(identity.idNumber), identity.idNumber).toBe(true);
  });

  it('M01 the sign-in page is Chinese, escaped, with a strict CSP and no script; picking an identity yields a code for the registered redirect', async () => {
    const page = await fetch(adapter.authorizeUrl({ state: 'st"><script>x</script>', nonce: 'nonce-0123456789', redirectUri }));
    const html = await page.text();
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self' https://bpm.example.gov.cn");
    expect(csp).not.toContain('unsafe-inline');
    expect(html).toContain('个人用户登录');
    expect(html).toContain('张三');
    expect(html).not.toContain('<script');
    expect(html).toContain('st&quot;&gt;&lt;script&gt;x&lt;/script&gt;');

    const { status, location } = await signInAtSandbox({ identity: '1' });
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(redirectUri);
    expect(location!.searchParams.get('state')).toBe('state-0123456789');
    expect(location!.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('M01 code → SM2-signed ID token (iss, aud, sub, nonce, identity) and userinfo; sub is stable per ID number', async () => {
    const first = await adapter.exchangeCode(await codeFor('0', 'nonce-first-000'), redirectUri);
    const claims = adapter.verifyIdToken(first.idToken, 'nonce-first-000');
    expect(claims).toMatchObject({ name: '张三', idNumber: ywtbTestIdentities[0]!.idNumber, phone: '13812345678' });
    expect(claims.claims).toMatchObject({ iss: sandbox.url, aud: clientId, nonce: 'nonce-first-000' });
    expect(claims.claims.exp - claims.claims.iat!).toBe(600);
    expect(await adapter.userinfo(first.accessToken)).toEqual({ sub: claims.sub, name: '张三', idNumber: ywtbTestIdentities[0]!.idNumber, phone: '13812345678' });
    const again = adapter.verifyIdToken((await adapter.exchangeCode(await codeFor('0'), redirectUri)).idToken, 'nonce-0123456789');
    expect(again.sub).toBe(claims.sub);
    const other = adapter.verifyIdToken((await adapter.exchangeCode(await codeFor('1'), redirectUri)).idToken, 'nonce-0123456789');
    expect(other.sub).not.toBe(claims.sub);
  });

  it('M01 free entry: a valid name, ID number and phone sign in; a wrong check digit is refused on the page', async () => {
    const idNumber = ywtbTestIdentities[2]!.idNumber;
    const wrong = `${idNumber.slice(0, 17)}${idNumber.endsWith('0') ? '1' : '0'}`;
    const refused = await signInAtSandbox({ identity: 'manual', name: '赵六', idNumber: wrong, phone: '13900000000' });
    expect(refused.status).toBe(400);
    expect(refused.location).toBeNull();
    expect(refused.html).toContain('身份证号码格式或校验位不正确');
    const ok = await signInAtSandbox({ identity: 'manual', name: '赵六', idNumber, phone: '13900000000' });
    const tokens = await adapter.exchangeCode(ok.location!.searchParams.get('code')!, redirectUri);
    expect(adapter.verifyIdToken(tokens.idToken, 'nonce-0123456789')).toMatchObject({ name: '赵六', phone: '13900000000' });
  });

  it('M01 cancelling returns error=access_denied with the state', async () => {
    const { location } = await signInAtSandbox({ action: 'cancel' });
    expect(location!.searchParams.get('error')).toBe('access_denied');
    expect(location!.searchParams.get('state')).toBe('state-0123456789');
    expect(location!.searchParams.get('code')).toBeNull();
  });

  it('G2 an unregistered redirect URI is refused on the page, never redirected to (loopback: any port)', async () => {
    const evil = await fetch(adapter.authorizeUrl({ state: 'state-0123456789', nonce: 'nonce-0123456789', redirectUri: 'https://evil.example/api/auth/ywtb/callback' }), { redirect: 'manual' });
    expect(evil.status).toBe(400);
    expect(await evil.text()).toContain('回调地址未在一网通办登记');
    const post = await fetch(`${sandbox.url}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, redirect_uri: `${redirectUri}/../x`, state: 'state-0123456789', nonce: 'nonce-0123456789', identity: '0' }),
    });
    expect(post.status).toBe(400);
    expect(post.headers.get('location')).toBeNull();
    const loopback = await signInAtSandbox({ identity: '0' }, { state: 'state-0123456789', nonce: 'nonce-0123456789', redirectUri: 'http://127.0.0.1:45678/cb' });
    expect(loopback.location!.port).toBe('45678');
    const otherPath = await fetch(adapter.authorizeUrl({ state: 'state-0123456789', nonce: 'nonce-0123456789', redirectUri: 'http://127.0.0.1:45678/other' }));
    expect(otherPath.status).toBe(400);
  });

  it('G2 a code works once, only for its client and redirect URI, and only for 60 s', async () => {
    const code = await codeFor();
    await adapter.exchangeCode(code, redirectUri);
    await expect(adapter.exchangeCode(code, redirectUri)).rejects.toMatchObject({ reason: 'refused', detail: 'invalid_grant', message: '授权码无效、已使用或已过期' });
    await expect(adapter.exchangeCode(await codeFor(), 'https://bpm.example.gov.cn/other')).rejects.toMatchObject({ detail: 'invalid_grant' });
    const wrongSecret = new YwtbIdentity({ baseUrl: sandbox.url, clientId, clientSecret: 'not-the-secret-000000', publicKey: sandbox.publicKey, sm2: verifier });
    await expect(wrongSecret.exchangeCode(await codeFor(), redirectUri)).rejects.toMatchObject({ detail: 'invalid_client', message: '接入应用认证失败' });
    const late = await codeFor();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    await expect(adapter.exchangeCode(late, redirectUri)).rejects.toMatchObject({ detail: 'invalid_grant' });
  });

  it('G2 userinfo needs a valid bearer token', async () => {
    await expect(adapter.userinfo('A'.repeat(43))).rejects.toMatchObject({ reason: 'refused', detail: 'invalid_token' });
  });

  it('M07 the adapter refuses ID tokens with a bad signature, issuer, audience, expiry or nonce', () => {
    const good = token({});
    expect(reasonOf(() => adapterFor(good.publicKey).verifyIdToken(good.token, 'n-0123456789'))).toBe('accepted');
    expect(reasonOf(() => adapterFor(good.publicKey).verifyIdToken(good.token, 'n-other-000000'))).toBe('nonce:nonce-mismatch');
    expect(reasonOf(() => adapterFor(sandbox.publicKey).verifyIdToken(good.token, 'n-0123456789'))).toBe('token:bad-signature');
    const [h, p, s] = good.token.split('.');
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), name: '李四' })).toString('base64url')}.${s}`;
    expect(reasonOf(() => adapterFor(good.publicKey).verifyIdToken(altered, 'n-0123456789'))).toBe('token:bad-signature');
    const iss = token({ iss: 'https://other.example' });
    expect(reasonOf(() => adapterFor(iss.publicKey).verifyIdToken(iss.token, 'n-0123456789'))).toBe('token:wrong-issuer');
    const aud = token({ aud: 'another-client' });
    expect(reasonOf(() => adapterFor(aud.publicKey).verifyIdToken(aud.token, 'n-0123456789'))).toBe('token:wrong-audience');
    const now = Math.floor(Date.now() / 1000);
    const expired = token({ iat: now - 1000, exp: now - 120 });
    expect(reasonOf(() => adapterFor(expired.publicKey).verifyIdToken(expired.token, 'n-0123456789'))).toBe('token:expired');
    const noNonce = token({ nonce: undefined });
    expect(reasonOf(() => adapterFor(noNonce.publicKey).verifyIdToken(noNonce.token, 'n-0123456789'))).toBe('nonce:nonce-mismatch');
    const noIdentity = token({ id_number: 'not-an-id' });
    expect(reasonOf(() => adapterFor(noIdentity.publicKey).verifyIdToken(noIdentity.token, 'n-0123456789'))).toBe('token:missing-claim');
  });

  it('M07 an expired token from the platform itself is refused', async () => {
    const stale = await startYwtbSandbox({ port: 0, clients: [{ clientId, clientSecret, redirectUris: [redirectUri] }], tokenLifetimeSeconds: -120, latencyMs: 1 });
    try {
      const client = new YwtbIdentity({ baseUrl: stale.url, clientId, clientSecret, publicKey: stale.publicKey, sm2: verifier });
      const page = await fetch(client.authorizeUrl({ state: 'state-0123456789', nonce: 'nonce-0123456789', redirectUri }));
      expect(page.status).toBe(200);
      const res = await fetch(`${stale.url}/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, state: 'state-0123456789', nonce: 'nonce-0123456789', identity: '0' }),
      });
      const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
      const { idToken } = await client.exchangeCode(code, redirectUri);
      expect(reasonOf(() => client.verifyIdToken(idToken, 'nonce-0123456789'))).toBe('token:expired');
    } finally {
      await stale.close();
    }
  });
});
