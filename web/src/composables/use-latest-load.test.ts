import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/http';
import { useLatestLoad } from './use-latest-load';

/** A fetch whose answer the test releases by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useLatestLoad', () => {
  it('shows only the latest answer; clear shows the initial value while loading', async () => {
    const state = useLatestLoad<string | null>(null);
    state.data.value = 'old';
    const first = deferred<string>();
    const second = deferred<string>();
    const a = state.load(() => first.promise, { clear: true });
    expect(state.data.value).toBeNull();
    expect(state.loading.value).toBe(true);
    const b = state.load(() => second.promise);
    second.resolve('second');
    await b;
    first.resolve('first');
    await a;
    expect(state.data.value).toBe('second');
    expect(state.loading.value).toBe(false);
  });

  it('keeps an API refusal as loadError, ignores a stale one and rethrows anything else', async () => {
    const state = useLatestLoad<number>(0);
    const stale = deferred<number>();
    const a = state.load(() => stale.promise);
    const b = state.load(() => Promise.reject(new ApiRequestError(409, { code: 'conflict', message: '已被他人修改' })));
    await b;
    expect(state.loadError.value).toBe('已被他人修改');
    stale.reject(new ApiRequestError(500, { code: 'internal', message: '旧的错误' }));
    await a;
    expect(state.loadError.value).toBe('已被他人修改');
    await expect(state.load(() => Promise.reject(new TypeError('bug')))).rejects.toThrow('bug');
  });
});
