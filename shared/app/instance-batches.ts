/**
 * The batches besides modification and deletion that change many process instances (Camunda's
 * RuntimeService#updateProcessInstanceSuspensionState().…suspendAsync(), #setVariablesAsync and
 * ManagementService#setJobRetriesByProcessAsync / #setJobRetriesByJobsAsync). Each collects its
 * elements as Camunda's command does, checks the batch permission, and starts a batch through the
 * same seed, execution and monitor runs as modification. The batch's jobs run without the caller's
 * authorizations, as Camunda's job executor does.
 */
import type { Batch, JobRetriesChange } from '../batch/batch.ts';
import type { Variables } from '../engine/state.ts';
import { badUserRequest, EngineError, processEngineError } from '../engine/errors.ts';
import { RequestError } from './errors.ts';
import { isCallHandOver } from '../store/hand-over-items.ts';
import { isSignalBroadcast } from '../store/signal-items.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { CATEGORY, logOperation, type PropertyChange } from './operation-log.ts';
import { findHistoricInstances, type HistoricInstanceFilter } from './history.ts';
import { type ExternalTaskFilter, findExternalTasks } from './external-task-queries.ts';
import { type JobQuery, queryJobs } from './jobs.ts';
import { findProcessInstances, type ProcessInstanceFilter } from './process-instances.ts';

/** Instances named by id and found by the queries (each finds only what the caller may read). */
export interface InstanceSelection {
  processInstanceIds?: readonly string[];
  processInstanceQuery?: ProcessInstanceFilter;
  historicProcessInstanceQuery?: HistoricInstanceFilter;
}

const isSelected = (selection: InstanceSelection) =>
  (selection.processInstanceIds?.length ?? 0) > 0 || selection.processInstanceQuery !== undefined || selection.historicProcessInstanceQuery !== undefined;

/** The ids of a selection, each once; `runningOnly` drops named ids of no running instance and historic ones that ended. */
async function selectedInstances(app: AppContext, caller: AuthContext, selection: InstanceSelection, runningOnly: boolean): Promise<string[]> {
  const ids = new Set<string>();
  for (const id of selection.processInstanceIds ?? []) if (!runningOnly || (await app.engine.summary(id))) ids.add(id);
  if (selection.processInstanceQuery) for (const listing of await findProcessInstances(app, caller, selection.processInstanceQuery)) ids.add(listing.id);
  if (selection.historicProcessInstanceQuery) {
    const filter = runningOnly ? { ...selection.historicProcessInstanceQuery, unfinished: true } : selection.historicProcessInstanceQuery;
    for (const item of await findHistoricInstances(app, caller, filter)) ids.add(item.id as string);
  }
  return [...ids];
}

/**
 * Starts the batch, then logs its creation as Camunda's batch commands do: the operation, how many
 * elements and `changes` particular to it, naming nothing else.
 */
async function startInstanceBatch(
  app: AppContext,
  caller: AuthContext,
  configuration: Parameters<AppContext['batches']['startBatch']>[0]['configuration'],
  logged: { operationType: string; entityType: string; changes?: readonly PropertyChange[] },
): Promise<Batch> {
  const batch = await app.batches.startBatch({ configuration, tenantId: null, createUserId: caller.userId, singleInstance: false });
  await logOperation(app, caller, {
    operationType: logged.operationType,
    entityType: logged.entityType,
    category: CATEGORY.operator,
    changes: [{ property: 'nrOfInstances', newValue: configuration.processInstanceIds.length }, { property: 'async', newValue: true }, ...(logged.changes ?? [])],
  });
  return batch;
}

/**
 * POST /process-instance/suspended-async (UpdateProcessInstancesSuspendStateBatchCmd): ids are
 * taken as given; at its turn an unknown or ended instance is passed by, as the synchronous update does.
 */
export const suspendProcessInstancesAsync: UseCase<InstanceSelection & { suspended: boolean }, Batch> = async (app, caller, input) => {
  const ids = await selectedInstances(app, caller, input, false);
  if (ids.length === 0) throw badUserRequest('No process instance ids given: process Instance Ids is empty');
  await caller.require({ permission: 'CREATE_BATCH_UPDATE_PROCESS_INSTANCES_SUSPEND', resource: 'Batch' }, { permission: 'CREATE', resource: 'Batch' });
  // Camunda logs the suspension of many instances under the jobs' operation types.
  return startInstanceBatch(
    app,
    caller,
    { processInstanceIds: ids, suspension: { suspended: input.suspended } },
    { operationType: input.suspended ? 'SuspendJob' : 'ActivateJob', entityType: 'ProcessInstance' },
  );
};

/**
 * POST /process-instance/variables-async (SetVariablesToProcessInstancesBatchCmd): the running
 * instances selected, each of which gets the variables on its own scope at its turn.
 */
export const setVariablesAsync: UseCase<InstanceSelection & { variables: Variables | undefined }, Batch> = async (app, caller, input) => {
  if (!input.variables) throw new EngineError('NullValueException', 'variables is null');
  if (Object.keys(input.variables).length === 0) throw badUserRequest('variables is empty');
  if (!input.processInstanceIds && !input.processInstanceQuery && !input.historicProcessInstanceQuery) throw new EngineError('NullValueException', 'No process instances found.');
  const ids = await selectedInstances(app, caller, input, true);
  if (ids.length === 0) throw badUserRequest('processInstanceIds is empty');
  await caller.require({ permission: 'CREATE_BATCH_SET_VARIABLES', resource: 'Batch' }, { permission: 'CREATE', resource: 'Batch' });
  return startInstanceBatch(
    app,
    caller,
    { processInstanceIds: ids, variables: input.variables },
    { operationType: 'SetVariables', entityType: 'ProcessInstance', changes: [{ property: 'nrOfVariables', newValue: Object.keys(input.variables).length }] },
  );
};

