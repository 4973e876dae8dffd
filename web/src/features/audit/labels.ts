import type { AuditVerificationView, auditResults } from '../../../../api/src/contracts/audit';
import type { AuditAction } from '../../../../api/src/contracts/audit-actions';
import type { ConsoleFeature } from '../../feature';
import * as features from '../index';

type Features = typeof features;
type LabelledBy<K extends keyof Features> = Features[K] extends { auditActionLabels: infer Labels } ? keyof Labels : never;
type Unlabelled = Exclude<AuditAction, { [K in keyof Features]: LabelledBy<K> }[keyof Features]>;

/** Compiles only while every audit action has a label in some feature; the error names the ones that have none. */
export const everyAuditActionLabelled: [Unlabelled] extends [never] ? true : Unlabelled = true;

/** 安全审计日志: the actions the API records, by their code, as the features label them. */
export const auditActionLabels: Readonly<Record<AuditAction, string>> = Object.assign(
  {},
  ...Object.values(features).map((feature: ConsoleFeature) => feature.auditActionLabels ?? {}),
);

const isLabelled = (code: string): code is AuditAction => Object.hasOwn(auditActionLabels, code);

/** An action's label; a code the console does not know (older entries, say) is shown as it is. */
export function auditActionLabel(code: string): string {
  return isLabelled(code) ? auditActionLabels[code] : code;
}

/** el-tag colour per audit result: success green, failure orange, denied red. */
export const auditResultTagTypes: Record<(typeof auditResults)[number], 'success' | 'warning' | 'danger'> = {
  success: 'success',
  failure: 'warning',
  denied: 'danger',
};

/** What the hash-chain check found wrong with an entry (api/src/security/audit-chain.ts). */
export const auditProblemKindLabels: Readonly<Record<string, string>> = {
  edited: '被篡改',
  'deleted-before': '前序记录被删除',
  inserted: '被插入',
  'broken-link': '链接断裂',
  'missing-tail': '末尾记录缺失',
};

export function auditProblemKindLabel(kind: string): string {
  return Object.hasOwn(auditProblemKindLabels, kind) ? (auditProblemKindLabels[kind] ?? kind) : kind;
}

/** The outcome of 校验完整性 in words: a summary line and, when the chain is broken, one line per problem. */
export function auditVerificationText(result: AuditVerificationView): { title: string; summary: string; problems: string[] } {
  if (result.ok) {
    const head = result.head
      ? `；最新记录 #${result.head.id} 哈希 ${result.head.hash}（请另行记录以便日后比对）`
      : '；暂无审计记录';
    return { title: '校验通过', summary: `审计日志哈希链完整，共校验 ${result.checked} 条${head}`, problems: [] };
  }
  return {
    title: '校验未通过',
    summary: `审计日志哈希链不完整：共校验 ${result.checked} 条，发现 ${result.problems.length} 处问题`,
    problems: result.problems.map((p) => `#${p.id} ${auditProblemKindLabel(p.kind)}${p.detail ? `：${p.detail}` : ''}`),
  };
}
