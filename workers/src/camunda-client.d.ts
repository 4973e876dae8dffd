// Types for the parts of camunda-external-task-client-js v3 we use (the package ships none, and
// @types describes v1.3). Kept to what ./task-client.ts needs.
declare module 'camunda-external-task-client-js' {
  import type { EventEmitter } from 'node:events';

  export interface RawTask {
    id: string;
    topicName: string;
    businessKey: string | null;
    processInstanceId: string;
    activityId: string;
    activityInstanceId: string;
    retries: number | null;
    workerId: string;
    variables: Variables;
  }

  export class Variables {
    constructor();
    get(name: string): unknown;
    getAll(): Record<string, unknown>;
    set(name: string, value: unknown): this;
    setTyped(name: string, typed: { value: unknown; type: string; valueInfo?: Record<string, unknown> }): this;
    setAll(values: Record<string, unknown>): this;
  }

  export interface TaskService {
    complete(task: RawTask, processVariables?: Variables, localVariables?: Variables): Promise<void>;
    handleFailure(task: RawTask, options: { errorMessage: string; errorDetails?: string; retries: number; retryTimeout: number }): Promise<void>;
    handleBpmnError(task: RawTask, errorCode: string, errorMessage?: string, variables?: Variables): Promise<void>;
    extendLock(task: RawTask, newDuration: number): Promise<void>;
    unlock(task: RawTask): Promise<void>;
  }

  export interface ClientOptions {
    baseUrl: string;
    workerId?: string;
    maxTasks?: number;
    maxParallelExecutions?: number;
    interval?: number;
    lockDuration?: number;
    asyncResponseTimeout?: number;
    autoPoll?: boolean;
    use?: Array<(client: Client) => void>;
    interceptors?: Array<(config: Record<string, unknown>) => Record<string, unknown>>;
  }

  export interface TopicSubscription {
    unsubscribe(): void;
  }

  export class Client extends EventEmitter {
    constructor(options: ClientOptions);
    subscribe(
      topic: string,
      options: { lockDuration?: number; variables?: string[] },
      handler: (args: { task: RawTask; taskService: TaskService }) => Promise<void>,
    ): TopicSubscription;
    start(): void;
    stop(): void;
  }

  export class BasicAuthInterceptor {
    constructor(options: { username: string; password: string });
  }
}
