import type { AuthContext } from '../auth/auth-context.ts';
import { EngineError } from '../engine/errors.ts';
import * as operations from '../engine/operations.ts';
import { handleExternalTaskBpmnError as handleBpmnErrorOfExternalTask } from '../engine/thrown-events.ts';
import type { ProcessInstanceState, Variables } from '../engine/state.ts';
import { mayInstanceItem, requireInstanceItem } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { externalTaskOperation } from './job-operation-log.ts';
import { type LoggedUpdate, loggedWithInstance } from './operation-log.ts';
import { ResourceNotFound } from './errors.ts';
import type { QueryItem } from './read-models.ts';
import type { InstanceUpdate } from '../service/engine-service.ts';

/** External tasks (Camunda's ExternalTaskService): fetch and lock, query, complete, fail, extend, unlock. */

/** API Gateway cuts requests at 29 s; long polling stays safely below. */
export const MAX_LONG_POLL_MS = 25_000;
const POLL_INTERVAL_MS = 300;

export interface FetchTopic {
  topicName: string;
  lockDuration: number;
  /** Names of the variables to return; all when absent. */
  variables?: readonly string[];
  businessKey?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
}

export interface FetchAndLockInput {
  workerId: string;
  maxTasks?: number;
  asyncResponseTimeout?: number;
  topics: readonly FetchTopic[];
}

/** A task this worker now holds: its query item as locked, and the variables it asked for. */
export interface LockedExternalTask {
  task: QueryItem;
  variables: Variables;
}

const noSuchExternalTask = (id: string) => new ResourceNotFound(`External task with id ${id} does not exist`, 'RestException');

function fetchable(item: QueryItem, now: number): boolean {
  const lockFree = item.lockExpirationTime === null || item.lockExpirationTime === undefined || (item.lockExpirationTime as number) <= now;
  const retriesLeft = item.retries === null || item.retries === undefined || (item.retries as number) > 0;
  return lockFree && retriesLeft;
}

function variablesFor(state: ProcessInstanceState, names: readonly string[] | undefined): Variables {
  const all = state.root.variables ?? {};
  return names ? Object.fromEntries(Object.entries(all).filter(([name]) => names.includes(name))) : { ...all };
}

function findTaskState(state: ProcessInstanceState, externalTaskId: string) {
  const stack = [state.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.externalTask?.id === externalTaskId) return node.externalTask;
    stack.push(...(node.children ?? []));
  }
  return undefined;
}

/**
 * Locks up to maxTasks tasks of instances the caller may read and update; a task another worker
 * locked first is skipped, never double-locked.
 */
async function fetchOnce(app: AppContext, caller: AuthContext, request: FetchAndLockInput): Promise<LockedExternalTask[]> {
  const locked: LockedExternalTask[] = [];
  const max = request.maxTasks ?? 10;
  const env = app.engine.env;
  for (const topic of request.topics) {
    if (locked.length >= max) break;
    const now = env.now();
    // Only the tasks that can be locked now are read, and only as far as the request can still lock.
    const candidates = app.engine.deps.items.fetchableExternalTasks(topic.topicName, now, { expected: max - locked.length });
    const accept = async (item: QueryItem) =>
      fetchable(item, now) &&
      (!topic.businessKey || item.businessKey === topic.businessKey) &&
      (!topic.processDefinitionId || item.processDefinitionId === topic.processDefinitionId) &&
      (!topic.processDefinitionKey || item.processDefinitionKey === topic.processDefinitionKey) &&
      (await mayInstanceItem(caller, item, 'READ')) &&
      (await mayInstanceItem(caller, item, 'UPDATE'));
    for await (const candidate of candidates) {
      if (locked.length >= max) break;
      if (!(await accept(candidate))) continue;
      const id = candidate.id as string;
      try {
        const state = await app.engine.update(
          candidate.processInstanceId as string,
          (s) => {
            const current = findTaskState(s, id);
            // The fetchable index can lag behind a suspension: a suspended instance's task is not fetched.
            if (!current || s.suspended || (current.workerId && (current.lockExpiration ?? 0) > env.now())) return s;
            return operations.lockExternalTask(s, id, request.workerId, topic.lockDuration, env);
          },
          () => new EngineError('NotFoundException', 'gone'),
        );
        const task = findTaskState(state, id);
        if (!task || task.workerId !== request.workerId) continue;
        locked.push({ task: { ...candidate, workerId: request.workerId, lockExpirationTime: task.lockExpiration ?? null }, variables: variablesFor(state, topic.variables) });
      } catch (error) {
        if (error instanceof EngineError && (error.type === 'NotFoundException' || error.type === 'OptimisticLockingException')) continue;
        throw error;
      }
    }
  }
  return locked;
}

