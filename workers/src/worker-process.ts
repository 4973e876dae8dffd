import pino, { type Logger } from 'pino';
import type { Db } from '../../api/src/db/knex';
import { EngineClient } from '../../api/src/engine/engine-client';
import { TaskClient } from './task-client';
import type { SecurityServices } from '../../api/src/security/security-services';
import { buildHandlers, type WorkerIntegrations } from './handlers/index';
import { startHeartbeat } from './heartbeat';
import { RegistrationRepository } from '../../api/src/modules/registration/registration.repository';
import { ReviewAssignmentService } from '../../api/src/modules/tasks/assignment.service';
import { ReviewAssignmentRepository } from '../../api/src/modules/tasks/review-assignment.repository';

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
  /** Runs the automatic assignment of review tasks (U7, exams with it switched on) this often; off when unset. */
  autoAssignEveryMs?: number;
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
  const stopAutoAssign = o.autoAssignEveryMs ? startAutoAssign(o, engine, log, o.autoAssignEveryMs) : () => {};
  log.info({ workerId: o.workerId, topics: client.subscribedTopics }, 'workers started');
  return {
    topics: client.subscribedTopics,
    stop: async () => {
      stopAutoAssign();
      await client.stop();
      await stopHeartbeat();
    },
  };
}

/** The review-assign step outside the model: new review tasks go to the least-loaded reviewer without a conflict. */
function startAutoAssign(o: WorkerProcessOptions, engine: EngineClient, log: Logger, everyMs: number): () => void {
  const assignment = new ReviewAssignmentService(engine, new RegistrationRepository(o.db, o.security), new ReviewAssignmentRepository(o.db), o.security, (entry) => o.security.audit.append(entry));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    assignment
      .autoAssign('system')
      .catch((err: unknown) => log.warn({ err }, 'automatic assignment failed'))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  return () => clearInterval(timer);
}
