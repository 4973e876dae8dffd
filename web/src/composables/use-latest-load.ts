import { ref, type Ref } from 'vue';
import { ApiRequestError } from '../api/http';

/**
 * Data a view loads again and again (a drawer opened on another row, a changed filter): loads can
 * overlap, and only the latest one's answer, refusal (ApiRequestError → `loadError`) and end of
 * loading count. Anything but a refusal is rethrown.
 */
export function useLatestLoad<T>(initial: T): {
  data: Ref<T>;
  loading: Ref<boolean>;
  loadError: Ref<string>;
  /** Loads with `fetch`; `clear` shows `initial` while it runs. */
  load: (fetch: () => Promise<T>, options?: { clear?: boolean }) => Promise<void>;
} {
  const data = ref(initial) as Ref<T>;
  const loading = ref(false);
  const loadError = ref('');
  let latest = 0;
  async function load(fetch: () => Promise<T>, options: { clear?: boolean } = {}): Promise<void> {
    const current = ++latest;
    loading.value = true;
    loadError.value = '';
    if (options.clear) data.value = initial;
    try {
      const result = await fetch();
      if (current === latest) data.value = result;
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      if (current === latest) loadError.value = error.message;
    } finally {
      if (current === latest) loading.value = false;
    }
  }
  return { data, loading, loadError, load };
}
