import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { paged, pageQuery } from './paged';

describe('paged', () => {
  const row = z.object({ id: z.number() });

  it('is the list answer every paged route gives: items, total, page and pageSize', () => {
    const page = { items: [{ id: 1 }], total: 41, page: 3, pageSize: 20 };
    expect(paged(row).parse(page)).toEqual(page);
    expect(Object.keys(paged(row).shape)).toEqual(['items', 'total', 'page', 'pageSize']);
    expect(paged(row).safeParse({ ...page, total: 1.5 }).success).toBe(false);
    expect(paged(row).safeParse({ ...page, items: [{ id: 'x' }] }).success).toBe(false);
  });

  it('takes what a list adds beside the page', () => {
    const withSum = paged(row).extend({ totalAmountFen: z.number().int() });
    expect(withSum.parse({ items: [], total: 0, page: 1, pageSize: 20, totalAmountFen: 0 })).toMatchObject({ totalAmountFen: 0 });
    expect(withSum.safeParse({ items: [], total: 0, page: 1, pageSize: 20 }).success).toBe(false);
  });

  it('reads page and page size from a query string, with defaults and Chinese refusals', () => {
    const query = z.object(pageQuery);
    expect(query.parse({})).toEqual({ page: 1, pageSize: 20 });
    expect(query.parse({ page: '2', pageSize: '100' })).toEqual({ page: 2, pageSize: 100 });
    expect(query.safeParse({ pageSize: '101' }).error?.issues[0]?.message).toBe('每页最多100条');
    expect(query.safeParse({ page: '0' }).error?.issues[0]?.message).toBe('页码不正确');
  });
});
