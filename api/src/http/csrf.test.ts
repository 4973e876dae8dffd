import express from 'express';
import pino from 'pino';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { CSRF_COOKIE, csrfProtection, mintCsrfToken, verifyCsrfToken } from './csrf';
import { errorMiddleware } from './error-middleware';

const SECRET = 'unit-test-session-secret-unit-test';

function appWith(exempt: readonly string[] = []) {
  const effects: string[] = [];
  const app = express();
  app.use('/api', csrfProtection({ secret: SECRET, secure: false, exempt }));
  app.get('/api/thing', (_req, res) => void res.json({ ok: true }));
  app.post('/api/thing', (_req, res) => {
    effects.push('changed');
    res.status(201).json({ ok: true });
  });
  app.delete('/api/thing', (_req, res) => {
    effects.push('deleted');
    res.status(204).end();
  });
  app.post('/api/callback', (_req, res) => {
    effects.push('callback');
    res.status(204).end();
  });
  app.use(errorMiddleware(pino({ level: 'silent' })));
  return { app, effects };
}

function tokenFrom(setCookie: string[] | string | undefined): { value: string; attributes: string } | undefined {
  const line = [setCookie ?? []].flat().find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(';');
  return { value: decodeURIComponent(pair!.slice(CSRF_COOKIE.length + 1)), attributes: attributes.join(';') };
}

const refused = { code: 'CSRF', message: '页面已过期或请求来源不可信，请刷新页面后重试' };

describe('CSRF double-submit token (S1)', () => {
  it('S1 a token is random.HMAC-SM3(secret, random); a changed part or another secret fails', () => {
    const token = mintCsrfToken(SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(verifyCsrfToken(SECRET, token)).toBe(true);
    expect(mintCsrfToken(SECRET)).not.toBe(token);
    const [random, mac] = token.split('.') as [string, string];
    expect(verifyCsrfToken(SECRET, `${random}x.${mac}`)).toBe(false);
    expect(verifyCsrfToken(SECRET, `${random}.${mac.slice(1)}A`)).toBe(false);
    expect(verifyCsrfToken('another-secret-another-secret-xx', token)).toBe(false);
    for (const bad of [undefined, '', '.', random, `${random}.`, `.${mac}`, `${token}.x`]) expect(verifyCsrfToken(SECRET, bad), String(bad)).toBe(false);
  });

  it('S1 any API response sets the cookie when missing: readable by the page, SameSite=Strict, path /', async () => {
    const { app } = appWith();
    const res = await supertest(app).get('/api/thing').expect(200);
    const cookie = tokenFrom(res.headers['set-cookie']);
    expect(cookie && verifyCsrfToken(SECRET, cookie.value)).toBe(true);
    expect(cookie!.attributes).toMatch(/SameSite=Strict/i);
    expect(cookie!.attributes).toMatch(/Path=\//);
    expect(cookie!.attributes).not.toMatch(/HttpOnly/i);
    // A browser that holds a valid token keeps it.
    const again = await supertest(app).get('/api/thing').set('cookie', `${CSRF_COOKIE}=${cookie!.value}`);
    expect(tokenFrom(again.headers['set-cookie'])).toBeUndefined();
  });

  it('S1 a state-changing call needs the header equal to a valid cookie; otherwise 403 and nothing happens', async () => {
    const { app, effects } = appWith();
    const token = mintCsrfToken(SECRET);
    const forged = `${'A'.repeat(43)}.${'B'.repeat(43)}`;
    const attempts = [
      supertest(app).post('/api/thing'),
      supertest(app).post('/api/thing').set('cookie', `${CSRF_COOKIE}=${token}`),
      supertest(app).post('/api/thing').set('x-csrf-token', token),
      supertest(app).post('/api/thing').set('cookie', `${CSRF_COOKIE}=${token}`).set('x-csrf-token', mintCsrfToken(SECRET)),
      supertest(app).post('/api/thing').set('cookie', `${CSRF_COOKIE}=${forged}`).set('x-csrf-token', forged),
      supertest(app).delete('/api/thing').set('cookie', `${CSRF_COOKIE}=${token}`).set('x-csrf-token', token.slice(0, -1)),
      supertest(app).delete('/api/thing').set('cookie', `${CSRF_COOKIE}=${token}`),
    ];
    for (const attempt of attempts) {
      const res = await attempt;
      expect(res.status).toBe(403);
      expect(res.body).toEqual(refused);
    }
    expect(effects).toEqual([]);
    // The refusal of a forged cookie carries a fresh valid one, so the console can retry.
    const renewed = tokenFrom((await supertest(app).post('/api/thing').set('cookie', `${CSRF_COOKIE}=${forged}`)).headers['set-cookie']);
    expect(renewed && verifyCsrfToken(SECRET, renewed.value)).toBe(true);

    await supertest(app).post('/api/thing').set('cookie', `${CSRF_COOKIE}=${token}`).set('x-csrf-token', token).expect(201);
    await supertest(app).delete('/api/thing').set('cookie', `other=1; ${CSRF_COOKIE}=${token}`).set('X-CSRF-Token', token).expect(204);
    expect(effects).toEqual(['changed', 'deleted']);
  });

  it('S1 only listed calls are exempt, by exact method and path', async () => {
    const { app, effects } = appWith(['POST /callback']);
    await supertest(app).post('/api/callback').expect(204);
    expect((await supertest(app).post('/api/thing')).status).toBe(403);
    expect((await supertest(app).post('/api/callback/')).status).toBe(403);
    expect(effects).toEqual(['callback']);
  });
});
