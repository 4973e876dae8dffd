import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/http';
import { usePagedQuery, type PageRequest } from './use-paged-query';

interface Page {
  items: string[];
  total: number;
}

/** A fetcher whose answers the test releases by hand, in any order. */
function controlledFetcher() {
  const calls: { paging: PageRequest; resolve: (page: Page) => void; reject: (error: unknown) => void }[] = [];
  const fetchPage = (paging: PageRequest) =>
    new Promise<Page>((resolve, reject) => {
      calls.push({ paging, resolve, reject });
    });
  return { calls, fetchPage };
}

describe('usePagedQuery', () => {
  it('loads the current page and shows only the answer to the latest request', async () => {
    const { calls, fetchPage } = controlledFetcher();
    const query = usePagedQuery(fetchPage, { pageSize: 50 });
    expect(query.pageSize.value).toBe(50);

    const first = query.load();
    query.page.value = 3;
    const second = query.load();
    expect(calls.map((c) => c.paging)).toEqual([
      { page: 1, pageSize: 50 },
      { page: 3, pageSize: 50 },
    ]);
    expect(query.loading.value).toBe(true);

    calls[1]!.resolve({ items: ['c'], total: 101 });
    await second;
    calls[0]!.resolve({ items: ['a'], total: 1 });
    await first;

    expect(query.rows.value).toEqual(['c']);
    expect(query.total.value).toBe(101);
    expect(query.result.value).toEqual({ items: ['c'], total: 101 });
    expect(query.loading.value).toBe(false);
  });

  it('reload goes back to page 1; an API refusal becomes loadError and keeps the rows', async () => {
    const { calls, fetchPage } = controlledFetcher();
    const query = usePagedQuery(fetchPage);
    const first = query.load();
    calls[0]!.resolve({ items: ['a', 'b'], total: 2 });
    await first;

    query.page.value = 2;
    query.reload();
    expect(calls[1]!.paging).toEqual({ page: 1, pageSize: 20 });
    calls[1]!.reject(new ApiRequestError(500, { code: 'internal', message: '服务暂不可用' }));
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(query.loadError.value).toBe('服务暂不可用');
    expect(query.rows.value).toEqual(['a', 'b']);
    expect(query.loading.value).toBe(false);
  });

  it('rethrows errors that are not API refusals', async () => {
    const query = usePagedQuery(() => Promise.reject(new TypeError('bug')));
    await expect(query.load()).rejects.toThrow('bug');
  });
});
