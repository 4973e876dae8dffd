import type { ProcessModelSummary } from '../../../../api/src/contracts/processes';

export interface VersionOption {
  definitionId: string;
  version: number;
  runningInstances: number;
  label: string;
}

/** A model's versions as choices, newest first, each with its running-instance count. */
export function versionOptions(model: ProcessModelSummary | undefined): VersionOption[] {
  if (!model) return [];
  return [...model.versions]
    .sort((a, b) => b.version - a.version)
    .map((v) => ({
      definitionId: v.processDefinitionId,
      version: v.version,
      runningInstances: v.runningInstances,
      label: `第${v.version}版（运行中 ${v.runningInstances}）${v.version === model.latestVersion ? '・最新' : ''}`,
    }));
}

/**
 * The usual migration: from the newest older version that still has running instances to the latest
 * version. Null when the model has a single version or nothing runs on an older one.
 */
export function defaultMigrationPair(model: ProcessModelSummary | undefined): { source: string; target: string } | null {
  const options = versionOptions(model);
  const latest = options.find((o) => o.version === model?.latestVersion);
  if (!latest) return null;
  const source = options.find((o) => o.version < latest.version && o.runningInstances > 0);
  return source ? { source: source.definitionId, target: latest.definitionId } : null;
}
