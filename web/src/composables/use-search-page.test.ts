import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/http';
import type { PageRequest } from './use-paged-query';
import { useSearchPage, useServerSort, type FilterOrProblem } from './use-search-page';

const shown = vi.hoisted(() => ({ errors: [] as string[] }));
vi.mock('element-plus', () => ({ ElMessage: { error: (text: string) => shown.errors.push(text) } }));

interface Form {
  name: string;
}
interface Filter {
  name?: string;
}

const toFilter = (form: Form): FilterOrProblem<Filter> =>
  form.name.includes('!') ? { problem: '姓名不正确' } : { filter: form.name.trim() ? { name: form.name.trim() } : {} };

function page() {
  const calls: { filter: Filter; paging: PageRequest }[] = [];
  const search = useSearchPage({
    emptyForm: (): Form => ({ name: '' }),
    toFilter,
    fetchPage: (filter: Filter, paging: PageRequest) => {
      calls.push({ filter, paging });
      return Promise.resolve({ items: [`${filter.name ?? '全部'}-${paging.page}`], total: 41 });
    },
    options: { initial: [] as string[], load: () => Promise.resolve(['考试A']) },
  });
  return { search, calls };
}

describe('useSearchPage', () => {
  beforeEach(() => {
    shown.errors.length = 0;
  });

  it('starts with the options, then the first page of the empty search', async () => {
    const { search, calls } = page();
    await search.start();
    expect(search.options.value).toEqual(['考试A']);
    expect(calls).toEqual([{ filter: {}, paging: { page: 1, pageSize: 20 } }]);
    expect(search.rows.value).toEqual(['全部-1']);
    expect(search.total.value).toBe(41);
  });

  it('查询 applies the form from page 1; paging keeps the applied search, not what is typed since', async () => {
    const { search, calls } = page();
    await search.start();
    search.page.value = 2;
    search.form.name = ' 张三 ';
    search.search();
    expect(search.page.value).toBe(1);
    expect(search.applied.value).toEqual({ name: '张三' });
    search.form.name = '李四';
    search.page.value = 3;
    await search.load();
    expect(calls.at(-1)).toEqual({ filter: { name: '张三' }, paging: { page: 3, pageSize: 20 } });
  });

  it('a refused form is shown and not searched; 重置 empties the form and searches again', async () => {
    const { search, calls } = page();
    await search.start();
    search.form.name = '张!';
    search.search();
    expect(shown.errors).toEqual(['姓名不正确']);
    expect(calls).toHaveLength(1);
    search.form.name = '张三';
    search.search();
    search.reset();
    expect(search.form.name).toBe('');
    expect(search.applied.value).toEqual({});
    expect(calls).toHaveLength(3);
  });

  it('shows a refusal of the options and still loads the table', async () => {
    const search = useSearchPage({
      emptyForm: (): Form => ({ name: '' }),
      toFilter,
      fetchPage: () => Promise.resolve({ items: ['a'], total: 1 }),
      options: { initial: [] as string[], load: () => Promise.reject(new ApiRequestError(403, { code: 'FORBIDDEN', message: '无权查看考试' })) },
    });
    await search.start();
    expect(search.loadError.value).toBe('无权查看考试');
    expect(search.rows.value).toEqual(['a']);
  });
});

describe('useServerSort', () => {
  it('sorts by the clicked column and goes back to the default when the sort is cleared', () => {
    const changed = vi.fn();
    const { sorting, onSortChange } = useServerSort(['paidAt', 'amountFen'] as const, { sort: 'paidAt', order: 'desc' }, changed);
    onSortChange({ prop: 'amountFen', order: 'ascending' });
    expect(sorting.value).toEqual({ sort: 'amountFen', order: 'asc' });
    onSortChange({ prop: 'notAField', order: 'descending' });
    expect(sorting.value).toEqual({ sort: 'paidAt', order: 'desc' });
    onSortChange({ prop: 'amountFen', order: null });
    expect(sorting.value).toEqual({ sort: 'paidAt', order: 'desc' });
    expect(changed).toHaveBeenCalledTimes(3);
  });
});
