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
