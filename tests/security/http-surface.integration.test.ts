import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import { defaultWebDist } from '../../api/src/app';
import { repoRoot } from '../../api/src/config';
import { createTestContext, listen, newCandidate, signIn, validApplication, type TestContext } from '../support/test-env';

let ctx: TestContext;
let server: { baseUrl: string; close(): Promise<void> };
let indexHtml: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(defaultWebDist, 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first (npm test does)');
  indexHtml = fs.readFileSync(path.join(defaultWebDist, 'index.html'), 'utf8');
  ctx = createTestContext({ webDist: defaultWebDist });
  server = await listen(ctx.app);
});
afterAll(async () => {
  await server?.close();
  await ctx?.close();
});

/**
 * GET with the path sent byte for byte: HTTP client libraries (and `new URL`) resolve `..` and
 * decode before sending, which would hide exactly what an attacker's raw request looks like.
 */
function rawGet(rawPath: string, cookie?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: 'GET', headers: cookie ? { cookie } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The agent's cookies as a Cookie header. */
const cookiesOf = (agent: supertest.Agent) => agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).toValueString();

/** Lines of files the server must never hand out. */
const SECRETS = ['root:', '"name": "shanghai', 'sessionSecret', 'BEGIN PRIVATE KEY'];

describe('path traversal (S1)', () => {
  it('S1 document downloads and the static console never serve a file outside their folder', async () => {
    const { agent } = await newCandidate(ctx, 'traversal');
    const created = await agent.post('/api/registrations').send(await validApplication(ctx));
    expect(created.status).toBe(201);
    const no = created.body.registrationNo as string;
    const cookie = cookiesOf(agent);
    // The file exists and would be recognised.
    expect(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).toContain('"name": "shanghai');

    const apiAttempts = [
      '/api/registrations/..%2F..%2Fetc%2Fpasswd/form.pdf',
      '/api/registrations/..%2F..%2F..%2F..%2Fpackage.json/form.pdf',
      '/api/registrations/BM%2e%2e/form.pdf',
      '/api/registrations/BM%2e%2e%2f%2e%2e%2fetc%2fpasswd/form.pdf',
      '/api/registrations/%2e%2e%5c%2e%2e%5cpackage.json/form.pdf',
      '/api/registrations/..%252F..%252Fetc%252Fpasswd/form.pdf',
      `/api/registrations/${no}%00.pdf/form.pdf`,
      `/api/registrations/${no}/form.pdf/../../../../etc/passwd`,
      `/api/registrations/${no}/form.pdf%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd`,
      '/api/..%2f..%2fetc/passwd',
      '/api/../../etc/passwd',
      '/api/%2e%2e/%2e%2e/package.json',
    ];
    for (const attempt of apiAttempts) {
      const res = await rawGet(attempt, cookie);
      expect(res.status, attempt).not.toBe(200);
      expect([400, 404], `${attempt}: ${res.status}`).toContain(res.status);
      for (const secret of SECRETS) expect(res.body, attempt).not.toContain(secret);
    }

    const consoleAttempts = [
      '/..%2f..%2fetc/passwd',
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2fpackage.json',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%5c..%5cpackage.json',
      '/assets/....//....//package.json',
      '/assets/%252e%252e%252f%252e%252e%252fpackage.json',
      '/assets/..%c0%af..%c0%afpackage.json',
      '/..%2f..%2f.data%2fsecrets%2fpostgres-password',
      '/index.html/../../package.json',
    ];
    for (const attempt of consoleAttempts) {
      const res = await rawGet(attempt);
      // Either refused, or the console's own page (the SPA answers unknown paths with index.html).
      if (res.status === 200) expect(res.body, attempt).toBe(indexHtml);
      else expect([400, 403, 404], `${attempt}: ${res.status}`).toContain(res.status);
      for (const secret of SECRETS) expect(res.body, attempt).not.toContain(secret);
    }

    // And the real download still works.
    const pdf = await rawGet(`/api/registrations/${no}/form.pdf`, cookie);
    expect(pdf.status).toBe(200);
    expect(pdf.body.startsWith('%PDF-')).toBe(true);
  });
});

describe('security headers (S1)', () => {
  it('S1 the console and the API send CSP (script-src self, frame-ancestors none), nosniff, and no X-Powered-By', async () => {
    for (const target of ['/', '/portal/apply', '/api/health', '/api/nope']) {
      const res = await rawGet(target);
      const csp = String(res.headers['content-security-policy'] ?? '');
      expect(csp, target).toMatch(/(^|;)\s*script-src 'self'(;|$)/);
      expect(csp, target).toMatch(/(^|;)\s*frame-ancestors 'none'(;|$)/);
      expect(csp, target).toMatch(/(^|;)\s*object-src 'none'(;|$)/);
      expect(res.headers['x-content-type-options'], target).toBe('nosniff');
      expect(res.headers['x-powered-by'], target).toBeUndefined();
      expect(res.headers['x-frame-options'], target).toBe('SAMEORIGIN');
    }
  });

  it('S1 the session cookie is HttpOnly and SameSite=Strict; the CSRF cookie SameSite=Strict but readable by the page', async () => {
    const agent = await signIn(ctx.app, 'candidate1');
    const me = await agent.get('/api/auth/me');
    // express-session re-sends the cookie on each response (rolling idle timeout).
    const setCookies = ([] as string[]).concat(me.headers['set-cookie'] ?? []);
    const session = setCookies.find((c) => c.startsWith('bpm.sid='));
    expect(session).toBeDefined();
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Strict/i);
    expect(session).toMatch(/;\s*Path=\//i);

    const fresh = await rawGet('/api/health');
    const csrf = ([] as string[]).concat(fresh.headers['set-cookie'] ?? []).find((c) => c.startsWith('bpm.csrf='));
    expect(csrf).toMatch(/;\s*SameSite=Strict/i);
    expect(csrf).not.toMatch(/HttpOnly/i);
  });
});
