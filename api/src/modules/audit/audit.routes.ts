import { auditPage, auditQuery, auditVerification, type AuditEntryView, type AuditQuery } from '../../contracts/audit';
import type { ApiRoutes } from '../../http/route';
import type { AuditFilter, AuditLog, AuditRecord } from '../../security/audit-log';

const toView = (r: AuditRecord): AuditEntryView => ({
  id: r.id,
  at: r.at.toISOString(),
  actor: r.actor,
  action: r.action,
  objectType: r.objectType,
  objectId: r.objectId,
  ip: r.ip,
  result: r.result,
  detail: r.detail,
  hash: r.hash,
});

const toFilter = (q: AuditQuery): AuditFilter => ({
  ...(q.from ? { from: new Date(q.from) } : {}),
  ...(q.to ? { to: new Date(q.to) } : {}),
  ...(q.actor ? { actor: q.actor } : {}),
  ...(q.action ? { action: q.action } : {}),
  ...(q.result ? { result: q.result } : {}),
});

/** 安全审计: administrators browse, export and verify the audit log; each of these is itself audited. */
export function auditRoutes(api: ApiRoutes, audit: AuditLog): void {
  api.define(
    { method: 'get', path: '/audit', summary: '查询安全审计日志', tag: 'audit', access: { permission: 'audit:read' }, query: auditQuery, response: auditPage },
    async ({ query }) => {
      const page = await audit.list({ ...toFilter(query), page: query.page, pageSize: query.pageSize });
      return { ...page, items: page.items.map(toView) };
    },
  );
  api.define(
    {
      method: 'get',
      path: '/audit/export.csv',
      summary: '导出安全审计日志（CSV，Excel 可打开）',
      tag: 'audit',
      access: { permission: 'audit:read' },
      query: auditQuery,
      response: { contentType: 'text/csv' },
      audit: { action: 'audit.export' },
    },
    async ({ query, res }) => {
      res.status(200).type('text/csv; charset=utf-8').set('content-disposition', `attachment; filename="audit-log.csv"; filename*=UTF-8''${encodeURIComponent('安全审计日志.csv')}`);
      for await (const line of audit.exportCsv(toFilter(query))) res.write(line);
      res.end();
    },
  );
  api.define(
    {
      method: 'post',
      path: '/audit/verify',
      summary: '校验审计日志哈希链的完整性',
      tag: 'audit',
      access: { permission: 'audit:read' },
      response: auditVerification,
      audit: { action: 'audit.verify' },
    },
    () => audit.verify(),
  );
}
