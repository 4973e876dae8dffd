import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/http';
import { useFormDialog } from './use-form-dialog';

describe('useFormDialog', () => {
  it('opens afresh on a target, is busy while sending and closes when the API accepts', async () => {
    const dialog = useFormDialog<{ id: number }>();
    dialog.formError.value = '上次的错误';
    dialog.show({ id: 7 });
    expect(dialog.visible.value).toBe(true);
    expect(dialog.target.value).toEqual({ id: 7 });
    expect(dialog.formError.value).toBe('');

    const accepted: string[] = [];
    let busyWhileSending = false;
    await dialog.send(
      () => {
        busyWhileSending = dialog.submitting.value;
        return Promise.resolve('已保存');
      },
      (answer) => accepted.push(answer),
      () => accepted.push('refused'),
    );
    expect(busyWhileSending).toBe(true);
    expect(accepted).toEqual(['已保存']);
    expect(dialog.visible.value).toBe(false);
    expect(dialog.submitting.value).toBe(false);
  });

  it('stays open on a refusal and hands it over; anything else is rethrown', async () => {
    const dialog = useFormDialog<string>();
    dialog.show('R1');
    await dialog.send(
      () => Promise.reject(new ApiRequestError(400, { code: 'validation', message: '原因至少5个字' })),
      () => undefined,
      (error) => {
        dialog.formError.value = error.message;
      },
    );
    expect(dialog.visible.value).toBe(true);
    expect(dialog.formError.value).toBe('原因至少5个字');
    expect(dialog.submitting.value).toBe(false);
    await expect(dialog.send(() => Promise.reject(new Error('bug')), () => undefined, () => undefined)).rejects.toThrow('bug');
    expect(dialog.submitting.value).toBe(false);
  });
});
