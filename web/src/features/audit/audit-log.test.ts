import { describe, expect, it } from 'vitest';
import { auditExportUrl, auditFilterProblem, auditSearch, auditTimeRange } from './audit.api';
import { auditActionLabel, auditProblemKindLabel, auditResultTagTypes, auditVerificationText } from './labels';

describe('auditTimeRange', () => {
  it('reads the picked times as Shanghai time and keeps the picked end second', () => {
    expect(auditTimeRange(['2026-03-01 00:00:00', '2026-03-31 23:59:59'])).toEqual({
      from: '2026-03-01T00:00:00+08:00',
      to: '2026-04-01T00:00:00+08:00',
    });
  });

  it('gives nothing for no range and drops what it cannot read', () => {
    expect(auditTimeRange(null)).toEqual({});
    expect(auditTimeRange(['garbage', '2026-03-01 10:00:00'])).toEqual({ to: '2026-03-01T10:00:01+08:00' });
  });
});

describe('auditSearch / auditExportUrl', () => {
  it('leaves out empty fields and encodes the rest', () => {
    const filter = { from: '2026-03-01T00:00:00+08:00', actor: ' ', action: 'auth.*', result: 'denied' as const };
    expect(auditSearch(filter, { page: 2, pageSize: 50 })).toBe(
      'from=2026-03-01T00%3A00%3A00%2B08%3A00&action=auth.*&result=denied&page=2&pageSize=50',
    );
    expect(auditExportUrl(filter)).toBe('/api/audit/export.csv?from=2026-03-01T00%3A00%3A00%2B08%3A00&action=auth.*&result=denied');
    expect(auditExportUrl({})).toBe('/api/audit/export.csv');
  });
});

describe('auditFilterProblem', () => {
  it('accepts what the contract accepts', () => {
    expect(auditFilterProblem({})).toBeNull();
    expect(auditFilterProblem({ ...auditTimeRange(['2026-03-01 00:00:00', '2026-03-02 00:00:00']), action: 'auth.*' })).toBeNull();
  });

  it('gives the contract message for what the server would refuse', () => {
    expect(auditFilterProblem({ action: 'Auth Login' })).toBe('操作类型格式不正确');
    expect(auditFilterProblem({ actor: 'x'.repeat(65) })).toBe('操作人不能超过64个字符');
  });
});

describe('audit labels', () => {
  it('names known actions and shows unknown codes as they are', () => {
    expect(auditActionLabel('auth.login')).toBe('登录');
    expect(auditActionLabel('integrity.access-control')).toBe('访问控制数据完整性异常');
    expect(auditActionLabel('registration.review')).toBe('registration.review');
    expect(auditActionLabel('constructor')).toBe('constructor');
  });

  it('colours results and names chain problems', () => {
    expect(auditResultTagTypes).toEqual({ success: 'success', failure: 'warning', denied: 'danger' });
    expect(auditProblemKindLabel('deleted-before')).toBe('前序记录被删除');
    expect(auditProblemKindLabel('something-new')).toBe('something-new');
  });
});

describe('auditVerificationText', () => {
  const hash = 'ab'.repeat(32);

  it('reports an intact chain with the head to record', () => {
    const text = auditVerificationText({ ok: true, checked: 42, head: { id: 42, hash }, problems: [] });
    expect(text.summary).toBe(`审计日志哈希链完整，共校验 42 条；最新记录 #42 哈希 ${hash}（请另行记录以便日后比对）`);
    expect(text.problems).toEqual([]);
  });

  it('reports an empty log', () => {
    expect(auditVerificationText({ ok: true, checked: 0, head: null, problems: [] }).summary).toBe('审计日志哈希链完整，共校验 0 条；暂无审计记录');
  });

  it('lists each problem with its kind in Chinese', () => {
    const text = auditVerificationText({
      ok: false,
      checked: 10,
      head: { id: 10, hash },
      problems: [
        { id: 3, kind: 'edited', detail: 'hash does not match the content (edited, or forged)' },
        { id: 7, kind: 'broken-link', detail: '' },
      ],
    });
    expect(text.summary).toBe('审计日志哈希链不完整：共校验 10 条，发现 2 处问题');
    expect(text.problems).toEqual(['#3 被篡改：hash does not match the content (edited, or forged)', '#7 链接断裂']);
  });
});
