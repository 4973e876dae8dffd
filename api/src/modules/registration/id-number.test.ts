import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone, validateIdNumber } from './id-number';

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
  it('masks personal data for lists', () => {
    expect(maskIdNumber('310101199001011237')).toBe('310***********1237');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });
});
