import pino, { type Logger } from 'pino';
import type { Db } from '../../api/src/db/knex';
import { EngineClient } from '../../api/src/engine/engine-client';
import { TaskClient } from './task-client';
import type { SecurityServices } from '../../api/src/security/security-services';
import { buildHandlers, type WorkerIntegrations } from './handlers/index';
import { startHeartbeat } from './heartbeat';

export interface WorkerProcessOptions {
  db: Db;
  engineRestUrl: string;
  engineUser: string;
  enginePassword: string;
  workerId: string;
  security: SecurityServices;
  log?: Logger;
  asyncResponseTimeoutMs?: number;
  integrations?: WorkerIntegrations;
}

export interface RunningWorkers {
  topics: readonly string[];
  stop(): Promise<void>;
}

/** Subscribes every handler and starts polling; used by the worker process and by tests. */
export function startWorkers(o: WorkerProcessOptions): RunningWorkers {
  const log = o.log ?? pino({ name: 'workers' });
  const engine = new EngineClient(o.engineRestUrl, o.engineUser, o.enginePassword);
  const client = new TaskClient({
    baseUrl: o.engineRestUrl,
    username: o.engineUser,
    password: o.enginePassword,
    workerId: o.workerId,
    log,
    ...(o.asyncResponseTimeoutMs !== undefined ? { asyncResponseTimeoutMs: o.asyncResponseTimeoutMs } : {}),
  });
  for (const handler of buildHandlers(o.db, engine, o.security, o.integrations)) client.register(handler);
  const stopHeartbeat = startHeartbeat(o.db, o.workerId, client.subscribedTopics, 10_000, (err) => log.warn({ err }, 'heartbeat failed'));
  client.start();
  log.info({ workerId: o.workerId, topics: client.subscribedTopics }, 'workers started');
  return {
    topics: client.subscribedTopics,
    stop: async () => {
      await client.stop();
      await stopHeartbeat();
    },
  };
}
