import express from 'express';
import pino from 'pino';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { rejectControlCharacters } from './control-characters';
import { errorMiddleware } from './error-middleware';

const app = express();
app.use(express.json(), rejectControlCharacters);
app.all('/echo', (req, res) => void res.json({ body: req.body ?? null, query: req.query }));
app.use(errorMiddleware(pino({ level: 'silent' })));

const message = '内容包含不允许的控制字符或无效字符，请删除后重试';

describe('control characters in input (S1)', () => {
  it('S1 refuses NUL and other control characters in the body, naming the field as the validator does', async () => {
    const res = await supertest(app).post('/echo').send({ employer: "admin\u0000' OR '1'='1", items: [{ name: 'ok' }, { name: 'bell\u0007' }] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'VALIDATION', message, fields: [{ field: 'employer', message }, { field: 'items.1.name', message }] });
  });

  it('S1 refuses them in query strings and keys, and lone surrogates', async () => {
    expect((await supertest(app).get('/echo?tab=%00')).body.fields).toEqual([{ field: 'tab', message }]);
    expect((await supertest(app).post('/echo').send({ 'a\u0000': 1 })).status).toBe(400);
    expect((await supertest(app).post('/echo').set('content-type', 'application/json').send('{"comment":"\\ud800x"}')).body.fields).toEqual([{ field: 'comment', message }]);
  });

  it('S1 lets ordinary text through: Chinese, emoji, tabs and line breaks, markup characters', async () => {
    const body = { comment: '审核意见：\n\t材料齐全 ✅ 😀 <b>"引号"</b> & \'单引号\'\r\n' };
    const res = await supertest(app).post('/echo?q=%E4%B8%AD%E6%96%87').send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body, query: { q: '中文' } });
  });

  it('S1 stops walking at the nesting limit and refuses what lies deeper instead of overflowing the stack', async () => {
    let deep: unknown = 'bell\u0007';
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const walked = express();
    walked.use((req, _res, next) => {
      req.body = deep;
      next();
    }, rejectControlCharacters);
    walked.post('/echo', (_req, res) => void res.json({}));
    walked.use(errorMiddleware(pino({ level: 'silent' })));
    const res = await supertest(walked).post('/echo');
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([{ field: Array(33).fill('a').join('.'), message: '提交的数据嵌套层级过深（最多32层）' }]);
  });
});
