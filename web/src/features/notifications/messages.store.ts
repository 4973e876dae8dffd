import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiRequestError } from '../../api/http';
import { getUnreadCount } from './messages.api';

/** The unread count the menu's badge shows; the message centre sets it whenever it learns a newer one. */
export const useMessagesStore = defineStore('messages', () => {
  const unread = ref(0);

  function setUnread(count: number): void {
    unread.value = count;
  }

  /** Asks the API; a failure leaves the last count (the badge is a hint, the centre is the truth). */
  async function refresh(): Promise<void> {
    try {
      setUnread((await getUnreadCount()).unread);
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
    }
  }

  return { unread, setUnread, refresh };
});
