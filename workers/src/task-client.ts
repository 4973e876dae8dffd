import { Client, Variables, BasicAuthInterceptor, type RawTask, type TaskService } from 'camunda-external-task-client-js';
import type { Logger } from 'pino';
import type { z, ZodType } from 'zod';

type VariableValue = string | number | boolean | null;
type VariableSet = Record<string, VariableValue>;

/** What a handler decides; the adapter reports it to the engine. */
export type HandlerOutcome<O extends VariableSet = VariableSet> =
  | { kind: 'complete'; variables?: O }
  /** A business outcome the model declares with an error boundary event. */
  | { kind: 'bpmn-error'; code: string; message: string };

export interface ExternalTask<V> {
  id: string;
  topic: string;
  businessKey: string;
  processInstanceId: string;
  activityId: string;
  /** One per entry into the step (a loop enters it again with a new one); the same for every redelivery. */
  activityInstanceId: string;
  variables: V;
  /** Retries left as the engine counts them; null on the first attempt. */
  retries: number | null;
}

/**
 * One handler per topic: it parses its variables with `variables`, calls a domain service and returns the
 * outcome; `O` is what it completes with (the topic's output in `api/src/contracts/flows/`).
 */
export interface TopicHandler<S extends ZodType = ZodType, O extends VariableSet = VariableSet> {
  topic: string;
  variables: S;
  /** Retries after a failed attempt before the engine raises an incident (the engine's meaning: attempts = retries + 1). */
  retries?: number;
  /** Wait before each retry; the last value repeats. Default 5 s, 30 s, 2 min, 10 min. */
  backoffMs?: readonly number[];
  lockDurationMs?: number;
  handle(task: ExternalTask<z.infer<S>>): Promise<HandlerOutcome<O>>;
}

export interface TaskClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  workerId: string;
  log: Logger;
  maxParallel?: number;
  /** Long polling: the engine holds a fetch-and-lock request open this long when there is no work. */
  asyncResponseTimeoutMs?: number;
}

const DEFAULT_RETRIES = 3;

const DEFAULT_BACKOFF_MS = [5_000, 30_000, 120_000, 600_000] as const;

/** Wait before the next attempt, given how many failures came before it (1 = first failure). */
export function retryTimeout(failures: number, backoffMs: readonly number[] = DEFAULT_BACKOFF_MS): number {
  return backoffMs[Math.min(failures, backoffMs.length) - 1] ?? 0;
}

/**
 * A small typed adapter over camunda-external-task-client-js: handlers never see the raw client,
 * failures go back to the engine with retries and back-off, and every outcome is logged here.
 */
export class TaskClient {
  private readonly client: Client;
  private readonly inFlight = new Map<Promise<void>, { task: RawTask; taskService: TaskService }>();
  private readonly topics: string[] = [];

  constructor(private readonly options: TaskClientOptions) {
    this.client = new Client({
      baseUrl: options.baseUrl,
      workerId: options.workerId,
      maxTasks: options.maxParallel ?? 10,
      maxParallelExecutions: options.maxParallel ?? 10,
      asyncResponseTimeout: options.asyncResponseTimeoutMs ?? 10_000,
      interval: 300,
      autoPoll: false,
      interceptors: [
        new BasicAuthInterceptor({ username: options.username, password: options.password }) as unknown as (c: Record<string, unknown>) => Record<string, unknown>,
      ],
    });
    this.client.on('poll:error', (err: unknown) => options.log.warn({ err: errorMessage(err) }, 'fetch-and-lock failed'));
  }

  get subscribedTopics(): readonly string[] {
    return this.topics;
  }

  register<S extends ZodType>(handler: TopicHandler<S>): void {
    const log = this.options.log.child({ topic: handler.topic });
    const totalRetries = handler.retries ?? DEFAULT_RETRIES;
    this.topics.push(handler.topic);
    this.client.subscribe(handler.topic, { lockDuration: handler.lockDurationMs ?? 60_000 }, ({ task, taskService }) => {
      const run = this.execute(handler, task, taskService, log, totalRetries);
      this.inFlight.set(run, { task, taskService });
      return run.finally(() => this.inFlight.delete(run));
    });
  }

  private async execute<S extends ZodType>(handler: TopicHandler<S>, task: RawTask, taskService: TaskService, log: Logger, totalRetries: number): Promise<void> {
    const started = Date.now();
    const context = { taskId: task.id, businessKey: task.businessKey };
    try {
      const variables = handler.variables.parse(task.variables.getAll()) as z.infer<S>;
      const outcome = await handler.handle({
        id: task.id,
        topic: task.topicName,
        businessKey: task.businessKey ?? '',
        processInstanceId: task.processInstanceId,
        activityId: task.activityId,
        activityInstanceId: task.activityInstanceId,
        variables,
        retries: task.retries,
      });
      if (outcome.kind === 'complete') {
        await taskService.complete(task, new Variables().setAll(outcome.variables ?? {}));
        log.info({ ...context, ms: Date.now() - started }, 'task completed');
      } else {
        await taskService.handleBpmnError(task, outcome.code, outcome.message);
        log.info({ ...context, code: outcome.code }, 'task ended with business error');
      }
    } catch (err) {
      // The engine reports no retries before the first failure.
      const retriesLeft = task.retries === null ? totalRetries : task.retries - 1;
      const timeout = retryTimeout(totalRetries - retriesLeft + 1, handler.backoffMs);
      log.error({ ...context, err: errorMessage(err), retriesLeft }, retriesLeft > 0 ? 'task failed, will retry' : 'task failed, incident raised');
      try {
        await taskService.handleFailure(task, {
          errorMessage: errorMessage(err).slice(0, 300),
          errorDetails: err instanceof Error ? (err.stack ?? err.message) : String(err),
          retries: Math.max(retriesLeft, 0),
          retryTimeout: timeout,
        });
      } catch (reportErr) {
        // The lock will expire and the engine hands the task out again.
        log.error({ ...context, err: errorMessage(reportErr) }, 'could not report failure');
      }
    }
  }

  start(): void {
    this.client.start();
  }

  /** Stops fetching, lets running handlers finish, and releases the locks of those that did not in time. */
  async stop(graceMs = 10_000): Promise<void> {
    this.client.stop();
    await Promise.race([Promise.allSettled([...this.inFlight.keys()]), new Promise((r) => setTimeout(r, graceMs))]);
    // Handlers are idempotent, so another worker may safely take these tasks over at once.
    await Promise.allSettled([...this.inFlight.values()].map(({ task, taskService }) => taskService.unlock(task)));
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err) return String(err.message);
  return String(err);
}
