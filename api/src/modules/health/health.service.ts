import type { Db } from '../../db/knex';
import type { EngineClient } from '../../engine/engine-client';

export type ComponentStatus = { status: 'up' } | { status: 'down'; reason: string };
export interface HealthReport {
  status: 'up' | 'down';
  components: { database: ComponentStatus; engine: ComponentStatus; workers: ComponentStatus & { count?: number } };
}

/** A worker process counts as alive when its heartbeat is at most this old. */
export const WORKER_HEARTBEAT_STALE_SECONDS = 30;

export class HealthService {
  constructor(
    private readonly db: Db,
    private readonly engine: EngineClient,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, engine, workers] = await Promise.all([this.database(), this.engineStatus(), this.workers()]);
    const status = [database, engine, workers].every((c) => c.status === 'up') ? 'up' : 'down';
    return { status, components: { database, engine, workers } };
  }

  private async database(): Promise<ComponentStatus> {
    try {
      await this.db.raw('select 1');
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
      const { rows } = await this.db.raw<{ rows: Array<{ count: string }> }>(
        `select count(*) from worker_heartbeats where last_seen > now() - make_interval(secs => ?)`,
        [WORKER_HEARTBEAT_STALE_SECONDS],
      );
      const count = Number(rows[0]?.count ?? 0);
      return count > 0 ? { status: 'up', count } : { status: 'down', reason: 'no worker heartbeat in the last 30 s', count };
    } catch (err) {
      return { status: 'down', reason: err instanceof Error ? err.message : String(err) };
    }
  }
}
