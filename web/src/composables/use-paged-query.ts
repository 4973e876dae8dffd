import { ref, type Ref } from 'vue';
import type { PageRequest, Paged } from '../../../api/src/contracts/paged';
import { ApiRequestError } from '../api/http';

export type { PageRequest };

/** What the table needs of a page answer (`Paged` has these, and what the list adds). */
export type PageResult<Item = unknown> = Pick<Paged<Item>, 'items' | 'total'>;

export interface PagedQuery<Result extends PageResult> {
  rows: Ref<Result['items']>;
  total: Ref<number>;
  page: Ref<number>;
  pageSize: Ref<number>;
  loading: Ref<boolean>;
  /** The API's (Chinese) refusal of the latest load, or ''. */
  loadError: Ref<string>;
  /** The answer to the latest load, or undefined before the first one arrives. */
  result: Ref<Result | undefined>;
  /** Loads the current page. Paging quickly can overlap requests: only the answer to the latest one is shown. */
  load: () => Promise<void>;
  /** Goes back to page 1 and loads (a new search, sort or page size). */
  reload: () => void;
}

/**
 * The state of a server-paged table: rows, total, page and page size, loading flag and load error.
 * `fetchPage` asks the API for one page; refusals (ApiRequestError) become `loadError`, anything else is rethrown.
 */
export function usePagedQuery<Result extends PageResult>(
  fetchPage: (paging: PageRequest) => Promise<Result>,
  options: { pageSize?: number } = {},
): PagedQuery<Result> {
  const rows = ref([]) as Ref<Result['items']>;
  const total = ref(0);
  const page = ref(1);
  const pageSize = ref(options.pageSize ?? 20);
  const loading = ref(false);
  const loadError = ref('');
  const result = ref<Result>() as Ref<Result | undefined>;

  let latestLoad = 0;

  async function load(): Promise<void> {
    const current = ++latestLoad;
    loading.value = true;
    loadError.value = '';
    try {
      const answer = await fetchPage({ page: page.value, pageSize: pageSize.value });
      if (current !== latestLoad) return;
      rows.value = answer.items;
      total.value = answer.total;
      result.value = answer;
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      if (current === latestLoad) loadError.value = error.message;
    } finally {
      if (current === latestLoad) loading.value = false;
    }
  }

  function reload(): void {
    page.value = 1;
    void load();
  }

  return { rows, total, page, pageSize, loading, loadError, result, load, reload };
}
