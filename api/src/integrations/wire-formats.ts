import crypto from 'node:crypto';

/**
 * Formats the city's platforms share on the wire: Beijing-time stamps (`yyyyMMddHHmmss`,
 * `yyyy-MM-dd`, `yyyy-MM-dd HH:mm:ss`), yuan amounts from fen, SM3 digests and header lookup that
 * works for Express requests and fetch answers alike.
 */

const BEIJING_OFFSET_MS = 8 * 3_600_000;

const beijingIso = (date: Date): string => new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString();

/** `yyyyMMddHHmmss` in Beijing time. */
export function formatCompactTime(date: Date): string {
  return beijingIso(date).slice(0, 19).replace(/[-T:]/g, '');
}

/** A `yyyyMMddHHmmss` Beijing time, or null when it is not a real time in that form. */
export function parseCompactTime(text: unknown): Date | null {
  const m = typeof text === 'string' ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text) : null;
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - BEIJING_OFFSET_MS);
  return formatCompactTime(date) === text ? date : null;
}

/** The Beijing calendar date of an instant, `yyyy-MM-dd`. */
export function beijingDate(date: Date): string {
  return beijingIso(date).slice(0, 10);
}

/** Whether `yyyy-MM-dd` names a real calendar date. */
export function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time. */
export function formatBeijingTime(date: Date): string {
  return beijingIso(date).slice(0, 19).replace('T', ' ');
}

/** A `yyyy-MM-dd HH:mm:ss` Beijing time, or null. */
export function parseBeijingTime(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return null;
  const date = new Date(Date.parse(`${text.replace(' ', 'T')}Z`) - BEIJING_OFFSET_MS);
  return Number.isNaN(date.getTime()) || formatBeijingTime(date) !== text ? null : date;
}

/** `12345` fen → `123.45` (yuan, as pages and PDFs show amounts). */
export function formatYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

export function sm3Hex(data: string | Buffer): string {
  return crypto.createHash('sm3').update(data).digest('hex');
}

/** Headers as Node's `IncomingHttpHeaders` (Express) or fetch's `Headers` carry them. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  // Node lower-cases incoming header names; a hand-built record may not have.
  const value = headers[name] ?? headers[Object.keys(headers).find((k) => k.toLowerCase() === name) ?? ''];
  return typeof value === 'string' ? value : undefined;
}
