import { afterAll, describe, expect, it } from 'vitest';
import { canonicalRecord, RecordSeal, tamperedInBatch, type SealFields, type SealedTableSpec } from './record-integrity';
import { TamperedRecordError } from './security.errors';
import { tempKeyring } from './test-support';

const { keyring, cleanup } = tempKeyring();
afterAll(cleanup);
const seal = new RecordSeal(keyring);

const registration: SealFields = {
  registration_no: 'KS2026000123',
  id_number: 'sm4:v1:AAAAAAAAAAAAAAAAAAAAAA==:BBBB',
  status: 'approved',
  safety_work_years: '3.0',
  education_major_related: true,
  precheck_message: null,
  reviewed_at: new Date('2026-11-28T01:02:03.456Z'),
};

describe('RecordSeal', () => {
  it('S2 seals a row as mac:v<ver>:<hex> and verifies it', () => {
    const mac = seal.seal('registrations', registration);
    expect(mac).toMatch(/^mac:v1:[0-9a-f]{64}$/);
    expect(seal.verify('registrations', registration, mac)).toBe(true);
  });

  it('S2 canonical form does not depend on key order, and Dates are ISO', () => {
    const reversed = Object.fromEntries(Object.entries(registration).reverse()) as SealFields;
    expect(canonicalRecord('registrations', reversed)).toBe(canonicalRecord('registrations', registration));
    expect(canonicalRecord('t', { at: new Date('2026-11-28T01:02:03.456Z') })).toBe(canonicalRecord('t', { at: '2026-11-28T01:02:03.456Z' }));
    expect(canonicalRecord('t', { n: -0 })).toBe(canonicalRecord('t', { n: 0 }));
    expect(canonicalRecord('t', { '10': 'a', '2': 'b', b: 'c' })).toBe('["record-seal/1","t",[["10","a"],["2","b"],["b","c"]]]');
  });

  it('S2 a changed, added or removed field breaks the seal', () => {
    const mac = seal.seal('registrations', registration);
    expect(seal.verify('registrations', { ...registration, status: 'rejected' }, mac)).toBe(false);
    expect(seal.verify('registrations', { ...registration, reviewed_at: new Date('2026-11-28T01:02:03.457Z') }, mac)).toBe(false);
    expect(seal.verify('registrations', { ...registration, precheck_message: '' }, mac)).toBe(false);
    expect(seal.verify('registrations', { ...registration, education_major_related: 'true' }, mac)).toBe(false);
    expect(seal.verify('registrations', { ...registration, extra: 1 }, mac)).toBe(false);
    const { status: _status, ...withoutStatus } = registration;
    expect(seal.verify('registrations', withoutStatus, mac)).toBe(false);
  });

  it('S2 a row checked before is checked again in full once any field or its MAC changes', () => {
    const s = new RecordSeal(keyring);
    const mac = s.seal('registrations', registration);
    expect(s.verify('registrations', registration, mac)).toBe(true);
    expect(s.verify('registrations', registration, mac)).toBe(true);
    expect(s.verify('registrations', { ...registration, status: 'rejected' }, mac)).toBe(false);
    expect(s.verify('user_roles', registration, mac)).toBe(false);
    const forged = `${mac.slice(0, -1)}${mac.endsWith('0') ? '1' : '0'}`;
    expect(s.verify('registrations', registration, forged)).toBe(false);
    expect(s.verify('registrations', { ...registration, status: 'rejected' }, s.seal('registrations', registration))).toBe(false);
  });

  it('S2 a row moved to another table fails its seal', () => {
    const mac = seal.seal('user_roles', { user_id: 7, role_code: 'exam-approver' });
    expect(seal.verify('user_roles', { user_id: 7, role_code: 'exam-approver' }, mac)).toBe(true);
    expect(seal.verify('role_permissions', { user_id: 7, role_code: 'exam-approver' }, mac)).toBe(false);
  });

  it('S2 keeps old seals verifiable after a MAC key rotation', () => {
    const local = tempKeyring();
    try {
      const s = new RecordSeal(local.keyring);
      const old = s.seal('t', { a: 1 });
      local.keyring.rotateMacKey();
      const fresh = s.seal('t', { a: 1 });
      expect(fresh.startsWith('mac:v2:')).toBe(true);
      expect(s.verify('t', { a: 1 }, old)).toBe(true);
      expect(s.verify('t', { a: 1 }, fresh)).toBe(true);
      expect(s.needsRotation(old)).toBe(true);
      expect(s.needsRotation(fresh)).toBe(false);
    } finally {
      local.cleanup();
    }
  });

  it('S2 refuses malformed or foreign MACs and unsealable values', () => {
    const mac = seal.seal('t', { a: 1 });
    for (const bad of [null, undefined, '', 'mac:v1:xyz', mac.replace('mac:v1:', 'mac:v9:'), mac.toUpperCase(), `${mac}0`]) {
      expect(seal.verify('t', { a: 1 }, bad)).toBe(false);
    }
    expect(() => seal.seal('t', { a: Number.NaN })).toThrow(/finite/);
    expect(() => seal.seal('t', { a: new Date('nope') })).toThrow(/invalid date/);
  });

  it('S2 assertIntact throws TamperedRecordError with table and key only', () => {
    const mac = seal.seal('registrations', registration);
    try {
      seal.assertIntact('registrations', 42, { ...registration, status: 'rejected' }, mac);
      throw new Error('expected TamperedRecordError');
    } catch (error) {
      expect(error).toBeInstanceOf(TamperedRecordError);
      expect((error as TamperedRecordError).table).toBe('registrations');
      expect((error as TamperedRecordError).key).toBe(42);
      expect((error as Error).message).not.toContain('KS2026000123');
    }
  });

  it('S2 tamperedInBatch reports rows with a wrong, missing or unreadable seal by key', () => {
    const spec: SealedTableSpec = {
      table: 'user_roles',
      keyColumn: ['user_id', 'role_code'],
      macColumn: 'row_mac',
      fields: (row) => ({ user_id: row.user_id as number, role_code: row.role_code as string }),
    };
    const row = (user_id: number, role_code: string) => ({ user_id, role_code, row_mac: seal.seal('user_roles', { user_id, role_code }) });
    const rows = [row(1, 'candidate'), { ...row(2, 'candidate'), role_code: 'sys-admin' }, { user_id: 3, role_code: 'candidate', row_mac: null }, row(4, 'exam-reviewer')];
    expect(tamperedInBatch(spec, seal, rows)).toEqual([[2, 'sys-admin'], [3, 'candidate']]);
  });
});
