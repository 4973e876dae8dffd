import { describe, expect, it } from 'vitest';
import { precheckEligibility } from './eligibility';

describe('eligibility pre-check (报考条件)', () => {
  it.each([
    ['secondary', true, 4, true],
    ['secondary', true, 3.5, false],
    ['secondary', false, 5, true],
    ['secondary', false, 4.5, false],
    ['college', true, 2, true],
    ['college', true, 1.5, false],
    ['college', false, 3, true],
    ['college', false, 2.5, false],
    ['bachelor', false, 0.5, true],
    ['master', true, 0, false],
  ] as const)('M15 %s, related=%s, %s years → passed=%s', (education, educationMajorRelated, safetyWorkYears, passed) => {
    expect(precheckEligibility({ education, educationMajorRelated, safetyWorkYears }).passed).toBe(passed);
  });

  it('M15 explains a failure in Chinese with the rule and the data', () => {
    const result = precheckEligibility({ education: 'college', educationMajorRelated: false, safetyWorkYears: 1 });
    expect(result.message).toBe('大专学历（其他专业）要求从事安全生产工作满3年，填报1年，不足');
  });
});
