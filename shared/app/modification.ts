import type { Batch } from '../batch/batch.ts';
import type { ModificationInstruction } from '../engine/modification/instructions.ts';
import { definitionMismatch, instanceCannotBeModified, modifyProcessInstance as modify } from '../engine/modification/modify.ts';
import type { OperationResult } from '../engine/operation.ts';
import { count, METRIC } from '../observability/metrics.ts';
import { retryOnConflict } from '../service/conflict-retry.ts';
import type { LoadedInstance } from '../service/engine-service.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { requireInstance } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import type { DefinitionRecord } from './read-models.ts';
import { findHistoricInstances } from './history.ts';
import { findProcessInstances, type ProcessInstanceFilter } from './process-instances.ts';
import { checkedRateLimit, invalidRequest } from './errors.ts';
import { CATEGORY, definitionContext, instanceOperation, type LoggedChange, loggedWithInstance, logOperation } from './operation-log.ts';

export interface ModificationOptions {
  instructions: ModificationInstruction[];
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
  /** Kept with the operation's user operation log entries. */
  annotation?: string | null;
  /** Asynchronous forms only (an extension): instances that ended before their job are skipped. */
  skipEndedInstances?: boolean;
  /** Asynchronous forms only (an extension): at most this many instances modified per second. */
  maxInstancesPerSecond?: number | null;
}

/** The extension's flag as the batch keeps it: absent unless asked for, so a batch is Camunda's otherwise. */
const skipEnded = (input: ModificationOptions) => (input.skipEndedInstances ? { skipEndedInstances: true } : {});

/** The rate limit a batch is created with, checked (an extension; none unless asked for). */
function rateLimitOf(input: ModificationOptions): { maxInstancesPerSecond?: number } {
  if (input.maxInstancesPerSecond === undefined || input.maxInstancesPerSecond === null) return {};
  return { maxInstancesPerSecond: checkedRateLimit(input.maxInstancesPerSecond) };
}

/** Camunda's ModifyProcessInstance entries: on one instance, or (many instances) their count and whether asynchronously. */
const MODIFY = { operationType: 'ModifyProcessInstance', entityType: 'ProcessInstance', category: CATEGORY.operator } as const;

/** `batchId`: the batch an asynchronous modification created (an extension: Camunda leaves it empty). */
function multipleModificationLogged(definition: DefinitionRecord, instances: number, async: boolean, batchId: string | null = null): LoggedChange {
  return {
    ...MODIFY,
    context: { ...definitionContext(definition), batchId },
    changes: [
      { property: 'nrOfInstances', newValue: instances },
      { property: 'async', newValue: async },
    ],
  };
}

/** Camunda's permissions for creating a modification batch (either suffices). */
export const requireBatchCreation = (caller: AuthContext) => caller.require({ permission: 'CREATE_BATCH_MODIFY_PROCESS_INSTANCES', resource: 'Batch' }, { permission: 'CREATE', resource: 'Batch' });

/**
 * POST /process-instance/{id}/modification: UPDATE on the instance, and DELETE as well when the
 * modification ends it (Camunda checks it when the modification cancels the instance). Checked on
 * the state the modification applies to: one read per attempt. No instructions: nothing happens.
 */
export const modifyProcessInstance: UseCase<{ processInstanceId: string } & ModificationOptions, void> = async (app, caller, input) => {
  if (input.instructions.length === 0) return;
  const id = input.processInstanceId;
  await app.engine.update(
    id,
    async (state, model) => {
      await requireInstance(caller, state, 'UPDATE');
      const result = modify(
        state,
        model,
        { instructions: input.instructions, skipCustomListeners: input.skipCustomListeners, skipIoMappings: input.skipIoMappings, externallyTerminated: true },
        app.engine.env,
      );
      if (result.state.status !== 'ACTIVE') await requireInstance(caller, state, 'DELETE');
      return result;
    },
    () => instanceCannotBeModified(id),
    loggedWithInstance(app, caller, instanceOperation(MODIFY.operationType), input.annotation),
  );
  count(METRIC.instancesModified);
};

/**
 * POST /process-instance/{id}/modification-async: a single-instance batch. Camunda checks only the
 * batch permission here; the job executor does not check instance permissions.
 */
export const modifyProcessInstanceAsync: UseCase<{ processInstanceId: string } & ModificationOptions, Batch> = async (app, caller, input) => {
  if (input.instructions.length === 0) throw invalidRequest('The provided instuctions are invalid.');
  // Existence, definition and tenant are all the batch needs: the state is read by the job.
  const instance = await app.engine.summary(input.processInstanceId);
  if (!instance) throw instanceCannotBeModified(input.processInstanceId);
  await requireBatchCreation(caller);
  const batch = await app.batches.startBatch({
    configuration: {
      processDefinitionId: instance.definitionId,
      processInstanceIds: [instance.id],
      instructions: input.instructions,
      skipCustomListeners: input.skipCustomListeners,
      skipIoMappings: input.skipIoMappings,
      ...skipEnded(input),
    },
    tenantId: instance.tenantId,
    createUserId: caller.userId,
    singleInstance: true,
    ...rateLimitOf(input),
  });
  const definition = await app.engine.definition(instance.definitionId);
  // The batch's id is an extension: Camunda leaves it empty (docs/api.md, "Trace").
  const context = { processInstanceId: instance.id, processDefinitionId: instance.definitionId, processDefinitionKey: definition?.key ?? null, tenantId: instance.tenantId, batchId: batch.id };
  await logOperation(app, caller, { ...MODIFY, context }, input.annotation);
  return batch;
};

