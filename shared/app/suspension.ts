/**
 * Suspending and activating process instances, jobs and process definitions (Camunda's
 * UpdateProcessInstanceSuspensionStateBuilder, UpdateJobSuspensionStateBuilder and
 * UpdateProcessDefinitionSuspensionStateBuilder). Unknown ids change nothing and are no error, as
 * Camunda's bulk updates are; so is an instance or job the caller may not read.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import type { PermissionCheck } from '../auth/evaluate.ts';
import { badUserRequest, processEngineError } from '../engine/errors.ts';
import { listJobs } from '../engine/lookup.ts';
import { setInstanceSuspension, setJobSuspension } from '../engine/suspension.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { updateTimerStartJob } from '../service/timer-start-jobs.ts';
import { isTimerStartJob } from '../store/start-event-items.ts';
import { isSignalBroadcast } from '../store/signal-items.ts';
import { isCallHandOver } from '../store/hand-over-items.ts';
import { mayInstance, mayInstanceItem, requireInstance, requireInstanceItem } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { CATEGORY, definitionContext, instanceContext, jobItemContext, logOperation, suspensionChange } from './operation-log.ts';
import { queryJobs } from './jobs.ts';
import { findProcessInstances, type ProcessInstanceFilter } from './process-instances.ts';
import type { DefinitionRecord, QueryItem } from './read-models.ts';

/** Camunda's checkUpdateProcessInstanceSuspensionState, in its order. */
function instanceSuspensionChecks(instance: Pick<ProcessInstanceState, 'id' | 'definitionKey'>): PermissionCheck[] {
  return [
    { permission: 'SUSPEND', resource: 'ProcessInstance', resourceId: instance.id },
    { permission: 'SUSPEND_INSTANCE', resource: 'ProcessDefinition', resourceId: instance.definitionKey },
  ];
}

/** By definition: the same permissions on every instance (`*`) or on the definition. */
async function requireSuspendInstancesOf(caller: AuthContext, definitionKey: string): Promise<void> {
  await caller.require(
    { permission: 'SUSPEND', resource: 'ProcessInstance', resourceId: '*' },
    { permission: 'SUSPEND_INSTANCE', resource: 'ProcessDefinition', resourceId: definitionKey },
    { permission: 'UPDATE', resource: 'ProcessInstance', resourceId: '*' },
    { permission: 'UPDATE_INSTANCE', resource: 'ProcessDefinition', resourceId: definitionKey },
  );
}

/** Sets an instance's suspension (no checks here); on activation its due jobs are queued. */
async function applyToInstance(app: AppContext, processInstanceId: string, suspended: boolean): Promise<void> {
  const state = await app.engine.update(
    processInstanceId,
    (current) => (current.status !== 'ACTIVE' || Boolean(current.suspended) === suspended ? current : setInstanceSuspension(current, suspended)),
    () => badUserRequest(`Process instance ${processInstanceId} does not exist`),
  );
  if (!suspended) await app.engine.queueDueJobsOf(state);
}

async function readableInstance(app: AppContext, caller: AuthContext, processInstanceId: string): Promise<ProcessInstanceState | undefined> {
  const loaded = await app.engine.load(processInstanceId);
  const state = loaded?.stored.state;
  return state && state.status === 'ACTIVE' && (await mayInstance(caller, state, 'READ')) ? state : undefined;
}

/** PUT /process-instance/{id}/suspended. */
export const suspendProcessInstance: UseCase<{ processInstanceId: string; suspended: boolean }, void> = async (app, caller, { processInstanceId, suspended }) => {
  const state = await readableInstance(app, caller, processInstanceId);
  if (!state) return;
  await requireInstance(caller, state, 'UPDATE', instanceSuspensionChecks(state));
  await applyToInstance(app, processInstanceId, suspended);
  await logOperation(app, caller, {
    operationType: suspended ? 'Suspend' : 'Activate',
    entityType: 'ProcessInstance',
    category: CATEGORY.operator,
    context: instanceContext(state),
    changes: [suspensionChange(suspended)],
  });
};

/** The running instances of a definition (by id) or of every version of a key (and tenant). */
async function instancesOf(app: AppContext, caller: AuthContext, filter: ProcessInstanceFilter): Promise<string[]> {
  return (await findProcessInstances(app, caller, filter)).map((listing) => listing.id);
}

/** PUT /process-instance/suspended by definition: SUSPEND_INSTANCE (or UPDATE_INSTANCE) on it, or SUSPEND (UPDATE) on every instance. */
export const suspendInstancesOfDefinition: UseCase<{ definitionKey: string; filter: ProcessInstanceFilter; suspended: boolean }, void> = async (app, caller, input) => {
  await requireSuspendInstancesOf(caller, input.definitionKey);
  for (const id of await instancesOf(app, caller, input.filter)) await applyToInstance(app, id, input.suspended);
};

/**
 * PUT /process-instance/suspended for a group of instances: each one's permission is checked before
 * the first changes (Camunda does it in one transaction; here each instance is its own write).
 */
export const suspendInstanceGroup: UseCase<{ processInstanceIds: readonly string[]; suspended: boolean }, void> = async (app, caller, input) => {
  if (input.processInstanceIds.length === 0) throw badUserRequest('No process instance ids given: Process Instance ids is empty');
  const states: ProcessInstanceState[] = [];
  for (const id of new Set(input.processInstanceIds)) {
    const state = await readableInstance(app, caller, id);
    if (!state) continue;
    await requireInstance(caller, state, 'UPDATE', instanceSuspensionChecks(state));
    states.push(state);
  }
  for (const state of states) await applyToInstance(app, state.id, input.suspended);
};