/** Fetch and lock with long polling: waits up to asyncResponseTimeout (capped) for a first task. */
export const fetchAndLock: UseCase<FetchAndLockInput, LockedExternalTask[]> = async (app, caller, request) => {
  const deadline = Date.now() + Math.min(request.asyncResponseTimeout ?? 0, MAX_LONG_POLL_MS);
  for (;;) {
    const locked = await fetchOnce(app, caller, request);
    if (locked.length > 0 || Date.now() >= deadline) return locked;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
};

/** One external task of an instance the caller may read; otherwise it is reported as missing. */
export const getExternalTask: UseCase<{ externalTaskId: string }, QueryItem> = async (app, caller, { externalTaskId }) => {
  const item = await app.engine.deps.items.getExternalTask(externalTaskId);
  if (!item || !(await mayInstanceItem(caller, item, 'READ'))) throw noSuchExternalTask(externalTaskId);
  return item;
};

/** Applies a change to a readable task's instance, which the caller must be allowed to update. */
async function updateTask(app: AppContext, caller: AuthContext, externalTaskId: string, change: InstanceUpdate, logged?: LoggedUpdate): Promise<void> {
  const item = await getExternalTask(app, caller, { externalTaskId });
  await requireInstanceItem(caller, item, 'UPDATE');
  await app.engine.update(item.processInstanceId as string, change, () => noSuchExternalTask(externalTaskId), logged ? loggedWithInstance(app, caller, logged) : []);
}

export interface CompleteExternalTaskInput {
  externalTaskId: string;
  workerId: string;
  variables: Variables;
  localVariables: Variables;
}

export const completeExternalTask: UseCase<CompleteExternalTaskInput, void> = (app, caller, input) =>
  updateTask(app, caller, input.externalTaskId, (s, model) => operations.completeExternalTask(s, model, input.externalTaskId, input.workerId, input.variables, input.localVariables, app.engine.env));

export interface ExternalTaskBpmnErrorInput {
  externalTaskId: string;
  workerId: string;
  errorCode?: string;
  errorMessage?: string;
  variables: Variables;
}

/** The worker reports a BPMN error: it propagates from the external task's token (see shared/engine/thrown-events.ts). */
export const handleExternalTaskBpmnError: UseCase<ExternalTaskBpmnErrorInput, void> = (app, caller, { externalTaskId, ...error }) =>
  updateTask(app, caller, externalTaskId, (s, model) => handleBpmnErrorOfExternalTask(s, model, externalTaskId, error, app.engine.env));

export interface ExternalTaskFailureInput extends operations.ExternalTaskFailure {
  externalTaskId: string;
}

export const handleExternalTaskFailure: UseCase<ExternalTaskFailureInput, void> = (app, caller, { externalTaskId, ...failure }) =>
  updateTask(app, caller, externalTaskId, (s) => operations.failExternalTask(s, externalTaskId, failure, app.engine.env));

export const extendExternalTaskLock: UseCase<{ externalTaskId: string; workerId: string; newDuration: number }, void> = (app, caller, { externalTaskId, workerId, newDuration }) =>
  updateTask(app, caller, externalTaskId, (s) => operations.extendExternalTaskLock(s, externalTaskId, workerId, newDuration, app.engine.env));

export const unlockExternalTask: UseCase<{ externalTaskId: string }, void> = (app, caller, { externalTaskId }) =>
  updateTask(app, caller, externalTaskId, (s) => operations.unlockExternalTask(s, externalTaskId), externalTaskOperation('Unlock', externalTaskId));
