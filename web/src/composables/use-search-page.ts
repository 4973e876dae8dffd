import { ElMessage } from 'element-plus';
import { getCurrentInstance, onMounted, reactive, ref, type Reactive, type Ref } from 'vue';
import { ApiRequestError } from '../api/http';
import { usePagedQuery, type PageRequest, type PageResult, type PagedQuery } from './use-paged-query';

/** What a search form asks for, or why it cannot be asked (in the server's words where the contract has them). */
export type FilterOrProblem<Filter> = { filter: Filter } | { problem: string };

export interface SearchPageOptions<Form extends object, Filter, Result extends PageResult<unknown>, Options> {
  /** The form as the page opens and as 重置 leaves it. */
  emptyForm: () => Form;
  /** Reads a filled-in form; a problem is shown as a message and nothing is searched. */
  toFilter: (form: Form) => FilterOrProblem<Filter>;
  /** One page of rows for the applied filter. */
  fetchPage: (filter: Filter, paging: PageRequest) => Promise<Result>;
  /** The choices the form offers (exams, majors…), loaded once when the page opens. */
  options?: { initial: Options; load: () => Promise<Options> };
  pageSize?: number;
}

export interface SearchPage<Form extends object, Filter, Result extends PageResult<unknown>, Options> extends PagedQuery<Result> {
  form: Reactive<Form>;
  /** What the table shows: 查询 copies the form here; paging, sorting and exports use it. */
  applied: Ref<Filter>;
  options: Ref<Options>;
  /** 查询: applies the form and goes back to page 1. */
  search: () => void;
  /** 重置: empties the form and searches again. */
  reset: () => void;
  /** Loads the options, then the first page (done on mount). */
  start: () => Promise<void>;
}

/**
 * An admin list page: a search form, the options it offers and a server-paged table of the applied
 * search. Started on mount when used in a component.
 */
export function useSearchPage<Form extends object, Filter, Result extends PageResult<unknown>, Options = undefined>(
  config: SearchPageOptions<Form, Filter, Result, Options>,
): SearchPage<Form, Filter, Result, Options> {
  const initial = config.toFilter(config.emptyForm());
  if ('problem' in initial) throw new Error(`the empty search form is refused: ${initial.problem}`);
  const form = reactive(config.emptyForm());
  const applied = ref(initial.filter) as Ref<Filter>;
  const options = ref(config.options?.initial) as Ref<Options>;
  const query = usePagedQuery((paging) => config.fetchPage(applied.value, paging), config.pageSize ? { pageSize: config.pageSize } : {});

  function search(): void {
    // A search form holds plain values (no refs), so its reactive proxy reads as the form itself.
    const result = config.toFilter(form as Form);
    if ('problem' in result) {
      ElMessage.error(result.problem);
      return;
    }
    applied.value = result.filter;
    query.reload();
  }

  function reset(): void {
    Object.assign(form, config.emptyForm());
    search();
  }

  async function start(): Promise<void> {
    let optionsError = '';
    if (config.options) {
      try {
        options.value = await config.options.load();
      } catch (error) {
        if (!(error instanceof ApiRequestError)) throw error;
        optionsError = error.message;
      }
    }
    await query.load();
    // The table's own refusal, if any, says more; otherwise the form's choices are missing and the page says why.
    if (optionsError && !query.loadError.value) query.loadError.value = optionsError;
  }

  if (getCurrentInstance()) onMounted(start);

  return { ...query, form, applied, options, search, reset, start };
}

export type SortOrder = 'asc' | 'desc';

/** How el-table reports a click on a sortable="custom" column. */
export interface TableSortChange {
  prop: unknown;
  order: 'ascending' | 'descending' | null;
}

/**
 * Server-side sorting of a table: the column's prop is the sort field; clearing the sort goes back
 * to the default. `changed` runs after every change (usually: reload from page 1).
 */
export function useServerSort<Field extends string>(
  fields: readonly Field[],
  byDefault: { sort: Field; order: SortOrder },
  changed: () => void,
): { sorting: Ref<{ sort: Field; order: SortOrder }>; onSortChange: (change: TableSortChange) => void } {
  const sorting = ref({ ...byDefault }) as Ref<{ sort: Field; order: SortOrder }>;
  const isField = (prop: unknown): prop is Field => (fields as readonly unknown[]).includes(prop);
  function onSortChange({ prop, order }: TableSortChange): void {
    sorting.value = order && isField(prop) ? { sort: prop, order: order === 'ascending' ? 'asc' : 'desc' } : { ...byDefault };
    changed();
  }
  return { sorting, onSortChange };
}
