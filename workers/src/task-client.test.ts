import { describe, expect, it } from 'vitest';
import { retryTimeout } from './task-client';

describe('retry back-off', () => {
  it('grows with each failure and repeats its last step', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => retryTimeout(n))).toEqual([5_000, 30_000, 120_000, 600_000, 600_000, 600_000]);
    expect([1, 2, 3].map((n) => retryTimeout(n, [100, 200]))).toEqual([100, 200, 200]);
  });
});
