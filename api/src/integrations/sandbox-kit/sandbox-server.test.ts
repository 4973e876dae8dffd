import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxError, readJsonObject, sandboxControlClient, sendJson } from './sandbox-http';
import { pageStyle, sendPage } from './sandbox-page';
import { matchRoute, patchedBackoff, startSandboxServer, type SandboxServer } from './sandbox-server';

describe('sandbox routes', () => {
  const routes = [
    ['GET', '/a', () => 'exact'],
    ['POST', /^\/items\/(\d+)(?:\/(x))?$/, (params: string[]) => `item ${params.join('|')}`],
  ] as const;

  it('match on method and exact path, or on a pattern whose groups are the parameters', () => {
    expect(matchRoute(routes, 'GET', '/a')?.()).toBe('exact');
    expect(matchRoute(routes, 'POST', '/items/7/x')?.()).toBe('item 7|x');
    expect(matchRoute(routes, 'POST', '/items/7')?.()).toBe('item 7|');
    expect(matchRoute(routes, 'POST', '/a')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/a/')).toBeUndefined();
  });
});

describe('sandbox server', () => {
  const settings = { latencyMs: 0, down: false, loud: false, level: 1 };
  let sandbox: SandboxServer;
  let bare: SandboxServer;

  beforeAll(async () => {
    sandbox = await startSandboxServer({
      port: 0,
      host: '127.0.0.1',
      errors: { fields: { code: 'err', message: 'msg', field: 'at' }, notFoundCode: 'NOPE', internalMessage: '内部错误', headers: (e): Record<string, string> => (e.status === 401 ? { 'www-authenticate': 'Basic' } : {}) },
      controls: {
        settings,
        flags: ['down', 'loud'],
        patch: (next, patch) => {
          if (patch.level === undefined) return;
          if (typeof patch.level !== 'number') throw new SandboxError(400, 'BAD', 'level须为数字', 'level');
          next.level = patch.level;
        },
        invalidCode: 'BAD',
        unavailableCode: 'DOWN',
        downMessage: '维护中',
        maxBody: 1024,
        routes: ({ req }) => [
          ['GET', '/hello', () => ({ hello: 'world' })],
          ['POST', /^\/echo\/(\w+)$/, async ([name]) => ({ name, body: await readJsonObject(req, 1024, 'BAD') })],
        ],
      },
      handle: ({ res, route }) =>
        route([
          ['GET', '/ok', () => sendJson(res, 200, { ok: true })],
          ['GET', '/refuse', () => {
            throw new SandboxError(401, 'DENIED', '拒绝', 'token');
          }],
          ['GET', '/crash', () => {
            throw new Error('boom');
          }],
        ]),
    });
    bare = await startSandboxServer({
      port: 0,
      host: '127.0.0.1',
      errors: { fields: { code: 'error', message: 'error_description' }, notFoundCode: 'not_found', internalCode: 'server_error', internalMessage: '内部错误' },
      handle: ({ res, route }) =>
        route([
          ['GET', '/page', () => sendPage(res, { status: 200, title: '<标题>', banner: '沙箱', style: pageStyle('body{color:red}'), body: '<p>正文</p>', formTarget: 'http://127.0.0.1:9/back' })],
          ['GET', '/refuse', () => {
            throw new SandboxError(400, 'invalid_request', '无效', 'ignored');
          }],
        ]),
    });
  });

  afterAll(async () => {
    await sandbox?.close();
    await bare?.close();
  });

  const get = async (server: SandboxServer, path: string, init?: RequestInit) => {
    const res = await fetch(`${server.url}${path}`, init);
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  const post = (path: string, body: unknown) => get(sandbox, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('serves the platform routes and answers what no route serves with the platform not-found body', async () => {
    expect(await get(sandbox, '/ok')).toMatchObject({ status: 200, body: { ok: true } });
    expect(await get(sandbox, '/nowhere')).toMatchObject({ status: 404, body: { err: 'NOPE', msg: '接口不存在' } });
    expect(await get(sandbox, '/ok', { method: 'DELETE' })).toMatchObject({ status: 404, body: { err: 'NOPE' } });
  });

  it('answers a refusal in the platform wire names with the field at fault and its headers, and a crash as 500', async () => {
    const refused = await get(sandbox, '/refuse');
    expect(refused).toMatchObject({ status: 401, body: { err: 'DENIED', msg: '拒绝', at: 'token' } });
    expect(refused.headers.get('www-authenticate')).toBe('Basic');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(await get(sandbox, '/crash')).toMatchObject({ status: 500, body: { err: 'INTERNAL', msg: '内部错误' } });
  });

  it('names no field when the platform error body has none, and uses the platform internal code', async () => {
    expect((await get(bare, '/refuse')).body).toEqual({ error: 'invalid_request', error_description: '无效' });
    expect(await get(bare, '/__sandbox/settings')).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('serves GET and POST settings and the sandbox own control routes under /__sandbox', async () => {
    expect((await get(sandbox, '/__sandbox/settings')).body).toEqual(settings);
    expect((await get(sandbox, '/__sandbox/hello')).body).toEqual({ hello: 'world' });
    expect((await post('/__sandbox/echo/abc', { x: 1 })).body).toEqual({ name: 'abc', body: { x: 1 } });
    expect(await get(sandbox, '/__sandbox/nothing')).toMatchObject({ status: 404, body: { err: 'NOPE' } });
    expect((await post('/__sandbox/settings', { loud: true, level: 3 })).body).toEqual({ latencyMs: 0, down: false, loud: true, level: 3 });
    expect(settings).toMatchObject({ loud: true, level: 3 });
  });

  it('is driven by its control client, which names the sandbox and its message when refused', async () => {
    const control = sandboxControlClient('测试');
    expect(await control.get(`${sandbox.url}/`, '/hello')).toEqual({ hello: 'world' });
    expect(await control.post(sandbox.url, '/echo/abc', { y: 2 })).toEqual({ name: 'abc', body: { y: 2 } });
    expect(await control.post(sandbox.url, '/echo/empty')).toEqual({ name: 'empty', body: {} });
    await expect(control.post(sandbox.url, '/settings', { latencyMs: 'slow' })).rejects.toThrow('测试 sandbox /settings: HTTP 400');
  });

  it('refuses a bad settings patch with the field at fault and changes nothing of it', async () => {
    expect(await post('/__sandbox/settings', { loud: false, level: 'high' })).toMatchObject({ status: 400, body: { err: 'BAD', msg: 'level须为数字', at: 'level' } });
    expect(await post('/__sandbox/settings', { level: 5, down: 'yes' })).toMatchObject({ status: 400, body: { err: 'BAD', at: 'down' } });
    expect(await post('/__sandbox/settings', { latencyMs: -1 })).toMatchObject({ status: 400, body: { at: 'latencyMs' } });
    expect(settings).toMatchObject({ loud: true, level: 3, latencyMs: 0, down: false });
  });

  it('answers 503 to platform requests while down, the controls still work, and adds the set latency', async () => {
    await post('/__sandbox/settings', { down: true });
    expect(await get(sandbox, '/ok')).toMatchObject({ status: 503, body: { err: 'DOWN', msg: '维护中' } });
    expect(await get(sandbox, '/nowhere')).toMatchObject({ status: 503 });
    expect((await post('/__sandbox/settings', { down: false, latencyMs: 150 })).status).toBe(200);
    const started = Date.now();
    expect((await get(sandbox, '/ok')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await post('/__sandbox/settings', { latencyMs: 0 });
  });

  it('shows pages that load only their own style and post only to the sandbox and the form target', async () => {
    const res = await fetch(`${bare.url}/page`);
    const html = await res.text();
    expect(res.headers.get('content-security-policy')).toBe(
      `default-src 'none'; style-src ${pageStyle('body{color:red}').hash}; form-action 'self' http://127.0.0.1:9; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(html).toContain('<title>&lt;标题&gt;</title><style>body{color:red}</style>');
    expect(html).toContain('<header>沙箱</header><main><p>正文</p></main>');
  });
});

describe('callback back-off in a settings patch', () => {
  it('is a list of at most 50 delays of 0 to 24 h, or left as it is', () => {
    expect(patchedBackoff({}, 'BAD')).toBeUndefined();
    expect(patchedBackoff({ callbackBackoffMs: [0, 10, 86_400_000] }, 'BAD')).toEqual([0, 10, 86_400_000]);
    for (const callbackBackoffMs of [[-1], [1.5], ['10'], new Array(51).fill(1), 5]) {
      expect(() => patchedBackoff({ callbackBackoffMs }, 'BAD')).toThrow('callbackBackoffMs须为至多50个非负整数（毫秒）');
    }
  });
});
