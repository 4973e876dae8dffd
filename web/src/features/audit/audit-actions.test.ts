import { describe, expect, it } from 'vitest';
import { auditActions, auditActionsByModule } from '../../../../api/src/contracts/audit-actions';
import { auditActionLabel, auditActionLabels } from './labels';

/** The API's and the workers' sources (tests left out): where audit entries are written. */
const sources: Record<string, string> = import.meta.glob(
  ['../../../../api/src/**/*.ts', '../../../../workers/src/**/*.ts', '!**/*.test.ts', '!**/contracts/**'],
  { query: '?raw', import: 'default', eager: true },
);

/** Actions given as literals: `action: 'x.y'` in audit entries and route rules, and `…Audit('x.y')` / `…Alarm('x.y')` helpers. */
function recordedActions(): Map<string, string> {
  const found = new Map<string, string>();
  const patterns = [/\baction:\s*'([^']+)'/g, /\b\w*(?:Audit|Alarm)\(\s*'([^']+)'/g];
  for (const [file, text] of Object.entries(sources)) {
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) if (match[1]) found.set(match[1], file.replace(/^(\.\.\/)+/, ''));
    }
  }
  return found;
}

describe('audit action labels (S1)', () => {
  it('S1 every audit action has a Chinese label, and the audit log shows it', () => {
    expect(auditActions.length).toBeGreaterThan(90);
    for (const action of auditActions) {
      expect(auditActionLabels[action], action).toMatch(/[\u4e00-\u9fff]/);
      expect(auditActionLabel(action)).toBe(auditActionLabels[action]);
    }
    expect(Object.keys(auditActionLabels).sort()).toEqual([...auditActions].sort());
  });

  it('S1 the API records exactly the listed actions: none outside the list, none listed that nothing records', () => {
    const recorded = recordedActions();
    expect(recorded.size).toBeGreaterThan(90);
    const unlisted = [...recorded].filter(([action]) => !(auditActions as readonly string[]).includes(action));
    expect(unlisted, 'actions recorded by the API but missing in api/src/contracts/audit-actions.ts').toEqual([]);
    expect(auditActions.filter((action) => !recorded.has(action))).toEqual([]);
  });

  it('lists each action once, under one module', () => {
    expect(new Set(auditActions).size).toBe(auditActions.length);
    expect(Object.values(auditActionsByModule).flat()).toHaveLength(auditActions.length);
  });
});
