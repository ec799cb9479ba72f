/**
 * POST /process-definition/{id}/restart (Camunda's RestartProcessInstancesCmd): each ended instance
 * named or found by the historic query starts again as a new instance of the same definition, at
 * the activities the instructions name, with the last values of its process-level variables (from
 * the variable history) and its business key. READ_HISTORY on the definition, and what starting an
 * instance needs, are required.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import type { Batch } from '../batch/batch.ts';
import { badUserRequest, processEngineError } from '../engine/errors.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { type RestartOptions, type RestartPlan, restartPlanOf, startRestarted } from '../service/restart.ts';
import type { DefinitionRecord } from '../store/definition-repository.ts';
import { requireDefinition } from './access.ts';
import type { AppContext } from './app-context.ts';
import { CATEGORY, definitionContext, instanceContext, type LoggedChange, logOperation } from './operation-log.ts';
import { findHistoricInstances, type HistoricInstanceFilter } from './history.ts';

export interface RestartRequest extends RestartOptions {
  processInstanceIds?: readonly string[];
  historicProcessInstanceQuery?: HistoricInstanceFilter;
}

/** The instances a restart names and those its historic query finds (the caller's readable ones), each once. */
async function selectedInstances(app: AppContext, caller: AuthContext, request: RestartRequest): Promise<string[]> {
  const ids = new Set(request.processInstanceIds ?? []);
  if (request.historicProcessInstanceQuery) for (const item of await findHistoricInstances(app, caller, request.historicProcessInstanceQuery)) ids.add(item.id as string);
  return [...ids];
}

/** The operation's entries: how many instances restarted and whether asynchronously (AbstractRestartProcessInstanceCmd). */
function restartLogged(definition: DefinitionRecord, instances: number, async: boolean): LoggedChange {
  return {
    operationType: 'RestartProcessInstance',
    entityType: 'ProcessInstance',
    category: CATEGORY.operator,
    context: definitionContext(definition),
    changes: [
      { property: 'nrOfInstances', newValue: instances },
      { property: 'async', newValue: async },
    ],
  };
}

export async function restartProcessInstances(app: AppContext, caller: AuthContext, input: { definitionId: string; request: RestartRequest }): Promise<void> {
  const { request } = input;
  if (request.instructions.length === 0) throw badUserRequest('Restart instructions cannot be empty: instructions is empty');
  const ids = await selectedInstances(app, caller, request);
  if (ids.length === 0) throw badUserRequest('Process instance ids cannot be empty: Process instance ids is empty');
  const definition = await app.engine.definition(input.definitionId);
  if (!definition || !caller.canSeeTenant(definition.tenantId)) throw processEngineError('Process definition cannot be found: processDefinition is null');
  await requireDefinition(caller, definition, 'READ_HISTORY');
  await requireDefinition(caller, definition, 'CREATE_INSTANCE');
  await caller.require({ permission: 'CREATE', resource: 'ProcessInstance' });
  // Every instance is checked before any starts (Camunda restarts them in one transaction).
  const plans: RestartPlan[] = [];
  for (const id of ids) plans.push(await restartPlanOf(app.engine, definition, id, request));
  const started: ProcessInstanceState[] = [];
  for (const plan of plans) started.push(await startRestarted(app.engine, definition, plan, request));
  // Its count, and a Create entry per instance its nested starts logged (RestartProcessInstancesCmd).
  // Camunda gives them one operation id; here each Create is an operation of its own, so the log's
  // filter by instance finds it (an operation is indexed under one instance at most).
  await logOperation(app, caller, restartLogged(definition, started.length, false));
  for (const state of started) await logOperation(app, caller, { operationType: 'Create', entityType: 'ProcessInstance', category: CATEGORY.operator, context: instanceContext(state) });
}

/**
 * POST /process-definition/{id}/restart-async (RestartProcessInstancesBatchCmd): a batch of type
 * instance-restart over the instances named or found; each job restarts its instances as the
 * synchronous restart does, and one that cannot be restarted fails its job.
 */
export async function restartProcessInstancesAsync(app: AppContext, caller: AuthContext, input: { definitionId: string; request: RestartRequest }): Promise<Batch> {
  const { request } = input;
  const ids = await selectedInstances(app, caller, request);
  if (request.instructions.length === 0) throw badUserRequest('Restart instructions cannot be empty: instructions is empty');
  if (ids.length === 0) throw badUserRequest('Process instance ids cannot be empty: processInstanceIds is empty');
  const definition = await app.engine.definition(input.definitionId);
  if (!definition) throw badUserRequest('Process definition cannot be null is null');
  if (!caller.canSeeTenant(definition.tenantId)) {
    throw processEngineError(`ENGINE-13034 Cannot restart process instances of process definition '${definition.id}' because it belongs to no authenticated tenant.`);
  }
  await caller.require({ permission: 'CREATE_BATCH_RESTART_PROCESS_INSTANCES', resource: 'Batch' }, { permission: 'CREATE', resource: 'Batch' });
  const { instructions, skipCustomListeners, skipIoMappings, withoutBusinessKey, initialVariables } = request;
  const batch = await app.batches.startBatch({
    configuration: {
      processInstanceIds: ids,
      restart: { processDefinitionId: definition.id, instructions: [...instructions], skipCustomListeners, skipIoMappings, withoutBusinessKey, initialVariables },
    },
    tenantId: definition.tenantId,
    createUserId: caller.userId,
    singleInstance: false,
  });
  await logOperation(app, caller, restartLogged(definition, ids.length, true));
  return batch;
}
