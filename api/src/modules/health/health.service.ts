import type { Db } from '../../db/knex';
import type { EngineClient } from '../../engine/engine-client';
import { HealthRepository } from './health.repository';

export type ComponentStatus = { status: 'up' } | { status: 'down'; reason: string };
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
      return { status: 'down', reason: err instanceof Error ? err.message : String(err) };
    }
  }

  private async engineStatus(): Promise<ComponentStatus> {
    try {
      await this.engine.engineNames();
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', reason: err instanceof Error ? err.message : String(err) };
    }
  }

  private async workers(): Promise<ComponentStatus & { count?: number }> {
    try {
      const count = await this.repo.liveWorkers(WORKER_HEARTBEAT_STALE_SECONDS);
      return count > 0 ? { status: 'up', count } : { status: 'down', reason: 'no worker heartbeat in the last 30 s', count };
    } catch (err) {
      return { status: 'down', reason: err instanceof Error ? err.message : String(err) };
    }
  }
}