// ---- jobs -----------------------------------------------------------------------------------------

/** Suspends or activates instance jobs and timer start jobs (their query items). */
async function applyToJobs(app: AppContext, items: readonly QueryItem[], suspended: boolean): Promise<void> {
  for (const item of items) {
    const jobId = item.id as string;
    if (isTimerStartJob(item)) {
      await updateTimerStartJob(app.engine, jobId, async ({ suspended: _was, ...job }) => (suspended ? { ...job, suspended: true } : job));
      continue;
    }
    const state = await app.engine.update(
      item.processInstanceId as string,
      (current) => (current.status === 'ACTIVE' && listJobs(current).some(({ job }) => job.id === jobId) ? setJobSuspension(current, jobId, suspended) : current),
      () => badUserRequest(`Job ${jobId} does not exist`),
    );
    if (!suspended) await app.engine.queueDueJobsOf(state);
  }
  // A timer start job that became active again is queued by the sweeper.
  if (!suspended && items.some(isTimerStartJob)) await app.engine.sweepDueJobs();
}

/** PUT /job/{id}/suspended: UPDATE on the instance or UPDATE_INSTANCE on its definition; an unknown job is no error. */
export const suspendJob: UseCase<{ jobId: string; suspended: boolean }, void> = async (app, caller, { jobId, suspended }) => {
  const item = await app.engine.deps.items.getJob(jobId);
  // Signal broadcasts and call hand-overs wait in the jobs index too, but are no jobs of a client's.
  if (!item || isSignalBroadcast(item) || isCallHandOver(item) || !(await mayInstanceItem(caller, item, 'READ'))) return;
  await requireInstanceItem(caller, item, 'UPDATE');
  await applyToJobs(app, [item], suspended);
  await logOperation(app, caller, {
    operationType: suspended ? 'SuspendJob' : 'ActivateJob',
    entityType: 'Job',
    category: CATEGORY.operator,
    context: jobItemContext(item),
    changes: [suspensionChange(suspended)],
  });
};

/** PUT /job/suspended: every job of a job definition, an instance, a definition or a key. */
export const suspendJobsBy: UseCase<{ jobDefinitionId?: string; processInstanceId?: string; processDefinitionId?: string; processDefinitionKey?: string; suspended: boolean }, void> = async (
  app,
  caller,
  input,
) => {
  const { suspended, ...query } = input;
  const jobs = (await queryJobs(app, caller, query)).flatMap((view) => (view.kind === 'instance' ? [view.item] : []));
  if (input.processInstanceId) {
    const state = await readableInstance(app, caller, input.processInstanceId);
    if (state) await requireInstance(caller, state, 'UPDATE');
  } else {
    const keys = new Set(jobs.map((item) => item.processDefinitionKey as string));
    for (const key of keys) {
      await caller.require({ permission: 'UPDATE', resource: 'ProcessInstance', resourceId: '*' }, { permission: 'UPDATE_INSTANCE', resource: 'ProcessDefinition', resourceId: key });
    }
  }
  await applyToJobs(app, jobs, suspended);
};

// ---- definitions ----------------------------------------------------------------------------------

/** Camunda's checkUpdateProcessDefinitionSuspensionStateById: SUSPEND or UPDATE on the definition. */
async function requireDefinitionSuspension(caller: AuthContext, definition: DefinitionRecord): Promise<void> {
  if (!caller.canSeeTenant(definition.tenantId)) {
    throw processEngineError(`ENGINE-13034 Cannot update the process definition '${definition.id}' because it belongs to no authenticated tenant.`);
  }
  await caller.require({ permission: 'SUSPEND', resource: 'ProcessDefinition', resourceId: definition.key }, { permission: 'UPDATE', resource: 'ProcessDefinition', resourceId: definition.key });
}

/**
 * PUT /process-definition/{id}/suspended (and by key): SUSPEND or UPDATE on the definition; with
 * `includeProcessInstances`, its running instances too (the instance permissions checked first).
 * Its timer start job is suspended with it, as Camunda suspends a definition's job definitions.
 */
export const suspendDefinitions: UseCase<{ definitions: readonly DefinitionRecord[]; suspended: boolean; includeProcessInstances: boolean }, void> = async (app, caller, input) => {
  for (const definition of input.definitions) {
    await requireDefinitionSuspension(caller, definition);
    if (input.includeProcessInstances) await requireSuspendInstancesOf(caller, definition.key);
  }
  for (const definition of input.definitions) {
    await app.engine.deps.definitions.setSuspended(definition.id, input.suspended);
    app.engine.forgetDefinitions([definition.id]);
    const timerStarts = (await app.engine.deps.items.jobs()).filter((item) => isTimerStartJob(item) && item.processDefinitionId === definition.id);
    await applyToJobs(app, timerStarts, input.suspended);
    if (input.includeProcessInstances) {
      for (const id of await instancesOf(app, caller, { processDefinitionId: definition.id })) await applyToInstance(app, id, input.suspended);
    }
    await logOperation(app, caller, {
      operationType: input.suspended ? 'SuspendProcessDefinition' : 'ActivateProcessDefinition',
      entityType: 'ProcessDefinition',
      category: CATEGORY.operator,
      context: definitionContext(definition),
      changes: [suspensionChange(input.suspended), { property: 'includeProcessInstances', newValue: input.includeProcessInstances }],
    });
  }
};
