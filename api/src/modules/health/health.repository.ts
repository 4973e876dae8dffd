import type { Db } from '../../db/knex';

/** The database's own answer to "are you there", and the worker processes' heartbeats. */
export class HealthRepository {
  constructor(private readonly db: Db) {}

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  /** Worker processes whose heartbeat is at most `seconds` old. */
  async liveWorkers(seconds: number): Promise<number> {
    const { rows } = await this.db.raw<{ rows: Array<{ count: string }> }>(`select count(*) from worker_heartbeats where last_seen > now() - make_interval(secs => ?)`, [seconds]);
    return Number(rows[0]?.count ?? 0);
  }
}
