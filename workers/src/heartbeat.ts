import type { Db } from '../../api/src/db/knex';

/** Tells the health endpoint this worker process is alive; returns a function that stops it. */
export function startHeartbeat(db: Db, workerId: string, topics: readonly string[], everyMs = 10_000, onError: (err: unknown) => void = () => {}): () => Promise<void> {
  const startedAt = new Date();
  const beat = () =>
    db('worker_heartbeats')
      .insert({ worker_id: workerId, topics: [...topics], started_at: startedAt, last_seen: db.fn.now() })
      .onConflict('worker_id')
      .merge(['topics', 'last_seen'])
      .then(() => undefined, onError);
  void beat();
  const timer = setInterval(beat, everyMs);
  return async () => {
    clearInterval(timer);
    await db('worker_heartbeats').where({ worker_id: workerId }).delete().catch(onError);
  };
}
