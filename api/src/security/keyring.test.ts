import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SM2_KEY_NAMES, Keyring, KeyringError, UnknownKeyError } from './keyring';

const roots: string[] = [];
function tempDir(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bpm-keyring-test-'));
  roots.push(root);
  return path.join(root, 'keys');
}
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

describe('Keyring', () => {
  it('S2 creates a private directory with every key at first open, and reads the same keys again', () => {
    const dir = tempDir();
    const first = Keyring.open(dir);
    expect(mode(dir)).toBe(0o700);
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['active.json', 'dek-v1', 'index-key', 'mac-v1', ...DEFAULT_SM2_KEY_NAMES.map((n) => `sm2-${n}.json`)].sort());
    for (const file of files) expect(mode(path.join(dir, file))).toBe(0o600);
    expect(first.dataKey(1)).toHaveLength(16);
    expect(first.macKey(1)).toHaveLength(32);
    expect(first.indexKey()).toHaveLength(32);

    const second = Keyring.open(dir);
    expect(second.dataKey(1).equals(first.dataKey(1))).toBe(true);
    expect(second.indexKey().equals(first.indexKey())).toBe(true);
    expect(second.sm2KeyPair('seal-rsj')).toEqual(first.sm2KeyPair('seal-rsj'));
    expect(first.sm2KeyPair('transport').publicKey).toMatch(/^04[0-9a-f]{128}$/);
  });

  it('S2 rotation adds a version and makes it active, keeping the old one readable', () => {
    const ring = Keyring.open(tempDir());
    const old = ring.dataKey(1);
    expect(ring.rotateDataKey()).toBe(2);
    expect(ring.activeDataKeyVersion).toBe(2);
    expect(ring.dataKey(1).equals(old)).toBe(true);
    expect(ring.dataKey(2).equals(old)).toBe(false);
    expect(ring.rotateMacKey()).toBe(2);
    expect(ring.activeMacKeyVersion).toBe(2);
    expect(Keyring.open(ring.dir).summary()).toMatchObject({ dataKeyVersions: [1, 2], activeDataKeyVersion: 2, macKeyVersions: [1, 2], activeMacKeyVersion: 2 });
  });

  it('S2 stages a key without activating it, for distribution to every node first', () => {
    const ring = Keyring.open(tempDir());
    expect(ring.rotateDataKey({ activate: false })).toBe(2);
    expect(ring.activeDataKeyVersion).toBe(1);
    ring.activate('dek', 2);
    expect(Keyring.open(ring.dir).activeDataKeyVersion).toBe(2);
  });

  it('S2 another process sees a rotation through reload, or when it meets the unknown version', () => {
    const dir = tempDir();
    const api = Keyring.open(dir);
    const cli = Keyring.open(dir);
    cli.rotateDataKey();
    expect(api.dataKey(2).equals(cli.dataKey(2))).toBe(true); // found by re-reading the directory
    expect(api.activeDataKeyVersion).toBe(2);
    expect(() => api.dataKey(9)).toThrow(UnknownKeyError);
  });

  it('S2 never logs key material', () => {
    const ring = Keyring.open(tempDir());
    const secrets = [ring.dataKey(1).toString('hex'), ring.indexKey().toString('hex'), ring.macKey(1).toString('hex'), ring.sm2KeyPair('seal-rsj').privateKey];
    for (const shown of [inspect(ring), JSON.stringify(ring), String(JSON.stringify({ ring }))]) {
      for (const secret of secrets) expect(shown).not.toContain(secret);
    }
    expect(inspect(ring)).toContain('activeDataKeyVersion');
  });

  it('S2 refuses a partial keyring instead of generating a new index key over old data', () => {
    const dir = tempDir();
    Keyring.open(dir);
    fs.rmSync(path.join(dir, 'index-key'));
    expect(() => Keyring.open(dir)).toThrow(/index-key/);
  });

  it('S2 in production (KEYRING_DIR) generates nothing and names what is missing', () => {
    const dir = tempDir();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    expect(() => Keyring.fromEnv({ KEYRING_DIR: dir })).toThrow(/incomplete.*dek-v1/);
    expect(fs.readdirSync(dir)).toEqual([]);
    Keyring.open(dir);
    expect(Keyring.fromEnv({ KEYRING_DIR: dir }).activeDataKeyVersion).toBe(1);
  });

  it('S2 refuses key files readable by others and keys changed on disk', () => {
    const dir = tempDir();
    const ring = Keyring.open(dir);
    fs.chmodSync(path.join(dir, 'dek-v1'), 0o644);
    expect(() => Keyring.open(dir)).toThrow(/chmod 600/);
    fs.chmodSync(path.join(dir, 'dek-v1'), 0o600);
    fs.writeFileSync(path.join(dir, 'dek-v1'), `${'ab'.repeat(16)}\n`);
    expect(() => ring.reload()).toThrow(KeyringError);
  });

  it('S2 refuses an SM2 file whose public key does not belong to its private key', () => {
    const dir = tempDir();
    const ring = Keyring.open(dir);
    const file = path.join(dir, 'sm2-extra.json');
    fs.writeFileSync(file, JSON.stringify({ privateKey: ring.sm2KeyPair('seal-rsj').privateKey, publicKey: ring.sm2KeyPair('seal-yjj').publicKey }), { mode: 0o600 });
    expect(() => Keyring.open(dir)).toThrow(/sm2-extra\.json/);
  });

  it('S2 generates SM2 pairs for new names in an existing keyring', () => {
    const dir = tempDir();
    Keyring.open(dir);
    const ring = Keyring.open(dir, { sm2Names: ['seal-jtw'] });
    expect(ring.sm2KeyNames()).toContain('seal-jtw');
  });
});
