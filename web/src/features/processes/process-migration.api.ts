import {
  migrationPreview,
  migrationResult,
  type MigrationPlan,
  type MigrationPreview,
  type MigrationResult,
} from '../../../../api/src/contracts/process-migration';
import { postJson } from '../../api/http';

/** The engine's plan from one process version to another, with what it maps and which instances it affects. */
export function planMigration(sourceDefinitionId: string, targetDefinitionId: string): Promise<MigrationPreview> {
  return postJson('/api/processes/migrations/plan', { sourceDefinitionId, targetDefinitionId }, migrationPreview);
}

export function executeMigration(plan: MigrationPlan, instanceIds: string[]): Promise<MigrationResult> {
  return postJson('/api/processes/migrations/execute', { plan, instanceIds }, migrationResult);
}