/** Camunda's HistoricProcessInstanceQuery filters a bulk modification may select by. */
export interface HistoricInstanceSelection {
  processInstanceIds?: readonly string[] | null;
  processDefinitionId?: string | null;
  processDefinitionKey?: string | null;
  finished?: boolean | null;
  unfinished?: boolean | null;
}

/** A modification of many instances of one definition (reference §1.8). */
export interface MultipleModification extends ModificationOptions {
  processDefinitionId: string;
  processInstanceIds?: readonly (string | null)[] | null;
  processInstanceQuery?: ProcessInstanceFilter | null;
  historicProcessInstanceQuery?: HistoricInstanceSelection | null;
}

interface Targets {
  definition: DefinitionRecord;
  processInstanceIds: string[];
}

/** The builder's validation in Camunda's order, after selecting the instances the caller may see. */
export async function resolveTargets(app: AppContext, caller: AuthContext, input: MultipleModification): Promise<Targets> {
  if (input.instructions.length === 0) throw invalidRequest('Modification instructions cannot be empty is empty');
  const ids = new Set<string | null>(input.processInstanceIds ?? []);
  if (input.processInstanceQuery) for (const s of await findProcessInstances(app, caller, input.processInstanceQuery)) ids.add(s.id);
  const h = input.historicProcessInstanceQuery;
  // Like Camunda's historic query: only the history the caller may read (READ_HISTORY, tenants).
  if (h) {
    const filter = {
      processInstanceIds: h.processInstanceIds,
      processDefinitionId: h.processDefinitionId ?? undefined,
      processDefinitionKey: h.processDefinitionKey ?? undefined,
      finished: h.finished ?? undefined,
      unfinished: h.unfinished ?? undefined,
    };
    for (const item of await findHistoricInstances(app, caller, filter)) ids.add(item.id as string);
  }
  if (ids.size === 0) throw invalidRequest('Process instance ids cannot be empty: Process instance ids is empty');
  if (ids.has(null)) throw invalidRequest('Process instance ids cannot be null: Process instance ids contains null value');
  const definition = await app.engine.definition(input.processDefinitionId);
  if (!definition) throw invalidRequest(`no deployed process definition found with id '${input.processDefinitionId}': processDefinition is null`);
  return { definition, processInstanceIds: [...ids] as string[] };
}

interface Planned {
  loaded: LoadedInstance;
  result: OperationResult;
}

/** One instance of a bulk modification, computed on its current state with the caller's checks. */
export async function plan(app: AppContext, caller: AuthContext, id: string, definition: DefinitionRecord, input: ModificationOptions): Promise<Planned> {
  const loaded = await app.engine.load(id);
  if (!loaded) throw instanceCannotBeModified(id);
  const state = loaded.stored.state;
  await requireInstance(caller, state, 'UPDATE');
  if (state.definitionId !== definition.id) throw definitionMismatch(id, state.definitionId, definition.id);
  const result = modify(state, loaded.model, { instructions: input.instructions, skipCustomListeners: input.skipCustomListeners, skipIoMappings: input.skipIoMappings }, app.engine.env);
  if (result.state.status !== 'ACTIVE') await requireInstance(caller, state, 'DELETE');
  return { loaded, result };
}

/**
 * POST /modification/execute: every instance is computed and checked first, so an engine or
 * authorization error on any of them changes none. Then each is written; one that lost a version
 * race meanwhile is planned again on its fresh state under the one conflict policy.
 */
export const executeModification: UseCase<MultipleModification, void> = async (app, caller, input) => {
  const { definition, processInstanceIds } = await resolveTargets(app, caller, input);
  const planned: Planned[] = [];
  for (const id of processInstanceIds) planned.push(await plan(app, caller, id, definition, input));
  for (const first of planned) {
    let ready: Planned | undefined = first;
    await retryOnConflict(async () => {
      const attempt = ready ?? (await plan(app, caller, first.loaded.stored.state.id, definition, input));
      ready = undefined;
      await app.engine.saveResult(attempt.loaded.stored, attempt.result, attempt.loaded.model);
    }, app.engine.deps.conflictRetries);
    count(METRIC.instancesModified);
  }
  await logOperation(app, caller, multipleModificationLogged(definition, processInstanceIds.length, false), input.annotation);
};

/** POST /modification/executeAsync: a batch over the selected instances. */
export const executeModificationAsync: UseCase<MultipleModification, Batch> = async (app, caller, input) => {
  const { definition, processInstanceIds } = await resolveTargets(app, caller, input);
  await requireBatchCreation(caller);
  const batch = await app.batches.startBatch({
    configuration: {
      processDefinitionId: definition.id,
      processInstanceIds,
      instructions: input.instructions,
      skipCustomListeners: input.skipCustomListeners,
      skipIoMappings: input.skipIoMappings,
      ...skipEnded(input),
    },
    tenantId: definition.tenantId,
    createUserId: caller.userId,
    singleInstance: false,
    ...rateLimitOf(input),
  });
  await logOperation(app, caller, multipleModificationLogged(definition, processInstanceIds.length, true, batch.id), input.annotation);
  return batch;
};
