import type { ActivityInstanceDto } from '../engine/activity-instance-tree.ts';
import { buildActivityInstanceTree } from '../engine/activity-instance-tree.ts';
import { deleteProcessInstance as deleteInstanceOperation } from '../engine/operations.ts';
import type { ActivityInstanceState, ProcessInstanceState } from '../engine/state.ts';
import type { LoadedInstance } from '../service/engine-service.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { mayInstance, requireInstance } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { instanceOperation, loggedWithInstance } from './operation-log.ts';
import { ResourceNotFound } from './errors.ts';
import { allOfStream, itemsNeeded, type Paging, pageOf, pageOfStream } from './result-page.ts';
import { type InstanceListing, InstanceRepository } from '../store/instance-repository.ts';

/** Camunda's ProcessInstanceQuery filters (the subset this engine supports). */
export interface ProcessInstanceFilter {
  processInstanceIds?: readonly string[] | null;
  processDefinitionId?: string | null;
  processDefinitionKey?: string | null;
  businessKey?: string | null;
  activityIdIn?: readonly string[] | null;
  tenantIdIn?: readonly string[] | null;
  withoutTenantId?: boolean | null;
  /** The instances this one's call activities called. */
  superProcessInstance?: string | null;
  /** The instance whose call activity called this one. */
  subProcessInstance?: string | null;
  /** The instances of one call hierarchy, by its top instance. */
  rootProcessInstanceId?: string | null;
  /** Only instances no call activity started. */
  rootProcessInstances?: boolean | null;
  /** Only instances that wait for no instance they called. */
  leafProcessInstances?: boolean | null;
  /** Only when true (Camunda ignores false); both given: suspended wins. */
  active?: boolean | null;
  suspended?: boolean | null;
}

/** The sort keys of Camunda's process instance query. */
export const INSTANCE_SORT_KEYS = ['instanceId', 'definitionKey', 'definitionId', 'tenantId', 'businessKey'] as const;

export interface ProcessInstanceQuery {
  filter: ProcessInstanceFilter;
  /** One of INSTANCE_SORT_KEYS; without it, by start time. */
  sorting?: { by: string; descending: boolean };
  /** Camunda's paging: with either bound given the other defaults to 0 / Integer.MAX_VALUE. */
  firstResult?: number;
  maxResults?: number;
}

export const missingInstance = (id: string) => new ResourceNotFound(`Process instance with id ${id} does not exist`);

function activeActivityIds(state: ProcessInstanceState): Set<string> {
  const ids = new Set<string>();
  const visit = (node: ActivityInstanceState) => {
    for (const child of node.children ?? []) {
      ids.add(child.activityId);
      visit(child);
    }
  };
  visit(state.root);
  return ids;
}

/** Up to this many instance ids are read one by one (in parallel); more, and the index is scanned. */
const MAX_IDS_READ_BY_KEY = 500;

/** The running instances the caller may read that match the filter, oldest first, as a stream and the check that remains. */
function readableInstances(app: AppContext, caller: AuthContext, filter: ProcessInstanceFilter, paging: Paging) {
  const instances = app.engine.deps.instances;
  const ids = filter.processInstanceIds ? new Set(filter.processInstanceIds) : undefined;
  const accept = async (s: InstanceListing) =>
    (!ids || ids.has(s.id)) &&
    (!filter.processDefinitionId || s.definitionId === filter.processDefinitionId) &&
    (!filter.processDefinitionKey || s.definitionKey === filter.processDefinitionKey) &&
    (!filter.businessKey || s.businessKey === filter.businessKey) &&
    (!filter.tenantIdIn || (s.tenantId !== null && filter.tenantIdIn.includes(s.tenantId))) &&
    (!filter.withoutTenantId || s.tenantId === null) &&
    (!filter.rootProcessInstanceId || s.rootProcessInstanceId === filter.rootProcessInstanceId) &&
    (!filter.rootProcessInstances || s.superProcessInstanceId === null) &&
    (filter.suspended ? s.suspended : !filter.active || !s.suspended) &&
    (await mayInstance(caller, { id: s.id, definitionKey: s.definitionKey, tenantId: s.tenantId ?? undefined }, 'READ')) &&
    (!filter.activityIdIn || (await hasActiveActivity(app, s.id, filter.activityIdIn))) &&
    (!filter.leafProcessInstances || (await callsNothing(app, s.id)));
  // A few instances named by id are read by id instead of scanning an index for them.
  if (ids && ids.size <= MAX_IDS_READ_BY_KEY && !filter.superProcessInstance && !filter.subProcessInstance) {
    const named = async function* () {
      yield* await instances.listingsOf([...ids]);
    };
    return { stream: named(), accept };
  }
  if (!filter.superProcessInstance && !filter.subProcessInstance) return { stream: instances.listings(filter, { expected: itemsNeeded(paging) }), accept };
  // The call links are in the instances' states: the few linked instances are read by id, no index is scanned.
  const linked = async function* () {
    yield* await instances.listingsOf([...(await linkedInstanceIds(app, filter))]);
  };
  return { stream: linked(), accept };
}

