import { z } from 'zod';

const definitionId = z.string().trim().regex(/^[A-Za-z0-9_.:-]{1,200}$/, '流程版本编号不正确');

export const migrationPlanRequest = z.object({ sourceDefinitionId: definitionId, targetDefinitionId: definitionId });
export type MigrationPlanRequest = z.infer<typeof migrationPlanRequest>;

export const migrationInstruction = z.object({
  sourceActivityIds: z.array(z.string().max(200)).min(1).max(1),
  targetActivityIds: z.array(z.string().max(200)).min(1).max(1),
  updateEventTrigger: z.boolean().optional(),
});

/** The engine's migration plan (what `/migration/generate` answers), sent back unchanged to execute. */
export const migrationPlan = z.object({
  sourceProcessDefinitionId: definitionId,
  targetProcessDefinitionId: definitionId,
  instructions: z.array(migrationInstruction, { error: '迁移计划不正确' }).max(500, '迁移计划不正确'),
});
export type MigrationPlan = z.infer<typeof migrationPlan>;

const activityRef = z.object({ id: z.string(), name: z.string().nullable() });

export const migrationPreview = z.object({
  plan: migrationPlan,
  source: z.object({ id: z.string(), key: z.string(), version: z.number() }),
  target: z.object({ id: z.string(), key: z.string(), version: z.number() }),
  /** Each mapped activity with its names, for people. */
  mappings: z.array(z.object({ source: activityRef, target: activityRef })),
  /** Activities of the source with no counterpart: running instances waiting there cannot be migrated. */
  unmappedSourceActivities: z.array(activityRef),
  /** Problems the engine reports for the plan. */
  problems: z.array(z.string()),
  affected: z.object({
    count: z.number(),
    instances: z.array(z.object({ id: z.string(), businessKey: z.string().nullable() })),
  }),
});
export type MigrationPreview = z.infer<typeof migrationPreview>;

export const executeMigrationRequest = z.object({
  plan: migrationPlan,
  instanceIds: z
    .array(z.string().trim().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '流程实例编号不正确'), { error: '请选择要迁移的实例' })
    .min(1, '请选择要迁移的实例')
    .max(5000, '一次最多迁移5000个实例'),
});
export type ExecuteMigrationRequest = z.infer<typeof executeMigrationRequest>;

export const migrationResult = z.object({
  /** `sync`: migrated now (results below); `async`: a batch job of the engine runs it. */
  mode: z.enum(['sync', 'async']),
  batchId: z.string().nullable(),
  results: z.array(z.object({ id: z.string(), businessKey: z.string().nullable(), definitionId: z.string(), migrated: z.boolean() })),
});
export type MigrationResult = z.infer<typeof migrationResult>;
