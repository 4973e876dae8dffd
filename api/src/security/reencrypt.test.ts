import { afterAll, describe, expect, it } from 'vitest';
import { FieldCipher } from './field-cipher';
import { RecordSeal, type SealedTableSpec } from './record-integrity';
import { planRow, type EncryptedColumnsSpec } from './reencrypt';
import { tempKeyring } from './test-support';

const { keyring, cleanup } = tempKeyring();
afterAll(cleanup);
const cipher = new FieldCipher(keyring);
const seal = new RecordSeal(keyring);

const sealed: SealedTableSpec = {
  table: 'registrations',
  keyColumn: 'id',
  macColumn: 'row_mac',
  fields: (r) => ({ id: r.id as number, id_number: r.id_number as string, phone: r.phone as string | null }),
};
const spec: EncryptedColumnsSpec = { table: 'registrations', keyColumn: 'id', columns: ['id_number', 'phone'] };

describe('planRow (re-encryption of one row)', () => {
  it('S2 rewrites values on an old key under the active key, expecting the old values', () => {
    const old = { id: 1, id_number: cipher.encrypt('31010119900101123X'), phone: null };
    const local = tempKeyring();
    try {
      const c = new FieldCipher(local.keyring);
      const before = { id: 1, id_number: c.encrypt('31010119900101123X'), phone: c.encrypt('13812345678') };
      local.keyring.rotateDataKey();
      const plan = planRow(before, spec, c);
      if (plan.kind !== 'rewrite') throw new Error(`expected a rewrite, got ${plan.kind}`);
      expect(plan.expect).toEqual({ id_number: before.id_number, phone: before.phone });
      expect(plan.set.id_number?.startsWith('sm4:v2:')).toBe(true);
      expect(c.decrypt(plan.set.id_number ?? '')).toBe('31010119900101123X');
      expect(c.decrypt(plan.set.phone ?? '')).toBe('13812345678');
      expect(planRow({ ...before, ...plan.set }, spec, c).kind).toBe('current');
    } finally {
      local.cleanup();
    }
    expect(planRow(old, spec, cipher).kind).toBe('current');
  });

  it('S2 leaves plaintext alone unless asked to encrypt it', () => {
    const row = { id: 2, id_number: '31010119900101123X', phone: '13812345678' };
    expect(planRow(row, spec, cipher)).toMatchObject({ kind: 'current', plaintext: 2 });
    const plan = planRow(row, { ...spec, encryptPlaintext: true }, cipher);
    expect(plan.kind).toBe('rewrite');
    if (plan.kind === 'rewrite') expect(cipher.decrypt(plan.set.phone ?? '')).toBe('13812345678');
  });

  it('S2 re-seals a sealed row with its new ciphertexts, and never re-seals a tampered one', () => {
    const local = tempKeyring();
    try {
      const c = new FieldCipher(local.keyring);
      const s = new RecordSeal(local.keyring);
      const row: Record<string, unknown> = { id: 3, id_number: c.encrypt('31010119900101123X'), phone: null };
      row.row_mac = s.seal('registrations', sealed.fields(row));
      local.keyring.rotateDataKey();
      const plan = planRow(row, { ...spec, sealed }, c, s);
      if (plan.kind !== 'rewrite') throw new Error(`expected a rewrite, got ${plan.kind}`);
      expect(plan.expect.row_mac).toBe(row.row_mac);
      expect(s.verify('registrations', sealed.fields({ ...row, ...plan.set }), plan.set.row_mac)).toBe(true);

      const tampered = { ...row, id_number: c.encrypt('31010119800101123X') };
      expect(planRow(tampered, { ...spec, sealed }, c, s).kind).toBe('tampered');
      expect(() => planRow(row, { ...spec, sealed }, c)).toThrow(/RecordSeal/);
    } finally {
      local.cleanup();
    }
  });

  it('S2 reports a value it cannot decrypt instead of overwriting it', () => {
    const token = cipher.encrypt('13812345678').replace('sm4:v1:', 'sm4:v3:');
    expect(planRow({ id: 4, id_number: null, phone: token }, spec, cipher).kind).toBe('undecryptable');
  });
});
