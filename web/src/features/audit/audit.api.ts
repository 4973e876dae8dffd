import {
  auditPage,
  auditQuery,
  auditVerification,
  type AuditPageView,
  type AuditQuery,
  type AuditVerificationView,
} from '../../../../api/src/contracts/audit';
import type { PageRequest } from '../../../../api/src/contracts/paged';
import { getJson, postJson } from '../../api/http';

const base = '/api/audit';

/** The filter part of the audit query (the same for the list and the CSV export). */
export type AuditFilter = Pick<AuditQuery, 'from' | 'to' | 'actor' | 'action' | 'result'>;
export type AuditPaging = PageRequest;

const filterKeys = ['from', 'to', 'actor', 'action', 'result'] as const;

/** `from=…&actor=…&page=…`: empty filter fields are left out, so the server sees no filter on them. */
export function auditSearch(filter: AuditFilter, paging?: AuditPaging): string {
  const params = new URLSearchParams();
  for (const key of filterKeys) {
    const value = filter[key]?.trim();
    if (value) params.set(key, value);
  }
  if (paging) {
    params.set('page', String(paging.page));
    params.set('pageSize', String(paging.pageSize));
  }
  return params.toString();
}

/** The first reason the server would refuse this filter (checked against the contract), or null. */
export function auditFilterProblem(filter: AuditFilter): string | null {
  const parsed = auditQuery.safeParse(Object.fromEntries(new URLSearchParams(auditSearch(filter))));
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? '查询条件不正确');
}

// The console shows times in Shanghai time on every device (format.ts), so the picked times are
// Shanghai wall-clock times too. Shanghai keeps no daylight saving time: the offset is always +08:00.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

function shanghaiIso(epochMs: number): string {
  return `${new Date(epochMs + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

function wallClockMs(wall: string): number | null {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)$/.exec(wall.trim());
  if (!match) return null;
  const ms = Date.parse(`${match[1]}T${match[2]}+08:00`);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The date picker's range (`YYYY-MM-DD HH:mm:ss`, Shanghai time) → `from`/`to` with offset. The
 * server's `to` is exclusive; the picked end second is meant to be included, so `to` is one second later.
 */
export function auditTimeRange(range: readonly [string, string] | null | undefined): Pick<AuditFilter, 'from' | 'to'> {
  if (!range) return {};
  const start = wallClockMs(range[0]);
  const end = wallClockMs(range[1]);
  return {
    ...(start !== null ? { from: shanghaiIso(start) } : {}),
    ...(end !== null ? { to: shanghaiIso(end + 1000) } : {}),
  };
}

export function listAuditLog(filter: AuditFilter, paging: AuditPaging): Promise<AuditPageView> {
  return getJson(`${base}?${auditSearch(filter, paging)}`, auditPage);
}

/** The CSV is downloaded by the browser itself (a link), so the session cookie goes with it. */
export function auditExportUrl(filter: AuditFilter): string {
  const search = auditSearch(filter);
  return search ? `${base}/export.csv?${search}` : `${base}/export.csv`;
}

/** Recomputes the whole hash chain on the server (itself audited as audit.verify). */
export function verifyAuditLog(): Promise<AuditVerificationView> {
  return postJson(`${base}/verify`, undefined, auditVerification);
}
