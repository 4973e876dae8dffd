import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from './masking';

describe('personal data masks', () => {
  it('masks personal data for lists', () => {
    expect(maskIdNumber('310101199001011237')).toBe('310***********1237');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });
});
