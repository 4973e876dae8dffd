import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../api/http';
import { useDetailDrawer } from './use-detail-drawer';

describe('useDetailDrawer', () => {
  it('opens on a row, shows nothing stale while it loads, and only the latest row opened counts', async () => {
    const pending = new Map<string, { resolve: (detail: string) => void; reject: (error: unknown) => void }>();
    const drawer = useDetailDrawer(
      (key: string) =>
        new Promise<string>((resolve, reject) => {
          pending.set(key, { resolve, reject });
        }),
    );
    const first = drawer.open('R1');
    expect(drawer.visible.value).toBe(true);
    expect(drawer.loading.value).toBe(true);
    pending.get('R1')!.resolve('详情1');
    await first;
    expect(drawer.detail.value).toBe('详情1');

    const second = drawer.open('R2');
    expect(drawer.detail.value).toBeNull();
    const third = drawer.open('R3');
    pending.get('R3')!.resolve('详情3');
    pending.get('R2')!.reject(new ApiRequestError(403, { code: 'forbidden', message: '旧的拒绝' }));
    await Promise.all([second, third]);
    expect(drawer.detail.value).toBe('详情3');
    expect(drawer.loadError.value).toBe('');
    expect(drawer.loading.value).toBe(false);
  });
});
