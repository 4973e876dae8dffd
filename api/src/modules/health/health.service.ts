import type { Db } from '../../db/knex';
import type { EngineClient } from '../../engine/engine-client';
import { HealthRepository } from './health.repository';

/** `reason` is for anyone (Chinese, fixed); `detail` is the raw cause, for operators only. */
export type ComponentStatus = { status: 'up' } | { status: 'down'; reason: string; detail?: string };
export interface HealthReport {
  status: 'up' | 'down';
  components: { database: ComponentStatus; engine: ComponentStatus; workers: ComponentStatus & { count?: number } };
}

/** A worker process counts as alive when its heartbeat is at most this old. */
export const WORKER_HEARTBEAT_STALE_SECONDS = 30;

export class HealthService {
  private readonly repo: HealthRepository;

  constructor(
    db: Db,
    private readonly engine: EngineClient,
  ) {
    this.repo = new HealthRepository(db);
  }

  async check(): Promise<HealthReport> {
    const [database, engine, workers] = await Promise.all([this.database(), this.engineStatus(), this.workers()]);
    const status = [database, engine, workers].every((c) => c.status === 'up') ? 'up' : 'down';
    return { status, components: { database, engine, workers } };
  }

  private async database(): Promise<ComponentStatus> {
    try {
      await this.repo.ping();
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', reason: '数据库不可用', detail: causeOf(err) };
    }
  }

  private async engineStatus(): Promise<ComponentStatus> {
    try {
      await this.engine.engineNames();
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', reason: '流程引擎不可用', detail: causeOf(err) };
    }
  }

  private async workers(): Promise<ComponentStatus & { count?: number }> {
    try {
      const count = await this.repo.liveWorkers(WORKER_HEARTBEAT_STALE_SECONDS);
      return count > 0 ? { status: 'up', count } : { status: 'down', reason: '任务处理器未运行', detail: `no worker heartbeat in the last ${WORKER_HEARTBEAT_STALE_SECONDS} s`, count };
    } catch (err) {
      return { status: 'down', reason: '任务处理器状态未知', detail: causeOf(err) };
    }
  }
}

const causeOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** What the public sees: each component's state and its Chinese reason, never the raw cause (addresses, driver messages). */
export function publicHealth(report: HealthReport): HealthReport {
  const strip = <C extends ComponentStatus>(c: C): C => {
    if (c.status === 'up') return c;
    const { detail: _detail, ...rest } = c;
    return rest as C;
  };
  const { database, engine, workers } = report.components;
  return { status: report.status, components: { database: strip(database), engine: strip(engine), workers: strip(workers) } };
}
