import { describe, expect, it } from 'vitest';
import type { ProcessModelSummary } from '../../../../api/src/contracts/processes';
import { defaultMigrationPair, versionOptions } from './migration-helpers';

const version = (v: number, running: number) => ({
  processDefinitionId: `exam-registration:${v}:d${v}`,
  version: v,
  deploymentId: `d${v}`,
  deployedAt: null,
  deployedBy: null,
  comment: null,
  rolledBackFrom: null,
  runningInstances: running,
});

describe('process migration helpers', () => {
  it('U4: versions are offered newest first with their running instances', () => {
    const model: ProcessModelSummary = { key: 'exam-registration', name: '报名', latestVersion: 3, versions: [version(1, 2), version(3, 0), version(2, 5)] };
    expect(versionOptions(model).map((o) => o.version)).toEqual([3, 2, 1]);
    expect(versionOptions(model)[0]?.label).toBe('第3版（运行中 0）・最新');
    expect(versionOptions(undefined)).toEqual([]);
  });

  it('U4: the default pair is the newest older version with running instances → the latest version', () => {
    const model: ProcessModelSummary = { key: 'k', name: null, latestVersion: 3, versions: [version(3, 1), version(2, 0), version(1, 4)] };
    expect(defaultMigrationPair(model)).toEqual({ source: 'exam-registration:1:d1', target: 'exam-registration:3:d3' });
    expect(defaultMigrationPair({ ...model, versions: [version(3, 1), version(2, 0)] })).toBeNull();
    expect(defaultMigrationPair({ ...model, latestVersion: 1, versions: [version(1, 3)] })).toBeNull();
  });
});
