/** The parts of camunda-external-task-client-js (plain JS, no bundled types) the e2e tests use. */
declare module 'camunda-external-task-client-js' {
  export interface TypedValue {
    type: string;
    value: unknown;
    valueInfo?: Record<string, unknown>;
  }

  export class Variables {
    constructor(initial?: Record<string, TypedValue>, options?: Record<string, unknown>);
    get(name: string): unknown;
    getTyped(name: string): TypedValue | null;
    getAll(): Record<string, unknown>;
    set(name: string, value: unknown): this;
    setTyped(name: string, typedValue: TypedValue): this;
    setAll(values: Record<string, unknown>): this;
  }

  export interface Task {
    id: string;
    topicName: string;
    workerId: string;
    processInstanceId: string;
    processDefinitionKey: string;
    activityId: string;
    businessKey: string | null;
    retries: number | null;
    errorMessage: string | null;
    variables: Variables;
  }

  export interface TaskService {
    complete(task: Task | string, variables?: Variables, localVariables?: Variables): Promise<void>;
    handleFailure(task: Task | string, options: { errorMessage?: string; errorDetails?: string; retries?: number; retryTimeout?: number }): Promise<void>;
    extendLock(task: Task | string, newDuration: number): Promise<void>;
    unlock(task: Task | string): Promise<void>;
  }

  export interface ClientOptions {
    baseUrl: string;
    workerId?: string;
    maxTasks?: number;
    interval?: number;
    lockDuration?: number;
    autoPoll?: boolean;
    asyncResponseTimeout?: number;
    usePriority?: boolean;
    use?: unknown;
  }

  export type Handler = (args: { task: Task; taskService: TaskService }) => Promise<void> | void;

  export class Client {
    constructor(options: ClientOptions);
    subscribe(topic: string, handler: Handler): { unsubscribe(): void };
    subscribe(topic: string, options: Record<string, unknown>, handler: Handler): { unsubscribe(): void };
    start(): void;
    stop(): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const logger: unknown;
}
