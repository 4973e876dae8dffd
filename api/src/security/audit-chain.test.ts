import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalAuditEntry,
  canonicalJson,
  ChainVerifier,
  chainHash,
  deriveChainKey,
  verifyChain,
  ZERO_HASH,
  type AuditChainRow,
  type AuditEntry,
} from './audit-chain';

const keys = new Map([
  [1, deriveChainKey(crypto.randomBytes(32))],
  [2, deriveChainKey(crypto.randomBytes(32))],
]);
const keyFor = (version: number) => keys.get(version);

function entry(id: number, macVersion = 1): AuditEntry {
  return {
    id,
    at: new Date(Date.UTC(2026, 10, 28, 1, 0, id)),
    actor: id % 2 ? 'reviewer01' : 'system',
    action: id % 2 ? 'registration.review' : 'task.complete',
    objectType: 'registration',
    objectId: `KS2026${String(id).padStart(6, '0')}`,
    ip: '10.0.0.8',
    result: 'success',
    detail: { decision: 'approve', step: id },
    macVersion,
  };
}

/** A genuine chain over the given ids (gaps are what rolled-back appends leave). */
function chain(ids: number[], macVersion = (_id: number) => 1): AuditChainRow[] {
  let prev = ZERO_HASH;
  return ids.map((id) => {
    const e = entry(id, macVersion(id));
    const row = { ...e, prevHash: prev, hash: chainHash(prev, e, keyFor(e.macVersion) as Buffer) };
    prev = row.hash;
    return row;
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const kinds = (rows: AuditChainRow[], anchor?: { id: number; hash: string }) => verifyChain(rows, keyFor, anchor).problems.map((p) => [p.id, p.kind]);

describe('audit hash chain', () => {
  it('S1 an untouched chain verifies, starting from 64 zeros, and reports its head', () => {
    const rows = chain(range(1, 10));
    expect(rows[0]?.prevHash).toBe(ZERO_HASH);
    const result = verifyChain(rows, keyFor);
    expect(result).toEqual({ ok: true, checked: 10, head: { id: 10, hash: rows[9]?.hash }, problems: [] });
    expect(verifyChain([], keyFor)).toEqual({ ok: true, checked: 0, head: null, problems: [] });
  });

  it('S1 id gaps alone are not problems (a rolled-back append still used its sequence value)', () => {
    expect(kinds(chain([1, 2, 5, 6, 9]))).toEqual([]);
  });

  it('S1 detects an edited entry', () => {
    const rows = chain(range(1, 6));
    rows[2] = { ...(rows[2] as AuditChainRow), result: 'denied' };
    expect(kinds(rows)).toEqual([[3, 'edited']]);
    const detail = chain(range(1, 6));
    detail[3] = { ...(detail[3] as AuditChainRow), detail: { decision: 'reject', step: 4 } };
    expect(kinds(detail)).toEqual([[4, 'edited']]);
  });

  it('S1 detects an edited entry whose hash was rewritten too (the next link breaks)', () => {
    const rows = chain(range(1, 6));
    const tampered = { ...(rows[2] as AuditChainRow), actor: 'someone-else' };
    rows[2] = { ...tampered, hash: crypto.createHash('sm3').update(canonicalAuditEntry(tampered)).digest('hex') };
    expect(kinds(rows)).toEqual([
      [3, 'edited'],
      [4, 'broken-link'],
    ]);
  });

  it('S1 detects deleted entries: in the middle, at the start, several at once', () => {
    expect(kinds(chain(range(1, 6)).filter((r) => r.id !== 3))).toEqual([[4, 'deleted-before']]);
    expect(kinds(chain(range(1, 6)).filter((r) => r.id !== 1))).toEqual([[2, 'deleted-before']]);
    const result = verifyChain(chain(range(1, 10)).filter((r) => r.id < 4 || r.id > 7), keyFor);
    expect(result.problems).toEqual([{ id: 8, kind: 'deleted-before', detail: 'prev_hash does not match entry 3: entries between 3 and 8 are missing' }]);
  });

  it('S1 detects an inserted entry: a forged row the chain runs past', () => {
    const rows = chain([1, 2, 4, 5]);
    const forged = { ...entry(3), prevHash: rows[1]?.hash as string, hash: crypto.randomBytes(32).toString('hex') };
    rows.splice(2, 0, forged);
    expect(kinds(rows)).toEqual([[3, 'inserted']]);
  });

  it('S1 a forged entry appended at the end fails its hash; deleting the newest entries shows against an anchor', () => {
    const rows = chain(range(1, 5));
    const forged = { ...entry(6), prevHash: rows[4]?.hash as string, hash: crypto.randomBytes(32).toString('hex') };
    expect(kinds([...rows, forged])).toEqual([[6, 'edited']]);

    const anchor = { id: 5, hash: rows[4]?.hash as string };
    expect(kinds(rows, anchor)).toEqual([]);
    expect(kinds(rows.slice(0, 3), anchor)).toEqual([[5, 'missing-tail']]);
  });

  it('S1 entries under a rotated MAC key verify with their own version; an unknown version is a finding', () => {
    expect(kinds(chain(range(1, 6), (id) => (id > 3 ? 2 : 1)))).toEqual([]);
    const rows = chain(range(1, 3));
    rows[1] = { ...(rows[1] as AuditChainRow), macVersion: 7 };
    expect(kinds(rows)).toEqual([[2, 'edited']]);
  });

  it('S1 the chain is keyed: without the key, a recomputed chain does not verify', () => {
    const otherKey = deriveChainKey(crypto.randomBytes(32));
    let prev = ZERO_HASH;
    const rebuilt = range(1, 3).map((id) => {
      const e = entry(id);
      const row = { ...e, prevHash: prev, hash: chainHash(prev, e, otherKey) };
      prev = row.hash;
      return row;
    });
    expect(kinds(rebuilt)).toEqual([
      [1, 'edited'],
      [2, 'edited'],
      [3, 'edited'],
    ]);
  });

  it('S1 verifies batch by batch exactly as in one go', () => {
    const rows = chain(range(1, 25)).filter((r) => r.id !== 11);
    const verifier = new ChainVerifier(keyFor);
    for (let i = 0; i < rows.length; i += 4) rows.slice(i, i + 4).forEach((r) => verifier.push(r));
    expect(verifier.finish()).toEqual(verifyChain(rows, keyFor));
    expect(() => verifyChain([...rows.slice(0, 3), rows[0] as AuditChainRow], keyFor)).toThrow(/ascending/);
  });

  it('S1 the hash covers every field and the previous hash', () => {
    const e = entry(1);
    const key = keyFor(1) as Buffer;
    const base = chainHash(ZERO_HASH, e, key);
    const variants: AuditEntry[] = [
      { ...e, id: 2 },
      { ...e, at: new Date(e.at.getTime() + 1) },
      { ...e, actor: 'x' },
      { ...e, action: 'auth.login' },
      { ...e, objectType: null },
      { ...e, objectId: null },
      { ...e, ip: null },
      { ...e, result: 'failure' },
      { ...e, detail: { decision: 'approve', step: 2 } },
      { ...e, macVersion: 2 },
    ];
    for (const v of variants) expect(chainHash(ZERO_HASH, v, key)).not.toBe(base);
    expect(chainHash('f'.repeat(64), e, key)).not.toBe(base);
  });

  it('canonical JSON sorts keys at every level, as jsonb would not preserve order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, '10': true, '9': 'x' })).toBe('{"10":true,"9":"x","a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });
});
