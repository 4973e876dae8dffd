import type { EducationLevel } from '../../contracts/registration';

export interface EligibilityInput {
  education: EducationLevel;
  educationMajorRelated: boolean;
  safetyWorkYears: number;
}

export interface EligibilityResult {
  passed: boolean;
  /** Plain Chinese for the candidate and the reviewer: which rule, which data. */
  message: string;
}

/**
 * Minimum years of safety-production work by education (DOMAIN.md, 报考条件); null means "engaged in
 * safety production, no minimum". Issue 4 moves this table into a DMN decision the engine evaluates.
 */
export const minimumYears: Readonly<Record<EducationLevel, { related: number | null; other: number | null }>> = {
  secondary: { related: 4, other: 5 },
  college: { related: 2, other: 3 },
  bachelor: { related: null, other: null },
  master: { related: null, other: null },
  doctor: { related: null, other: null },
};

const educationNames: Record<EducationLevel, string> = {
  secondary: '中专',
  college: '大专',
  bachelor: '本科',
  master: '硕士研究生',
  doctor: '博士研究生',
};

/** Automatic pre-check of the education / years-of-work rule; the reviewer still decides. */
export function precheckEligibility(input: EligibilityInput): EligibilityResult {
  const rule = minimumYears[input.education];
  const required = input.educationMajorRelated ? rule.related : rule.other;
  const majorText = input.educationMajorRelated ? '安全工程或相关专业' : '其他专业';
  const who = `${educationNames[input.education]}学历（${majorText}）`;
  if (required === null) {
    return input.safetyWorkYears > 0
      ? { passed: true, message: `${who}，从事安全生产工作，符合报考条件` }
      : { passed: false, message: `${who}须从事安全生产业务工作，填报的工作年限为0` };
  }
  return input.safetyWorkYears >= required
    ? { passed: true, message: `${who}要求从事安全生产工作满${required}年，填报${input.safetyWorkYears}年，符合` }
    : { passed: false, message: `${who}要求从事安全生产工作满${required}年，填报${input.safetyWorkYears}年，不足` };
}