/** The job ids of a set-job-retries batch: in Camunda's order of checks, then the batch. */
async function startJobRetriesBatch(app: AppContext, caller: AuthContext, jobIds: readonly string[], change: JobRetriesChange): Promise<Batch> {
  if (jobIds.length === 0) throw badUserRequest('jobIds is empty');
  if (change.retries < 0) throw processEngineError('Retries count is not greater than or equal to 0');
  await caller.require({ permission: 'CREATE_BATCH_SET_JOB_RETRIES', resource: 'Batch' }, { permission: 'CREATE', resource: 'Batch' });
  return startInstanceBatch(
    app,
    caller,
    { processInstanceIds: [...jobIds], jobRetries: change },
    { operationType: 'SetJobRetries', entityType: 'Job', changes: [{ property: 'retries', newValue: change.retries }] },
  );
}

/**
 * POST /process-instance/job-retries (+ …-historic-query-based; SetJobsRetriesByProcessBatchCmd):
 * the jobs the selected instances have now, whoever may read them.
 */
export const setJobRetriesByProcessAsync: UseCase<InstanceSelection & JobRetriesChange, Batch> = async (app, caller, input) => {
  if (!isSelected(input)) {
    throw processEngineError('ENGINE-13051 You must specify at least one of or one of processInstanceIds, processInstanceQuery, or historicProcessInstanceQuery.');
  }
  const jobIds: string[] = [];
  for (const id of await selectedInstances(app, caller, input, false)) {
    for (const item of await app.engine.deps.items.jobsOfInstance(id)) if (!isSignalBroadcast(item) && !isCallHandOver(item)) jobIds.push(item.id as string);
  }
  return startJobRetriesBatch(app, caller, jobIds, input);
};

/**
 * POST /job/retries (SetJobsRetriesBatchCmd): the jobs named (taken as given; one that is gone
 * fails its batch job) and those the query finds.
 */
export const setJobRetriesByJobsAsync: UseCase<{ jobIds?: readonly string[]; jobQuery?: JobQuery } & JobRetriesChange, Batch> = async (app, caller, input) => {
  if ((input.jobIds?.length ?? 0) === 0 && !input.jobQuery) throw processEngineError('ENGINE-13050 You must specify at least one of jobIds or jobQuery.');
  const ids = new Set(input.jobIds ?? []);
  if (input.jobQuery) {
    for (const view of await queryJobs(app, caller, input.jobQuery)) ids.add(view.kind === 'instance' ? (view.item.id as string) : view.job.id);
  }
  return startJobRetriesBatch(app, caller, [...ids], input);
};

/**
 * POST /external-task/retries-async (SetExternalTasksRetriesBatchCmd): the tasks named (taken as
 * given; one that is gone fails its batch job), those the query finds, and the external tasks the
 * selected instances have now, whoever may read them.
 */
export const setExternalTaskRetriesAsync: UseCase<
  InstanceSelection & { externalTaskIds?: readonly (string | null)[]; externalTaskQuery?: ExternalTaskFilter; retries: number | null | undefined },
  Batch
> = async (app, caller, input) => {
  if (input.retries === null || input.retries === undefined) throw new RequestError(400, 'The number of retries cannot be null.');
  if (input.externalTaskIds?.some((id) => id === null)) throw badUserRequest('External task id cannot be null: externalTaskIds contains null value');
  const ids = new Set<string>(input.externalTaskIds as readonly string[] | undefined);
  if (input.externalTaskQuery) for (const task of await findExternalTasks(app, caller, input.externalTaskQuery)) ids.add(task.id as string);
  for (const instanceId of await selectedInstances(app, caller, input, false)) {
    for (const task of await app.engine.deps.items.externalTasksOfInstance(instanceId)) ids.add(task.id as string);
  }
  if (ids.size === 0) throw badUserRequest('externalTaskIds is empty');
  await caller.require({ permission: 'CREATE_BATCH_SET_EXTERNAL_TASK_RETRIES', resource: 'Batch' }, { permission: 'CREATE', resource: 'Batch' });
  return startInstanceBatch(
    app,
    caller,
    { processInstanceIds: [...ids], externalTaskRetries: { retries: input.retries } },
    { operationType: 'SetExternalTaskRetries', entityType: 'ExternalTask', changes: [{ property: 'retries', newValue: input.retries }] },
  );
};

/**
 * POST /history/process-instance/delete (DeleteHistoricProcessInstancesBatchCmd): the historic
 * instances named (taken as given) and those the query finds the caller may read. At its turn an
 * instance still running fails its job; one whose history is gone is passed by.
 */
export const deleteHistoricProcessInstancesAsync: UseCase<
  { historicProcessInstanceIds?: readonly string[]; historicProcessInstanceQuery?: HistoricInstanceFilter; deleteReason: string | null },
  Batch
> = async (app, caller, input) => {
  const ids = new Set(input.historicProcessInstanceIds ?? []);
  if (input.historicProcessInstanceQuery) for (const item of await findHistoricInstances(app, caller, input.historicProcessInstanceQuery)) ids.add(item.id as string);
  if (ids.size === 0) throw badUserRequest('historicProcessInstanceIds is empty');
  await caller.require({ permission: 'CREATE_BATCH_DELETE_FINISHED_PROCESS_INSTANCES', resource: 'Batch' }, { permission: 'CREATE', resource: 'Batch' });
  return startInstanceBatch(
    app,
    caller,
    { processInstanceIds: [...ids], historyDeletion: { deleteReason: input.deleteReason } },
    { operationType: 'DeleteHistory', entityType: 'ProcessInstance', changes: [{ property: 'deleteReason', newValue: input.deleteReason }] },
  );
};