/** The instances the super/sub filters name: those called by the super instance, the one that called the sub instance. */
async function linkedInstanceIds(app: AppContext, filter: ProcessInstanceFilter): Promise<Set<string>> {
  const { instances } = app.engine.deps;
  let result: Set<string> | undefined;
  if (filter.superProcessInstance) {
    const caller = await instances.get(filter.superProcessInstance);
    result = new Set(caller ? calledInstanceIds(caller.state) : []);
  }
  if (filter.subProcessInstance) {
    const called = await instances.get(filter.subProcessInstance);
    const callerId = called?.state.caller?.processInstanceId;
    const ids = new Set(callerId ? [callerId] : []);
    result = result ? new Set([...result].filter((id) => ids.has(id))) : ids;
  }
  return result ?? new Set();
}

/** The instances an instance's call activities wait for. */
export function calledInstanceIds(state: ProcessInstanceState): string[] {
  const ids: string[] = [];
  const visit = (node: ActivityInstanceState) => {
    if (node.calledInstanceId) ids.push(node.calledInstanceId);
    for (const child of node.children ?? []) visit(child);
  };
  visit(state.root);
  return ids;
}

/** leafProcessInstances reads the state of each instance that passed the other filters: call links are in it. */
async function callsNothing(app: AppContext, id: string): Promise<boolean> {
  const loaded = await app.engine.deps.instances.get(id);
  return loaded !== undefined && calledInstanceIds(loaded.state).length === 0;
}

/** activityIdIn reads the state of each instance that passed the other filters: the activity tree is not indexed. */
async function hasActiveActivity(app: AppContext, id: string, activityIds: readonly string[]): Promise<boolean> {
  const loaded = await app.engine.deps.instances.get(id);
  if (!loaded) return false;
  const active = activeActivityIds(loaded.state);
  return activityIds.some((activityId) => active.has(activityId));
}

/** Every running instance the caller may read that matches the filter, oldest first. */
export async function findProcessInstances(app: AppContext, caller: AuthContext, filter: ProcessInstanceFilter): Promise<InstanceListing[]> {
  const { stream, accept } = readableInstances(app, caller, filter, {});
  return allOfStream(stream, accept);
}

function sortKey(s: InstanceListing, by: string): string | null {
  if (by === 'instanceId') return s.id;
  if (by === 'definitionKey') return s.definitionKey;
  if (by === 'definitionId') return s.definitionId;
  if (by === 'tenantId') return s.tenantId;
  return s.businessKey;
}

function sortInstances(instances: InstanceListing[], sorting: { by: string; descending: boolean }): InstanceListing[] {
  const { by, descending } = sorting;
  const sorted = [...instances].sort((a, b) => {
    const x = sortKey(a, by) ?? '';
    const y = sortKey(b, by) ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return descending ? sorted.reverse() : sorted;
}

/** GET/POST /process-instance: the readable instances matching the query, sorted and paged (paging pushed down without a sort). */
export const queryProcessInstances: UseCase<ProcessInstanceQuery, InstanceListing[]> = async (app, caller, query) => {
  if (query.sorting) return pageOf(sortInstances(await findProcessInstances(app, caller, query.filter), query.sorting), query);
  const { stream, accept } = readableInstances(app, caller, query.filter, query);
  return pageOfStream(stream, accept, query);
};

/** GET/POST /process-instance/count: DynamoDB counts when authentication is off and the index answers every filter. */
export const countProcessInstances: UseCase<ProcessInstanceFilter, number> = async (app, caller, filter) => {
  const indexed = InstanceRepository.indexedBy(filter);
  const given = Object.entries(filter).filter(([, value]) => value !== undefined && value !== null && value !== false && value !== '');
  if (!caller.enabled && given.every(([name]) => name === indexed)) return app.engine.deps.instances.countListings(filter);
  return (await findProcessInstances(app, caller, filter)).length;
};

/** A running instance the caller may read; an unreadable one is reported like a missing one. */
export async function loadReadable(app: AppContext, caller: AuthContext, id: string): Promise<LoadedInstance> {
  const loaded = await app.engine.load(id);
  if (!loaded || !(await mayInstance(caller, loaded.stored.state, 'READ'))) throw missingInstance(id);
  return loaded;
}

/** GET /process-instance/{id}. */
export const getProcessInstance: UseCase<{ processInstanceId: string }, ProcessInstanceState> = async (app, caller, { processInstanceId }) =>
  (await loadReadable(app, caller, processInstanceId)).stored.state;

/** GET /process-instance/{id}/activity-instances: Camunda's activity instance tree. */
export const getActivityInstanceTree: UseCase<{ processInstanceId: string }, ActivityInstanceDto | null> = async (app, caller, { processInstanceId }) => {
  const { stored, model } = await loadReadable(app, caller, processInstanceId);
  return buildActivityInstanceTree(stored.state, model);
};

/** DELETE /process-instance/{id}: cancels a readable instance the caller may delete (one read). */
export const deleteProcessInstance: UseCase<{ processInstanceId: string; skipCustomListeners: boolean; skipIoMappings: boolean; skipSubprocesses?: boolean }, void> = async (app, caller, input) => {
  const id = input.processInstanceId;
  await app.engine.update(
    id,
    async (state, model) => {
      if (!(await mayInstance(caller, state, 'READ'))) throw missingInstance(id);
      await requireInstance(caller, state, 'DELETE');
      return deleteInstanceOperation(state, model, app.engine.env, { skipCustomListeners: input.skipCustomListeners, skipIoMappings: input.skipIoMappings, skipSubprocesses: input.skipSubprocesses });
    },
    () => missingInstance(id),
    loggedWithInstance(app, caller, instanceOperation('Delete')),
  );
};
