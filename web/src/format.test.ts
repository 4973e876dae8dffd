import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from './format';

describe('formatDateTime', () => {
  it('shows Shanghai time', () => {
    expect(formatDateTime('2025-03-01T02:05:00Z')).toBe('2025-03-01 10:05');
    expect(formatDateTime('2025-03-01T16:30:00Z')).toBe('2025-03-02 00:30');
  });

  it('keeps what it cannot parse and blanks nothing', () => {
    expect(formatDateTime('not a date')).toBe('not a date');
    expect(formatDateTime(null)).toBe('');
  });
});

describe('formatDate', () => {
  it('shows the Shanghai calendar day', () => {
    expect(formatDate('2025-03-01T16:30:00Z')).toBe('2025-03-02');
  });
});
