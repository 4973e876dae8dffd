import express from 'express';
import pino from 'pino';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { rejectControlCharacters } from './control-characters';
import { apiNotFound, errorMiddleware } from './error-middleware';
import { MAX_JSON_DEPTH, jsonBody, nestsDeeperThan } from './json-body';

const app = express();
app.use(jsonBody(), rejectControlCharacters);
app.post('/echo', (req, res) => void res.json({ body: req.body ?? null }));
app.use(apiNotFound);
app.use(errorMiddleware(pino({ level: 'silent' })));

const nested = (levels: number, leaf = '1') => '['.repeat(levels) + leaf + ']'.repeat(levels);
const tooDeep = { code: 'BAD_REQUEST', message: `提交的数据嵌套层级过深（最多${MAX_JSON_DEPTH}层）` };
const post = (path: string, text: string) => supertest(app).post(path).set('content-type', 'application/json').send(text);

describe('nesting depth of JSON bodies', () => {
  it('counts the arrays and objects open inside one another, not brackets in strings', () => {
    expect(nestsDeeperThan(Buffer.from(nested(32)), 32)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(nested(33)), 32)).toBe(true);
    expect(nestsDeeperThan(Buffer.from('{"a":[{"b":{}}],"c":[[]]}'), 4)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('{"a":[{"b":{"c":[]}}]}'), 4)).toBe(true);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ text: '[[[[[[{{{{ \\" [[[' })), 1)).toBe(false);
    expect(nestsDeeperThan('[["[[[[\\"[[[["]]', 2)).toBe(false);
  });

  it('refuses a body nested 10,000 levels deep with 400 and a Chinese message, on a route and on an unknown route', async () => {
    for (const path of ['/echo', '/nowhere']) {
      const res = await post(path, nested(10_000));
      expect(res.status, path).toBe(400);
      expect(res.body).toEqual(tooDeep);
    }
    const objects = await post('/echo', '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000));
    expect(objects.status).toBe(400);
    expect(objects.body).toEqual(tooDeep);
  });

  it('lets a body nested to the limit through to the route', async () => {
    const res = await post('/echo', nested(MAX_JSON_DEPTH, '"ok"'));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body.body)).toBe(nested(MAX_JSON_DEPTH, '"ok"'));
    expect((await post('/nowhere', '{"a":1}')).status).toBe(404);
  });

  it('answers a 60 KB body quickly, deeply nested or flat', async () => {
    const started = Date.now();
    const deep = await post('/echo', nested(30_000));
    expect(deep.status).toBe(400);
    const flat = { rows: Array.from({ length: 1_500 }, (_, i) => ({ id: i, name: `第${i}行` })) };
    expect(JSON.stringify(flat).length).toBeGreaterThan(30_000);
    const res = await post('/echo', JSON.stringify(flat));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('still refuses a body over the size limit with 413', async () => {
    const res = await post('/echo', JSON.stringify({ text: 'x'.repeat(110_000) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ code: 'BAD_REQUEST', message: '提交的数据过大' });
  });

  it('counts brackets in UTF-16 bodies as well', async () => {
    const utf16 = (text: string) =>
      supertest(app)
        .post('/echo')
        .set('content-type', 'application/json; charset=utf-16le')
        .serialize((body: string) => body)
        .send(Buffer.from(text, 'utf16le') as unknown as string);
    expect((await utf16('{"汉字":[1]}')).body).toEqual({ body: { 汉字: [1] } });
    const res = await utf16(nested(100));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(tooDeep);
  });
});
