import { afterAll, describe, expect, it } from 'vitest';
import { createTestContext, newCandidate } from '../../../tests/support/test-env';
import { MAX_JSON_DEPTH } from './json-body';

const ctx = createTestContext();
afterAll(() => ctx.close());

const tooDeep = { code: 'BAD_REQUEST', message: `提交的数据嵌套层级过深（最多${MAX_JSON_DEPTH}层）` };
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('request bodies nested deeply (issue 12)', () => {
  it('S1 a body nested 5,000 to 10,000 levels is refused with 400 in Chinese on a real route and on an unknown route, not 500', async () => {
    const { agent } = await newCandidate(ctx, 'deep-body');
    for (const levels of [5_000, 10_000]) {
      for (const path of ['/api/registrations/check', '/api/no-such-route']) {
        const res = await agent.post(path).set('content-type', 'application/json').send(nested(levels));
        expect(res.status, `${path} ${levels}`).toBe(400);
        expect(res.body).toEqual(tooDeep);
      }
    }
    const objects = await agent.post('/api/registrations/check').set('content-type', 'application/json').send(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`);
    expect(objects.status).toBe(400);
    expect(objects.body).toEqual(tooDeep);
  });

  it('S1 a 60 KB body is answered quickly: refused when nested deeply, validated as usual when flat', async () => {
    const { agent } = await newCandidate(ctx, 'big-body');
    const started = Date.now();
    const deep = await agent.post('/api/registrations/check').set('content-type', 'application/json').send(nested(30_000));
    expect(deep.status).toBe(400);
    expect(deep.body).toEqual(tooDeep);
    const flat = await agent.post('/api/registrations/check').send({ padding: 'x'.repeat(60_000) });
    expect(flat.status).toBe(400);
    expect(flat.body.code).toBe('VALIDATION');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
