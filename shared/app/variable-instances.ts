/**
 * Variable instances (Camunda's VariableInstanceQuery, `/variable-instance`): every variable of the
 * running instances, on its execution or its task. A variable instance id names its execution (so
 * its process instance), whether a task holds it, and its name: one read finds it
 * (`v~<execution id>~<name>`, `t~<execution id>~<task id>~<name>`; execution and task ids hold no `~`).
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { processInstanceOfExecution } from '../engine/execution-facade.ts';
import { executionsOf } from '../engine/executions.ts';
import type { ProcessInstanceState, TypedValue } from '../engine/state.ts';
import { mayInstance } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { ResourceNotFound } from './errors.ts';
import { likeMatches, type VariableCondition, variableMatches } from './variable-conditions.ts';
import { findProcessInstances } from './process-instances.ts';
import { type Paging, pageOf } from './result-page.ts';

export interface VariableInstanceView {
  id: string;
  name: string;
  value: TypedValue;
  processDefinitionId: string;
  processInstanceId: string;
  executionId: string;
  taskId: string | null;
  activityInstanceId: string;
  tenantId: string | null;
}

export interface VariableInstanceFilter {
  variableName?: string;
  variableNameLike?: string;
  variableValues?: readonly VariableCondition[];
  variableNamesIgnoreCase?: boolean;
  variableValuesIgnoreCase?: boolean;
  processInstanceIdIn?: readonly string[];
  executionIdIn?: readonly string[];
  taskIdIn?: readonly string[];
  activityInstanceIdIn?: readonly string[];
  variableScopeIdIn?: readonly string[];
  tenantIdIn?: readonly string[];
  /** Case and batch variables do not exist here: any of these finds nothing. */
  caseInstanceIdIn?: readonly string[];
  caseExecutionIdIn?: readonly string[];
  batchIdIn?: readonly string[];
}

export const VARIABLE_INSTANCE_SORT_KEYS = ['variableName', 'variableType', 'activityInstanceId', 'tenantId'] as const;

export interface VariableInstanceQuery extends Paging {
  filter: VariableInstanceFilter;
  sorting?: { by: (typeof VARIABLE_INSTANCE_SORT_KEYS)[number]; descending: boolean };
}

const SEPARATOR = '~';

/** Every variable of a running instance: each execution's own, then its task's. */
export function variableInstancesOf(state: ProcessInstanceState): VariableInstanceView[] {
  const views: VariableInstanceView[] = [];
  const common = { processDefinitionId: state.definitionId, processInstanceId: state.id, tenantId: state.tenantId ?? null };
  for (const { id: executionId, node } of executionsOf(state)) {
    for (const [name, value] of Object.entries(node.variables ?? {})) {
      views.push({ ...common, id: ['v', executionId, name].join(SEPARATOR), name, value, executionId, taskId: null, activityInstanceId: node.id });
    }
    const task = node.task;
    for (const [name, value] of Object.entries(task?.variables ?? {})) {
      views.push({ ...common, id: ['t', executionId, task!.id, name].join(SEPARATOR), name, value, executionId, taskId: task!.id, activityInstanceId: node.id });
    }
  }
  return views;
}

const lower = (text: string, ignoreCase: boolean | undefined) => (ignoreCase ? text.toLowerCase() : text);

function nameMatches(name: string, filter: VariableInstanceFilter): boolean {
  const ignore = filter.variableNamesIgnoreCase;
  if (filter.variableName !== undefined && lower(name, ignore) !== lower(filter.variableName, ignore)) return false;
  return filter.variableNameLike === undefined || likeMatches(name, filter.variableNameLike, ignore);
}

const inList = (list: readonly string[] | undefined, value: string | null) => !list?.length || (value !== null && list.includes(value));

function matches(view: VariableInstanceView, filter: VariableInstanceFilter): boolean {
  if (filter.caseInstanceIdIn?.length || filter.caseExecutionIdIn?.length || filter.batchIdIn?.length) return false;
  return (
    nameMatches(view.name, filter) &&
    inList(filter.executionIdIn, view.executionId) &&
    inList(filter.taskIdIn, view.taskId) &&
    inList(filter.activityInstanceIdIn, view.activityInstanceId) &&
    // A variable's scope is its task, or else its execution.
    inList(filter.variableScopeIdIn, view.taskId ?? view.executionId) &&
    (filter.variableValues ?? []).every((condition) => condition.name === view.name && variableMatches(view.value, condition, filter.variableValuesIgnoreCase))
  );
}

async function findVariableInstances(app: AppContext, caller: AuthContext, filter: VariableInstanceFilter): Promise<VariableInstanceView[]> {
  // Execution ids name their instance: a query by instances or executions reads only those instances' listings.
  const instanceIds = filter.processInstanceIdIn?.length ? filter.processInstanceIdIn : filter.executionIdIn?.length ? [...new Set(filter.executionIdIn.map(processInstanceOfExecution))] : undefined;
  const instances = await findProcessInstances(app, caller, { processInstanceIds: instanceIds, tenantIdIn: filter.tenantIdIn?.length ? filter.tenantIdIn : undefined });
  const found: VariableInstanceView[] = [];
  for (const listing of instances) {
    const loaded = await app.engine.deps.instances.get(listing.id);
    if (loaded) found.push(...variableInstancesOf(loaded.state).filter((view) => matches(view, filter)));
  }
  return found;
}

function sortKey(view: VariableInstanceView, by: (typeof VARIABLE_INSTANCE_SORT_KEYS)[number] | undefined): string {
  if (by === 'variableName') return view.name;
  if (by === 'variableType') return view.value.type.toLowerCase();
  if (by === 'activityInstanceId') return view.activityInstanceId;
  if (by === 'tenantId') return view.tenantId ?? '';
  return view.id;
}

/** GET/POST /variable-instance: sorted as asked, else by id. */
export const queryVariableInstances: UseCase<VariableInstanceQuery, VariableInstanceView[]> = async (app, caller, query) => {
  const found = await findVariableInstances(app, caller, query.filter);
  const descending = query.sorting?.descending ? -1 : 1;
  found.sort((a, b) => {
    const x = sortKey(a, query.sorting?.by);
    const y = sortKey(b, query.sorting?.by);
    return (x < y ? -1 : x > y ? 1 : 0) * descending;
  });
  return pageOf(found, query);
};

export const countVariableInstances: UseCase<VariableInstanceFilter, number> = async (app, caller, filter) => (await findVariableInstances(app, caller, filter)).length;

/** GET /variable-instance/{id}: one the caller may read (READ on its instance or READ_INSTANCE on its definition). */
export const getVariableInstance: UseCase<{ id: string }, VariableInstanceView> = async (app, caller, { id }) => {
  const missing = new ResourceNotFound(`Variable instance with Id '${id}' does not exist.`);
  const [, executionId] = id.split(SEPARATOR);
  if (!executionId) throw missing;
  const loaded = await app.engine.deps.instances.get(processInstanceOfExecution(executionId));
  const view = loaded && variableInstancesOf(loaded.state).find((v) => v.id === id);
  if (!loaded || !view || !(await mayInstance(caller, loaded.state, 'READ'))) throw missing;
  return view;
};
