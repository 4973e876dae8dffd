import type { ExecuteMigrationRequest, MigrationPlanRequest, MigrationPreview, MigrationResult } from '../../contracts/process-migration';
import { EngineError, type EngineClient, type EngineProcessDefinition } from '../../engine/engine-client';
import { DomainError, validationError } from '../../http/errors';
import { flowElementsOf, readBpmn } from './model-check';

/** Up to this many instances migrate at once; more run as an engine batch. */
export const SYNC_MIGRATION_LIMIT = 50;

const messages = {
  noDefinition: (field: string) => (field === 'sourceDefinitionId' ? '源流程版本不存在' : '目标流程版本不存在'),
  sameDefinition: '源版本与目标版本相同',
  otherProcess: '源版本与目标版本须属于同一流程',
  notOfSource: '所选实例不属于源流程版本或已结束',
  planMismatch: '迁移计划与所选版本不一致',
  engineRefused: (detail: string) => `流程引擎拒绝迁移：${detail}`,
};

/** Activities that carry running tokens (what a migration instruction can map). */
const ACTIVITY_TYPES = /^bpmn:(\w*Task|SubProcess|CallActivity|IntermediateCatchEvent|ReceiveTask|BoundaryEvent|EventBasedGateway|ParallelGateway|InclusiveGateway)$/;

/**
 * Migration of running cases to another version (U4): the engine generates the plan (activities
 * mapped by id), the preview names the activities and the instances affected, then the chosen
 * instances migrate (at once for a few, as an engine batch for many).
 */
export class ProcessMigrationService {
  constructor(private readonly engine: EngineClient) {}

  private async definition(id: string, field: string): Promise<EngineProcessDefinition> {
    try {
      return await this.engine.processDefinition(id);
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) throw validationError([{ field, message: messages.noDefinition(field) }]);
      throw err;
    }
  }

  private async activities(definitionId: string): Promise<Map<string, string | null>> {
    const elements = flowElementsOf(await readBpmn(await this.engine.processDefinitionXml(definitionId)));
    return new Map(elements.filter((e) => ACTIVITY_TYPES.test(e.$type)).map((e) => [e.id ?? '', typeof e.name === 'string' ? e.name : null]));
  }

  async plan(input: MigrationPlanRequest): Promise<MigrationPreview> {
    if (input.sourceDefinitionId === input.targetDefinitionId) throw validationError([{ field: 'targetDefinitionId', message: messages.sameDefinition }]);
    const [source, target] = await Promise.all([this.definition(input.sourceDefinitionId, 'sourceDefinitionId'), this.definition(input.targetDefinitionId, 'targetDefinitionId')]);
    if (source.key !== target.key) throw validationError([{ field: 'targetDefinitionId', message: messages.otherProcess }]);
    const generated = await this.engine.generateMigrationPlan(source.id, target.id);
    const plan = { sourceProcessDefinitionId: source.id, targetProcessDefinitionId: target.id, instructions: generated.instructions };
    const [sourceActivities, targetActivities, validation, instances] = await Promise.all([
      this.activities(source.id),
      this.activities(target.id),
      this.engine.validateMigrationPlan(plan),
      this.engine.processInstancesOfDefinition(source.id),
    ]);
    const mapped = new Set(plan.instructions.flatMap((i) => i.sourceActivityIds));
    const ref = (names: Map<string, string | null>, id: string) => ({ id, name: names.get(id) ?? null });
    return {
      plan,
      source: { id: source.id, key: source.key, version: source.version },
      target: { id: target.id, key: target.key, version: target.version },
      mappings: plan.instructions.map((i) => ({ source: ref(sourceActivities, i.sourceActivityIds[0] ?? ''), target: ref(targetActivities, i.targetActivityIds[0] ?? '') })),
      unmappedSourceActivities: [...sourceActivities.keys()].filter((id) => !mapped.has(id)).map((id) => ref(sourceActivities, id)),
      problems: validation.instructionReports.flatMap((r) => r.failures),
      affected: { count: instances.length, instances: instances.map((i) => ({ id: i.id, businessKey: i.businessKey })) },
    };
  }

  async execute(input: ExecuteMigrationRequest): Promise<MigrationResult> {
    const { plan } = input;
    const [source, target] = await Promise.all([
      this.definition(plan.sourceProcessDefinitionId, 'sourceDefinitionId'),
      this.definition(plan.targetProcessDefinitionId, 'targetDefinitionId'),
    ]);
    if (source.key !== target.key || source.id === target.id) throw validationError([{ field: 'plan', message: messages.planMismatch }]);
    const ids = [...new Set(input.instanceIds)];
    const instances = await this.engine.processInstancesByIds(ids);
    const bySource = new Map(instances.filter((i) => i.definitionId === source.id).map((i) => [i.id, i]));
    const stray = ids.filter((id) => !bySource.has(id));
    if (stray.length) throw validationError([{ field: 'instanceIds', message: `${messages.notOfSource}：${stray.slice(0, 5).join('、')}` }]);
    try {
      if (ids.length > SYNC_MIGRATION_LIMIT) {
        const batch = await this.engine.executeMigrationAsync(plan, ids);
        return { mode: 'async', batchId: batch.id, results: [] };
      }
      await this.engine.executeMigration(plan, ids);
    } catch (err) {
      if (err instanceof EngineError && (err.status === 400 || err.status === 500)) {
        throw new DomainError(422, 'MIGRATION_REFUSED', messages.engineRefused(err.message), [{ field: 'plan', message: messages.engineRefused(err.message) }]);
      }
      throw err;
    }
    // Read back: each instance now runs on the target version.
    const after = new Map((await this.engine.processInstancesByIds(ids)).map((i) => [i.id, i]));
    return {
      mode: 'sync',
      batchId: null,
      results: ids.map((id) => {
        const now = after.get(id);
        return { id, businessKey: bySource.get(id)?.businessKey ?? null, definitionId: now?.definitionId ?? source.id, migrated: now?.definitionId === target.id };
      }),
    };
  }
}
