import { ref, type Ref } from 'vue';
import { useLatestLoad } from './use-latest-load';

/**
 * The state of a list page's detail drawer: `open(key)` shows the drawer and loads that row's details.
 * Opening another row while one still loads shows only the latest row's answer (or refusal).
 */
export function useDetailDrawer<Key, Detail>(
  fetchDetail: (key: Key) => Promise<Detail>,
): {
  visible: Ref<boolean>;
  detail: Ref<Detail | null>;
  loading: Ref<boolean>;
  loadError: Ref<string>;
  open: (key: Key) => Promise<void>;
} {
  const visible = ref(false);
  const { data: detail, loading, loadError, load } = useLatestLoad<Detail | null>(null);
  async function open(key: Key): Promise<void> {
    visible.value = true;
    await load(() => fetchDetail(key), { clear: true });
  }
  return { visible, detail, loading, loadError, open };
}
