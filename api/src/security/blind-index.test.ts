import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { blindIndex, normalizeForIndex } from './blind-index';
import { tempKeyring } from './test-support';

const { keyring, cleanup } = tempKeyring();
afterAll(cleanup);

describe('blindIndex', () => {
  it('S2 is a stable keyed SM3 hash: HMAC-SM3(index-key, kind:value)', () => {
    const index = blindIndex(keyring, 'id-number', '31010119900101123X');
    expect(index).toMatch(/^[0-9a-f]{64}$/);
    expect(blindIndex(keyring, 'id-number', '31010119900101123X')).toBe(index);
    expect(index).toBe(crypto.createHmac('sm3', keyring.indexKey()).update('id-number:31010119900101123X').digest('hex'));
  });

  it('S2 finds the same person however the ID number was typed', () => {
    const canonical = blindIndex(keyring, 'id-number', '31010119900101123X');
    for (const typed of [' 31010119900101123x ', '310101 19900101 123X', '３１０１０１１９９００１０１１２３Ｘ']) {
      expect(blindIndex(keyring, 'id-number', typed)).toBe(canonical);
    }
    expect(blindIndex(keyring, 'phone', '138-1234-5678')).toBe(blindIndex(keyring, 'phone', '13812345678'));
  });

  it('S2 keeps kinds apart: the same value under two kinds never collides', () => {
    expect(blindIndex(keyring, 'id-number', '13812345678')).not.toBe(blindIndex(keyring, 'phone', '13812345678'));
    expect(() => blindIndex(keyring, 'id:number', 'x')).toThrow(/kind/);
    expect(() => blindIndex(keyring, '', 'x')).toThrow(/kind/);
  });

  it('S2 depends on the key: another keyring gives other indexes', () => {
    const other = tempKeyring();
    try {
      expect(blindIndex(other.keyring, 'phone', '13812345678')).not.toBe(blindIndex(keyring, 'phone', '13812345678'));
    } finally {
      other.cleanup();
    }
  });

  it('normalises only as documented', () => {
    expect(normalizeForIndex('id-number', ' 31010119900101123x ')).toBe('31010119900101123X');
    expect(normalizeForIndex('employer', '  上海某化工有限公司 ')).toBe('上海某化工有限公司');
  });
});
