import { describe, expect, it } from 'vitest';
import { validateIdNumber } from './id-number';

describe('ID number (GB 11643)', () => {
  it('M15 accepts a valid number, including the X check character', () => {
    expect(validateIdNumber('11010519491231002X')).toBeNull();
    expect(validateIdNumber('310101199001011234')).toBeNull();
  });
  it('M15 refuses a wrong check character, an impossible or future birth date', () => {
    expect(validateIdNumber('310101199001011237')).toBe('身份证号码校验位不正确，请核对');
    expect(validateIdNumber('310101199002301233')).toMatch(/出生日期不正确/);
    expect(validateIdNumber('310101209901011236', new Date('2026-11-28'))).toMatch(/出生日期/);
  });
});
