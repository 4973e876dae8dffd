import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatFen, shanghaiIsoFromWallClock } from './format';

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

describe('shanghaiIsoFromWallClock', () => {
  it('reads the picked time as Shanghai time, with or without seconds', () => {
    expect(shanghaiIsoFromWallClock('2026-10-24 09:00')).toBe('2026-10-24T09:00:00+08:00');
    expect(shanghaiIsoFromWallClock('2026-10-24T16:30:15')).toBe('2026-10-24T16:30:15+08:00');
    // The round trip through formatDateTime gives the picked value back.
    expect(formatDateTime(shanghaiIsoFromWallClock('2026-12-31 23:30'))).toBe('2026-12-31 23:30');
  });

  it('gives null for what it cannot read', () => {
    expect(shanghaiIsoFromWallClock('')).toBeNull();
    expect(shanghaiIsoFromWallClock(null)).toBeNull();
    expect(shanghaiIsoFromWallClock('2026-13-45 09:00')).toBeNull();
    expect(shanghaiIsoFromWallClock('tomorrow 9am')).toBeNull();
  });
});

describe('formatFen', () => {
  it('shows fen as yuan with two decimals', () => {
    expect(formatFen(7000)).toBe('70.00元');
    expect(formatFen(6550)).toBe('65.50元');
    expect(formatFen(0)).toBe('0.00元');
  });
});
