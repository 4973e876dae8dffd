import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('S3 stores a salted PBKDF2-SM3 hash, never the password', async () => {
    const stored = await hashPassword('Demo@2026');
    expect(stored).toMatch(/^pbkdf2-sm3\$100000\$/);
    expect(stored).not.toContain('Demo@2026');
    expect(await hashPassword('Demo@2026')).not.toBe(stored);
  });

  it('S3 verifies the right password and refuses a wrong or malformed one', async () => {
    const stored = await hashPassword('Demo@2026');
    expect(await verifyPassword('Demo@2026', stored)).toBe(true);
    expect(await verifyPassword('demo@2026', stored)).toBe(false);
    expect(await verifyPassword('Demo@2026', 'plain$text')).toBe(false);
  });
});
