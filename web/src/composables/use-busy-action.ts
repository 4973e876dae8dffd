import { ElMessage } from 'element-plus';
import { ref, type Ref } from 'vue';
import { ApiRequestError } from '../api/http';

/**
 * A page's busy flag and the way its buttons run an API action: busy while it runs, a refusal
 * (ApiRequestError) shown as a message naming the first field at fault, anything else rethrown.
 */
export function useBusyAction(): { busy: Ref<boolean>; guarded: (action: () => Promise<void>) => Promise<void> } {
  const busy = ref(false);
  async function guarded(action: () => Promise<void>): Promise<void> {
    busy.value = true;
    try {
      await action();
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      ElMessage.error(error.fields[0]?.message ?? error.message);
    } finally {
      busy.value = false;
    }
  }
  return { busy, guarded };
}
