import type { ActivityInstanceDto } from '../engine/activity-instance-tree.ts';
import { buildActivityInstanceTree } from '../engine/activity-instance-tree.ts';
import { deleteProcessInstance as deleteInstanceOperation } from '../engine/operations.ts';
import type { ActivityInstanceState, ProcessInstanceState } from '../engine/state.ts';
import type { LoadedInstance } from '../service/engine-service.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { filterAllowed, mayInstance, requireInstance } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { ResourceNotFound } from './errors.ts';

/** Camunda's ProcessInstanceQuery filters (the subset this engine supports). */
export interface ProcessInstanceFilter {
  processInstanceIds?: readonly string[] | null;
  processDefinitionId?: string | null;
  processDefinitionKey?: string | null;
  businessKey?: string | null;
  activityIdIn?: readonly string[] | null;
  tenantIdIn?: readonly string[] | null;
  withoutTenantId?: boolean | null;
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

/** The running instances the caller may read that match the filter, oldest first. */
export async function findProcessInstances(app: AppContext, caller: AuthContext, filter: ProcessInstanceFilter): Promise<ProcessInstanceState[]> {
  const stored = await app.engine.deps.instances.list(filter.processDefinitionId ? { processDefinitionId: filter.processDefinitionId } : {});
  const readable = await filterAllowed(stored, (s) => mayInstance(caller, s.state, 'READ'));
  return readable
    .map((s) => s.state)
    .filter(
      (s) =>
        (!filter.processInstanceIds || filter.processInstanceIds.includes(s.id)) &&
        (!filter.processDefinitionKey || s.definitionKey === filter.processDefinitionKey) &&
        (!filter.businessKey || s.businessKey === filter.businessKey) &&
        (!filter.tenantIdIn || (s.tenantId !== undefined && filter.tenantIdIn.includes(s.tenantId))) &&
        (!filter.withoutTenantId || s.tenantId === undefined) &&
        (!filter.activityIdIn || filter.activityIdIn.some((id) => activeActivityIds(s).has(id))),
    )
    .sort((a, b) => a.startTime - b.startTime);
}

function sortKey(s: ProcessInstanceState, by: string): string | null {
  if (by === 'instanceId') return s.id;
  if (by === 'definitionKey') return s.definitionKey;
  if (by === 'definitionId') return s.definitionId;
  if (by === 'tenantId') return s.tenantId ?? null;
  return s.businessKey ?? null;
}

function sortAndPage(instances: ProcessInstanceState[], query: ProcessInstanceQuery): ProcessInstanceState[] {
  let sorted = instances;
  if (query.sorting) {
    const { by, descending } = query.sorting;
    sorted = [...instances].sort((a, b) => {
      const x = sortKey(a, by) ?? '';
      const y = sortKey(b, by) ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    });
    if (descending) sorted.reverse();
  }
  if (query.firstResult === undefined && query.maxResults === undefined) return sorted;
  const start = Math.max(0, query.firstResult ?? 0);
  return sorted.slice(start, start + Math.max(0, query.maxResults ?? 2147483647));
}

/** GET/POST /process-instance: the readable instances matching the query, sorted and paged. */
export const queryProcessInstances: UseCase<ProcessInstanceQuery, ProcessInstanceState[]> = async (app, caller, query) => sortAndPage(await findProcessInstances(app, caller, query.filter), query);

/** GET/POST /process-instance/count. */
export const countProcessInstances: UseCase<ProcessInstanceFilter, number> = async (app, caller, filter) => (await findProcessInstances(app, caller, filter)).length;

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
export const deleteProcessInstance: UseCase<{ processInstanceId: string; skipCustomListeners: boolean; skipIoMappings: boolean }, void> = async (app, caller, input) => {
  const id = input.processInstanceId;
  await app.engine.update(
    id,
    async (state, model) => {
      if (!(await mayInstance(caller, state, 'READ'))) throw missingInstance(id);
      await requireInstance(caller, state, 'DELETE');
      return deleteInstanceOperation(state, model, app.engine.env, { skipCustomListeners: input.skipCustomListeners, skipIoMappings: input.skipIoMappings });
    },
    () => missingInstance(id),
  );
};
