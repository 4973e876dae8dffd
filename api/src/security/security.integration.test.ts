import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb, type Db } from '../db/knex';
import { AuditLog } from './audit-log';
import { FieldCipher } from './field-cipher';
import { Keyring } from './keyring';
import { findTampered, RecordSeal, type SealedTableSpec } from './record-integrity';
import { reencryptTable } from './reencrypt';
import { tempKeyring } from './test-support';

// The audit log is shared by the whole run: use the keyring the application uses (DATA_DIR/keys),
// and tamper only inside transactions that roll back.
let db: Db;
let keyring: Keyring;
let audit: AuditLog;

beforeAll(() => {
  const env = inject('testEnv');
  db = createDb(env.databaseUrl, 6);
  keyring = Keyring.open(path.join(env.dataDir, 'keys'));
  audit = new AuditLog(db, keyring);
});
afterAll(() => db.destroy());

const actor = `it-${process.pid}-${Date.now() % 100000}`;

describe('audit log in PostgreSQL (S1)', () => {
  it('S1 appends concurrent entries into one unbroken chain', async () => {
    const records = await Promise.all(
      Array.from({ length: 20 }, (_, i) => audit.append({ actor, action: 'registration.create', objectType: 'registration', objectId: `KS-IT-${i}`, ip: '127.0.0.1', result: 'success', detail: { i } })),
    );
    const ids = records.map((r) => r.id).sort((a, b) => a - b);
    expect(new Set(ids).size).toBe(20);
    const result = await audit.verify({ batchSize: 7 });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.head?.id).toBeGreaterThanOrEqual(ids[ids.length - 1] ?? 0);
  });

  it('S1 the table refuses UPDATE, DELETE and TRUNCATE', async () => {
    const record = await audit.append({ actor, action: 'auth.login', result: 'failure' });
    await expect(db('audit_log').where({ id: record.id }).update({ result: 'success' })).rejects.toThrow(/append-only/);
    await expect(db('audit_log').where({ id: record.id }).delete()).rejects.toThrow(/append-only/);
    await expect(db.raw('truncate audit_log')).rejects.toThrow(/append-only/);
  });

  it('S1 finds an edit and a deletion made by someone who disabled the trigger', async () => {
    const [a, b, c] = [
      await audit.append({ actor, action: 'task.complete', result: 'success' }),
      await audit.append({ actor, action: 'task.complete', result: 'success' }),
      await audit.append({ actor, action: 'task.complete', result: 'success' }),
    ];
    const problems = await db
      .transaction(async (trx) => {
        await trx.raw('alter table audit_log disable trigger audit_log_no_update_delete');
        await trx('audit_log').where({ id: a.id }).update({ result: 'denied' });
        await trx('audit_log').where({ id: b.id }).delete();
        const verification = await new AuditLog(trx, keyring).verify();
        throw Object.assign(new Error('rollback'), { verification });
      })
      .catch((error: { verification?: Awaited<ReturnType<AuditLog['verify']>> }) => error.verification?.problems);
    expect(problems).toContainEqual(expect.objectContaining({ id: a.id, kind: 'edited' }));
    // The gap shows at the first entry after b: c, or an entry another test appended in between.
    const gap = problems?.find((p) => p.kind === 'deleted-before');
    expect(gap?.id).toBeGreaterThan(b.id);
    expect(gap?.id).toBeLessThanOrEqual(c.id);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('S1 an entry appended in a business transaction rolls back with it', async () => {
    let id = 0;
    await db
      .transaction(async (trx) => {
        id = (await audit.append({ actor, action: 'registration.create', result: 'success' }, { trx })).id;
        throw new Error('business rule failed');
      })
      .catch(() => undefined);
    expect(await db('audit_log').where({ id }).first()).toBeUndefined();
    expect((await audit.verify()).ok).toBe(true);
  });

  it('S1 lists with filters and exports CSV with a BOM, personal data masked', async () => {
    await audit.append({ actor, action: 'registration.view', objectType: 'registration', objectId: 'KS-IT-CSV', result: 'denied', detail: { note: '身份证 31010119900101123X' } });
    const page = await audit.list({ actor, action: 'registration.*', result: 'denied', page: 1, pageSize: 10 });
    expect(page.total).toBe(1);
    expect(page.items[0]?.detail).toEqual({ note: '身份证 310***********123X' });
    const lines: string[] = [];
    for await (const line of audit.exportCsv({ actor })) lines.push(line);
    expect(lines[0]?.startsWith('\uFEFF序号,时间,操作人')).toBe(true);
    expect(lines.every((l) => l.endsWith('\r\n'))).toBe(true);
    expect(lines.join('')).toContain('KS-IT-CSV');
    expect(lines.join('')).not.toContain('31010119900101123X');
  });
});

describe('record seals and re-encryption in PostgreSQL (S2)', () => {
  const table = `security_it_${process.pid}`;
  const local = tempKeyring();
  const cipher = new FieldCipher(local.keyring);
  const seal = new RecordSeal(local.keyring);
  const spec: SealedTableSpec = {
    table,
    keyColumn: 'id',
    macColumn: 'row_mac',
    fields: (r) => ({ id: r.id as number, id_number: r.id_number as string, phone: r.phone as string }),
  };

  beforeAll(async () => {
    await db.schema.createTable(table, (t) => {
      t.integer('id').primary();
      t.string('id_number', 160).notNullable();
      t.string('phone', 160).notNullable();
      t.string('row_mac', 80);
    });
    const rows = Array.from({ length: 1200 }, (_, i) => {
      const row = { id: i + 1, id_number: cipher.encrypt(`3101011990010${String(i).padStart(4, '0')}X`), phone: cipher.encrypt(`1381234${String(i).padStart(4, '0')}`) };
      return { ...row, row_mac: seal.seal(table, spec.fields(row)) };
    });
    await db.batchInsert(table, rows, 500);
  });
  afterAll(async () => {
    await db.schema.dropTableIfExists(table);
    local.cleanup();
  });

  it('S2 findTampered reports exactly the rows edited behind the seal', async () => {
    await db(table).where({ id: 17 }).update({ phone: cipher.encrypt('13900000000') });
    await db(table).where({ id: 1001 }).update({ row_mac: null });
    expect(await findTampered(db, spec, seal, 500)).toEqual({ table, checked: 1200, tampered: [17, 1001] });
  });

  it('S2 reencryptTable moves every intact row to the new data key and re-seals it, leaving tampered rows alone', async () => {
    local.keyring.rotateDataKey();
    const result = await reencryptTable(db, cipher, { table, keyColumn: 'id', columns: ['id_number', 'phone'], sealed: spec }, 500, seal);
    expect(result).toMatchObject({ scanned: 1200, rewritten: 1198, changedConcurrently: 0, tampered: [17, 1001], undecryptable: [] });
    const row = await db(table).where({ id: 500 }).first();
    expect(row.id_number.startsWith('sm4:v2:')).toBe(true);
    expect(cipher.decrypt(row.id_number)).toBe('31010119900100499X');
    expect((await findTampered(db, spec, seal, 500)).tampered).toEqual([17, 1001]);
    expect((await reencryptTable(db, cipher, { table, keyColumn: 'id', columns: ['id_number', 'phone'], sealed: spec }, 500, seal)).rewritten).toBe(0);
  });
});
