import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditReport, databaseUrlFromEnv, integrityReport, main, parseAnchor, parseSpecArg, reencryptReport } from './cli';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bpm-security-cli-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('security CLI', () => {
  it('takes the database from DATABASE_URL or the embedded server secret', () => {
    expect(databaseUrlFromEnv({ DATABASE_URL: 'postgres://u:p@db/app' })).toBe('postgres://u:p@db/app');
    fs.mkdirSync(path.join(work, 'secrets'), { recursive: true });
    fs.writeFileSync(path.join(work, 'secrets', 'postgres-password'), 'a/b+c\n');
    expect(databaseUrlFromEnv({ DATA_DIR: work })).toBe('postgres://postgres:a%2Fb%2Bc@127.0.0.1:54320/bpm_app');
    expect(() => databaseUrlFromEnv({ DATA_DIR: path.join(work, 'none') })).toThrow(/DATABASE_URL/);
  });

  it('parses table specs and anchors', () => {
    expect(parseSpecArg('registrations:id:id_number,phone', false)).toEqual({ table: 'registrations', keyColumn: 'id', columns: ['id_number', 'phone'], encryptPlaintext: false });
    expect(parseSpecArg('user_roles:user_id,role_code:note', true).keyColumn).toEqual(['user_id', 'role_code']);
    for (const bad of ['registrations', 'registrations:id', 'registrations:id:', 'Reg:id:x', 'r:id:x;drop', 'r:id:x:y']) expect(() => parseSpecArg(bad, false)).toThrow(/spec/);
    expect(parseAnchor(`12:${'a'.repeat(64)}`)).toEqual({ id: 12, hash: 'a'.repeat(64) });
    expect(() => parseAnchor('12:abc')).toThrow(/anchor/);
  });

  it('S1 S2 reports in Chinese and English', () => {
    const audit = auditReport({ ok: false, checked: 3, head: { id: 3, hash: 'b'.repeat(64) }, problems: [{ id: 2, kind: 'edited', detail: 'hash does not match' }] });
    expect(audit.join('\n')).toMatch(/1 处问题 \/ audit chain has 1 problem/);
    expect(audit.join('\n')).toMatch(/#2 记录被修改 \/ edited/);
    expect(integrityReport([{ table: 'registrations', checked: 10, tampered: [4, 7] }]).join('\n')).toBe('registrations: 10 行中 2 行校验失败 / 2 of 10 rows fail their seal\n  4, 7');
    expect(reencryptReport({ table: 'registrations', scanned: 5, rewritten: 4, changedConcurrently: 1, plaintextLeft: 0, tampered: [], undecryptable: [] }).length).toBe(2);
  });

  it('rotates keys in KEYRING_DIR without printing them', async () => {
    const dir = path.join(work, 'keys');
    const lines: string[] = [];
    const previous = process.env.KEYRING_DIR;
    process.env.KEYRING_DIR = dir;
    try {
      expect(await main(['init-keys'], (l) => lines.push(l))).toBe(0);
      expect(await main(['rotate-data-key'], (l) => lines.push(l))).toBe(0);
      expect(await main(['rotate-mac-key', '--no-activate'], (l) => lines.push(l))).toBe(0);
      expect(await main(['keys'], (l) => lines.push(l))).toBe(0);
      expect(await main(['public-key', 'seal-rsj'], (l) => lines.push(l))).toBe(0);
      expect(await main(['bogus'], (l) => lines.push(l))).toBe(2);
    } finally {
      if (previous === undefined) delete process.env.KEYRING_DIR;
      else process.env.KEYRING_DIR = previous;
    }
    const output = lines.join('\n');
    expect(output).toContain('dek-v2');
    expect(output).toContain('"activeDataKeyVersion": 2');
    expect(output).toContain('"activeMacKeyVersion": 1');
    expect(output).toContain('-----BEGIN PUBLIC KEY-----');
    for (const file of fs.readdirSync(dir).filter((f) => /^(dek|mac)-v|index-key/.test(f))) {
      expect(output).not.toContain(fs.readFileSync(path.join(dir, file), 'utf8').trim());
    }
  });
});
