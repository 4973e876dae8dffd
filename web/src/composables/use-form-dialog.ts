import { ref, type Ref } from 'vue';
import { ApiRequestError } from '../api/http';

/**
 * The state of a dialog that edits one thing (with FormDialog): `show(target)` opens it afresh,
 * `send` submits — busy meanwhile, closed when the API accepts, the API's refusal handed to `refused`
 * (field errors, or the whole-form message). Anything but a refusal is rethrown.
 */
export function useFormDialog<Target>(): {
  visible: Ref<boolean>;
  submitting: Ref<boolean>;
  /** The whole-form refusal shown above the form, or ''. */
  formError: Ref<string>;
  target: Ref<Target | null>;
  show: (target: Target) => void;
  send: <Answer>(call: () => Promise<Answer>, accepted: (answer: Answer) => void, refused: (error: ApiRequestError) => void) => Promise<void>;
} {
  const visible = ref(false);
  const submitting = ref(false);
  const formError = ref('');
  const target = ref(null) as Ref<Target | null>;

  function show(next: Target): void {
    target.value = next;
    formError.value = '';
    visible.value = true;
  }

  async function send<Answer>(call: () => Promise<Answer>, accepted: (answer: Answer) => void, refused: (error: ApiRequestError) => void): Promise<void> {
    formError.value = '';
    submitting.value = true;
    try {
      const answer = await call();
      visible.value = false;
      accepted(answer);
    } catch (error) {
      if (!(error instanceof ApiRequestError)) throw error;
      refused(error);
    } finally {
      submitting.value = false;
    }
  }

  return { visible, submitting, formError, target, show, send };
}
