// Times are shown in Shanghai time whatever the device's zone is (staff laptops, phones abroad).
const dateTimeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const dateFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function parts(format: Intl.DateTimeFormat, iso: string): Record<string, string> | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
}

/** `2025-03-01T02:05:00Z` → `2025-03-01 10:05`; an unparsable value is shown as it came. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = parts(dateTimeFormat, iso);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : iso;
}

/** `2025-03-01T02:05:00Z` → `2025-03-01`. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = parts(dateFormat, iso);
  return p ? `${p.year}-${p.month}-${p.day}` : iso;
}

/**
 * A time picked as Shanghai wall-clock time (`2026-10-24 09:00`, what the console's pickers give,
 * whatever the device's zone) → `2026-10-24T09:00:00+08:00`; null when it cannot be read.
 * Shanghai keeps no daylight saving time, so the offset is always +08:00.
 */
export function shanghaiIsoFromWallClock(wall: string | null | undefined): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::(\d{2}))?$/.exec(wall?.trim() ?? '');
  if (!match) return null;
  const iso = `${match[1]}T${match[2]}:${match[3] ?? '00'}+08:00`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

/** Money kept in fen (分) shown in yuan: 7000 → `70.00元`. */
export function formatFen(fen: number): string {
  return `${(fen / 100).toFixed(2)}元`;
}
