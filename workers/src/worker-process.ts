import pino, { type Logger } from 'pino';
import type { Db } from '../../api/src/db/knex';
import { EngineClient } from '../../api/src/engine/engine-client';
import { TaskClient } from './task-client';
import type { SecurityServices } from '../../api/src/security/security-services';
import { buildHandlers, type WorkerIntegrations } from './handlers/index';
import { startHeartbeat } from './heartbeat';
import { composeServices, type Services } from '../../api/src/composition';
import { ReviewAssignmentService } from '../../api/src/modules/registration/assignment.service';

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
  /** PAYMENT_QUERY_CYCLE, as the API has it. */
  paymentQueryCycle?: string;
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
  // The same composition as the API's.
  const { payment, courier, notify } = o.integrations ?? {};
  const services = composeServices({ db: o.db, engine, security: o.security, log, paymentQueryCycle: o.paymentQueryCycle, payment, courier, notify });
  for (const handler of buildHandlers(services, o.integrations)) client.register(handler);
  const stopHeartbeat = startHeartbeat(o.db, o.workerId, client.subscribedTopics, 10_000, (err) => log.warn({ err }, 'heartbeat failed'));
  client.start();
  const stopAutoAssign = o.autoAssignEveryMs ? startAutoAssign(o, engine, services, log, o.autoAssignEveryMs) : () => {};
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
function startAutoAssign(o: WorkerProcessOptions, engine: EngineClient, services: Services, log: Logger, everyMs: number): () => void {
  const assignment = ReviewAssignmentService.create(o.db, engine, services.registrationRows, o.security);
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
