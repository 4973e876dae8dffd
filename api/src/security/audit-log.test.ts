import { describe, expect, it } from 'vitest';
import { AUDIT_CSV_HEADER, auditCsvCells, auditEntrySchema, auditPageFilterSchema, csvLine, formatShanghaiTime, sanitizeDetail } from './audit-log';
import { ZERO_HASH } from './audit-chain';

describe('audit log (pure parts)', () => {
  it('S1 masks ID and mobile numbers anywhere in the detail, keeping other numbers', () => {
    const detail = sanitizeDetail({
      note: '考生 31010119900101123x 手机 13812345678 提交',
      nested: { list: ['310101199001011237', { phone: '13912345678' }] },
      registrationNo: 'KS2026000123',
      orderNo: '2026112800000000000123',
      amount: 120,
    });
    expect(detail).toEqual({
      note: '考生 310***********123X 手机 138****5678 提交',
      nested: { list: ['310***********1237', { phone: '139****5678' }] },
      registrationNo: 'KS2026000123',
      orderNo: '2026112800000000000123',
      amount: 120,
    });
  });

  it('S1 stores the detail as JSON will hold it (dates as text, undefined dropped)', () => {
    expect(sanitizeDetail({ at: new Date('2026-11-28T00:00:00Z'), gone: undefined, n: 1 })).toEqual({ at: '2026-11-28T00:00:00.000Z', n: 1 });
  });

  it('S1 validates entries: dotted action, known result, bounded fields', () => {
    expect(auditEntrySchema.safeParse({ actor: 'system', action: 'auth.login', result: 'success' }).success).toBe(true);
    expect(auditEntrySchema.safeParse({ actor: 'system', action: 'login', result: 'success' }).success).toBe(false);
    expect(auditEntrySchema.safeParse({ actor: '', action: 'auth.login', result: 'success' }).success).toBe(false);
    expect(auditEntrySchema.safeParse({ actor: 'a', action: 'auth.login', result: 'ok' }).success).toBe(false);
    expect(auditPageFilterSchema.parse({ page: '2', from: '2026-11-01' })).toMatchObject({ page: 2, pageSize: 50, from: new Date('2026-11-01') });
    expect(auditPageFilterSchema.safeParse({ pageSize: 10_000 }).success).toBe(false);
  });

  it('S1 writes CSV lines Excel reads: quoted where needed, CRLF, formulas neutralised', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines'])).toBe('a,"b,c","say ""hi""","two\nlines"\r\n');
    expect(csvLine(['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', 'ok'])).toBe(`"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),ok\r\n`);
    expect(AUDIT_CSV_HEADER[0]).toBe('序号');
  });

  it('S1 shows times in China Standard Time and results in Chinese', () => {
    expect(formatShanghaiTime(new Date('2026-11-28T16:30:05.123Z'))).toBe('2026-11-29 00:30:05');
    const cells = auditCsvCells({
      id: 7,
      at: new Date('2026-11-28T01:00:00Z'),
      actor: 'reviewer01',
      action: 'registration.review',
      objectType: 'registration',
      objectId: 'KS2026000123',
      ip: null,
      result: 'denied',
      detail: { decision: 'approve' },
      macVersion: 1,
      prevHash: ZERO_HASH,
      hash: 'a'.repeat(64),
    });
    expect(cells).toEqual(['7', '2026-11-28 09:00:00', 'reviewer01', 'registration.review', 'registration', 'KS2026000123', '', '拒绝', '{"decision":"approve"}', 'a'.repeat(64)]);
  });
});
