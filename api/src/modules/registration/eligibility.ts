import type { EducationLevel, LevelCode } from '../../contracts/registration';
import { educationLabels } from '../../contracts/registration';
import type { EngineClient } from '../../engine/engine-client';
import { registrationEligibilityDecisions } from '../../contracts/flows/registration-eligibility';

/** The facts the eligibility decisions read (process variables of the same names). */
export interface EligibilityFacts {
  education: EducationLevel;
  majorRelated: boolean;
  workYears: number;
  levelCode: LevelCode;
  identityType: 'mainland' | 'hk-macao-taiwan';
}

export interface EligibilityDecision {
  eligible: boolean;
  /** The rule of the decision table that matched (e.g. `college-other`). */
  ruleId: string;
  requiredYears: number | null;
  manualReview: boolean;
  reviewReason: string;
}

/** DMN decisions deployed from processes/registration-eligibility.dmn. */
const { eligibility: eligibilityTable, reviewRouting } = registrationEligibilityDecisions.decisions;

/**
 * Minimum years by education as the guide states them (null: engaged in safety production, no minimum).
 * The decision the engine evaluates is the DMN table; a process test keeps the two in agreement.
 */
export const minimumYears: Readonly<Record<EducationLevel, { related: number | null; other: number | null }>> = {
  secondary: { related: 4, other: 5 },
  college: { related: 2, other: 3 },
  bachelor: { related: null, other: null },
  master: { related: null, other: null },
  doctor: { related: null, other: null },
};

const reviewReasons: Record<string, string> = {
  'not-eligible': '不符合报考条件，由资格审核人员确认',
  'certificate-check': '考增项，须核验已取得的证书',
  'diploma-verification': '港澳台居民，须核验学历及认证报告',
  'work-years-check': '按工作年限报考，须核验工作经历',
  auto: '无需人工审核',
};

/** Evaluates the eligibility decisions in the engine (one source of truth for the console, the API and the flow). */
export class EligibilityDecider {
  constructor(private readonly engine: Pick<EngineClient, 'evaluateDecision'>) {}

  async decide(facts: EligibilityFacts): Promise<EligibilityDecision> {
    const [table] = await this.engine.evaluateDecision(
      eligibilityTable.key,
      eligibilityTable.inputs.parse({ education: facts.education, majorRelated: facts.majorRelated, workYears: facts.workYears }),
    );
    if (!table) throw new Error(`decision ${eligibilityTable.key} matched no rule`);
    const eligible = table.eligible === true;
    const [routing] = await this.engine.evaluateDecision(
      reviewRouting.key,
      reviewRouting.inputs.parse({ eligible, levelCode: facts.levelCode, identityType: facts.identityType, education: facts.education }),
    );
    if (!routing) throw new Error(`decision ${reviewRouting.key} matched no rule`);
    return {
      eligible,
      ruleId: String(table.ruleId),
      requiredYears: typeof table.requiredYears === 'number' ? table.requiredYears : null,
      manualReview: routing.manualReview === true,
      reviewReason: String(routing.reviewReason ?? 'auto'),
    };
  }
}

/** The decision in plain Chinese for the candidate and the reviewer: which rule, which data. */
export function explainEligibility(facts: EligibilityFacts & { countedUntil: string }, d: EligibilityDecision): string {
  const until = `计算至${facts.countedUntil.slice(0, 4)}年12月31日，不含全日制学习时间`;
  const who = `${educationLabels[facts.education]}学历（${facts.majorRelated ? '安全工程或相关专业' : '其他专业'}）`;
  let text: string;
  if (d.ruleId === 'education-not-accepted') text = `${educationLabels[facts.education]}学历不符合报考条件`;
  else if (d.requiredYears === null) {
    text = d.eligible
      ? `${who}须从事安全生产业务；您填报的安全生产工作${facts.workYears}年（${until}），符合报考条件`
      : `${who}须从事安全生产业务；您填报的工作经历中没有安全生产业务工作，不符合报考条件`;
  } else {
    text = `${who}要求从事安全生产业务满${d.requiredYears}年（${until}）；按您填报的工作经历计算为${facts.workYears}年，${d.eligible ? '符合报考条件' : `不足${d.requiredYears}年，不符合报考条件`}`;
  }
  return d.manualReview && d.eligible ? `${text}。${reviewReasons[d.reviewReason] ?? d.reviewReason}` : text;
}

export const reviewReasonLabel = (reason: string): string => reviewReasons[reason] ?? reason;
