/**
 * Executions (Camunda's RuntimeService around `/execution`): the query, one execution, its local
 * variables, signalling it, triggering its message subscription and creating an incident on it.
 * An execution id names its process instance (shared/engine/execution-facade.ts), so each of these
 * reads one instance.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { badUserRequest, nullValue } from '../engine/errors.ts';
import { processInstanceOfExecution } from '../engine/execution-facade.ts';
import * as executions from '../engine/executions.ts';
import type { ExecutionNode } from '../engine/executions.ts';
import type { IncidentState, ProcessInstanceState, Variables } from '../engine/state.ts';
import { mayInstance, requireInstance } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { instanceOperation, instanceVariableOperation, loggedWithInstance, type VariableOperation } from './operation-log.ts';
import { ResourceNotFound } from './errors.ts';
import { findProcessInstances } from './process-instances.ts';
import { type Paging, pageOf } from './result-page.ts';
import { likeMatches, type VariableCondition, variableMatches } from './variable-conditions.ts';
import type { QueryItem } from './read-models.ts';
import type { ProcessModel } from '../bpmn/model.ts';
import { projectQueryItems } from '../store/projections.ts';

/** What `/execution` shows of an execution (Camunda's ExecutionDto) and what its filters read. */
export interface ExecutionView {
  id: string;
  processInstanceId: string;
  tenantId: string | null;
  definitionId: string;
  definitionKey: string;
}

export interface ExecutionFilter {
  processInstanceId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  businessKey?: string;
  activityId?: string;
  signalEventSubscriptionName?: string;
  messageEventSubscriptionName?: string;
  /** Suspension, the instance's (only when true; both given: suspended wins, as in Camunda). */
  active?: boolean;
  suspended?: boolean;
  incidentId?: string;
  incidentType?: string;
  incidentMessage?: string;
  incidentMessageLike?: string;
  tenantIdIn?: readonly string[];
  /** On the execution's own variables. */
  variables?: readonly VariableCondition[];
  /** On any variable of its process instance (eq and neq only). */
  processVariables?: readonly VariableCondition[];
}

export const EXECUTION_SORT_KEYS = ['instanceId', 'definitionKey', 'definitionId', 'tenantId'] as const;

export interface ExecutionQuery extends Paging {
  filter: ExecutionFilter;
  sorting?: { by: (typeof EXECUTION_SORT_KEYS)[number]; descending: boolean };
}

const missingExecution = (id: string) => new ResourceNotFound(`Execution with id ${id} does not exist`);
const doesNotExist = (id: string) => nullValue(`execution ${id} doesn't exist: execution is null`);

function viewOf(state: ProcessInstanceState, execution: ExecutionNode): ExecutionView {
  return { id: execution.id, processInstanceId: state.id, tenantId: state.tenantId ?? null, definitionId: state.definitionId, definitionKey: state.definitionKey };
}

/** A variable condition holds when some variable of the scopes has the name and a matching value. */
function variablesMatch(scopes: readonly (Variables | undefined)[], conditions: readonly VariableCondition[] | undefined): boolean {
  return (conditions ?? []).every((condition) =>
    scopes.some((variables) => {
      const actual = variables && Object.hasOwn(variables, condition.name) ? variables[condition.name] : undefined;
      return actual !== undefined && variableMatches(actual, condition);
    }),
  );
}

function incidentMatches(incidents: readonly IncidentState[] | undefined, filter: ExecutionFilter): boolean {
  if (filter.incidentId === undefined && filter.incidentType === undefined && filter.incidentMessage === undefined && filter.incidentMessageLike === undefined) return true;
  return (incidents ?? []).some(
    (incident) =>
      (filter.incidentId === undefined || incident.id === filter.incidentId) &&
      (filter.incidentType === undefined || incident.type === filter.incidentType) &&
      (filter.incidentMessage === undefined || incident.message === filter.incidentMessage) &&
      (filter.incidentMessageLike === undefined || likeMatches(incident.message, filter.incidentMessageLike)),
  );
}

function subscribed(execution: ExecutionNode, type: 'message' | 'signal', name: string | undefined): boolean {
  return name === undefined || (execution.node.subscriptions ?? []).some((s) => s.eventType === type && s.eventName === name);
}

function executionMatches(state: ProcessInstanceState, execution: ExecutionNode, filter: ExecutionFilter, instanceVariables: readonly (Variables | undefined)[]): boolean {
  const { node } = execution;
  const isRoot = node === state.root;
  const suspended = state.suspended === true;
  return (
    (filter.suspended ? suspended : !filter.active || !suspended) &&
    (filter.activityId === undefined || (!isRoot && node.activityId === filter.activityId)) &&
    subscribed(execution, 'message', filter.messageEventSubscriptionName) &&
    subscribed(execution, 'signal', filter.signalEventSubscriptionName) &&
    incidentMatches(node.incidents, filter) &&
    // A task's own variables belong to the execution it waits in (Camunda gives them its execution id).
    variablesMatch([node.variables, node.task?.variables], filter.variables) &&
    variablesMatch(instanceVariables, filter.processVariables)
  );
}

/** The executions of the readable running instances the filter names, in instance order. */
async function findExecutions(app: AppContext, caller: AuthContext, filter: ExecutionFilter): Promise<ExecutionView[]> {
  const instances = await findProcessInstances(app, caller, {
    processInstanceIds: filter.processInstanceId === undefined ? undefined : [filter.processInstanceId],
    processDefinitionId: filter.processDefinitionId,
    processDefinitionKey: filter.processDefinitionKey,
    businessKey: filter.businessKey,
    tenantIdIn: filter.tenantIdIn?.length ? filter.tenantIdIn : undefined,
    activityIdIn: filter.activityId === undefined ? undefined : [filter.activityId],
  });
  const found: ExecutionView[] = [];
  for (const listing of instances) {
    const loaded = await app.engine.deps.instances.get(listing.id);
    if (!loaded) continue;
    const { state } = loaded;
    const all = executions.executionsOf(state);
    // processVariables: any variable of the instance, gathered once per instance.
    const instanceVariables = all.map(({ node }) => node.variables);
    for (const execution of all) if (executionMatches(state, execution, filter, instanceVariables)) found.push(viewOf(state, execution));
  }
  return found;
}

function sortKey(view: ExecutionView, by: (typeof EXECUTION_SORT_KEYS)[number]): string {
  if (by === 'instanceId') return view.processInstanceId;
  if (by === 'definitionKey') return view.definitionKey;
  if (by === 'definitionId') return view.definitionId;
  return view.tenantId ?? '';
}

/** GET/POST /execution: sorted as asked, else by id (Camunda's default order). */
export const queryExecutions: UseCase<ExecutionQuery, ExecutionView[]> = async (app, caller, query) => {
  const found = await findExecutions(app, caller, query.filter);
  const sorting = query.sorting ?? { by: undefined, descending: false };
  const key = (view: ExecutionView) => (sorting.by ? sortKey(view, sorting.by) : view.id);
  found.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * (sorting.descending ? -1 : 1);
  });
  return pageOf(found, query);
};

export const countExecutions: UseCase<ExecutionFilter, number> = async (app, caller, filter) => (await findExecutions(app, caller, filter)).length;

/** The running instance an execution id names and the execution, when both exist; no authorization yet. */
async function locate(app: AppContext, executionId: string) {
  const loaded = await app.engine.load(processInstanceOfExecution(executionId));
  const execution = loaded && executions.findExecution(loaded.stored.state, executionId);
  return loaded && execution ? { state: loaded.stored.state, execution } : undefined;
}

/** GET /execution/{id}: the query Camunda runs filters what the caller may not read, so that is missing too. */
export const getExecution: UseCase<{ executionId: string }, ExecutionView> = async (app, caller, { executionId }) => {
  const found = await locate(app, executionId);
  if (!found || !(await mayInstance(caller, found.state, 'READ'))) throw missingExecution(executionId);
  return viewOf(found.state, found.execution);
};

/** GET /execution/{id}/localVariables: READ on the instance or READ_INSTANCE on its definition. */
export async function readExecutionVariables(app: AppContext, caller: AuthContext, executionId: string): Promise<Variables> {
  const found = await locate(app, executionId);
  if (!found) throw doesNotExist(executionId);
  await requireInstance(caller, found.state, 'READ');
  return executions.executionLocalVariables(found.execution);
}

/** Camunda's checkUpdateProcessInstanceVariables, narrowest permission first. */
async function requireVariableUpdate(caller: AuthContext, state: ProcessInstanceState): Promise<void> {
  await requireInstance(caller, state, 'UPDATE', [
    { permission: 'UPDATE_VARIABLE', resource: 'ProcessInstance', resourceId: state.id },
    { permission: 'UPDATE_INSTANCE_VARIABLE', resource: 'ProcessDefinition', resourceId: state.definitionKey },
  ]);
}

/** PUT/DELETE/POST local variables: set, then removed, on the execution itself. */
export async function modifyExecutionVariables(
  app: AppContext,
  caller: AuthContext,
  executionId: string,
  modifications: Variables,
  deletions: readonly string[],
  operation: VariableOperation,
): Promise<void> {
  const missing = () => doesNotExist(executionId);
  await app.engine.update(
    processInstanceOfExecution(executionId),
    async (state, model) => {
      if (state.status !== 'ACTIVE' || !executions.findExecution(state, executionId)) throw missing();
      await requireVariableUpdate(caller, state);
      return executions.modifyExecutionVariables(state, model, { executionId, modifications, deletions }, app.engine.env, missing);
    },
    missing,
    loggedWithInstance(app, caller, instanceVariableOperation(operation)),
  );
}

/** POST /execution/{id}/signal: UPDATE on the instance or UPDATE_INSTANCE on its definition, checked after the execution is found. */
export const signalExecution: UseCase<{ executionId: string; variables?: Variables }, void> = async (app, caller, input) => {
  const missing = () => badUserRequest(`execution ${input.executionId} doesn't exist: execution is null`);
  await app.engine.update(
    processInstanceOfExecution(input.executionId),
    async (state, model) => {
      if (state.status !== 'ACTIVE' || !executions.findExecution(state, input.executionId)) throw missing();
      await requireInstance(caller, state, 'UPDATE');
      return executions.signalExecution(state, model, input, app.engine.env, missing);
    },
    missing,
  );
};

/** GET /execution/{id}/messageSubscriptions/{name}: the execution's message subscription, if the caller may read its instance. */
export const getMessageSubscription: UseCase<{ executionId: string; messageName: string }, { state: ProcessInstanceState; execution: ExecutionNode } | undefined> = async (
  app,
  caller,
  { executionId, messageName },
) => {
  const found = await locate(app, executionId);
  if (!found || !(await mayInstance(caller, found.state, 'READ'))) return undefined;
  return (found.execution.node.subscriptions ?? []).some((s) => s.eventType === 'message' && s.eventName === messageName) ? found : undefined;
};

/** POST …/messageSubscriptions/{name}/trigger: UPDATE on the instance or UPDATE_INSTANCE on its definition. */
export const triggerMessageSubscription: UseCase<{ executionId: string; messageName: string; variables?: Variables }, void> = async (app, caller, input) => {
  const noSubscription = () => executions.noMessageSubscription(input.executionId, input.messageName);
  await app.engine.update(
    processInstanceOfExecution(input.executionId),
    async (state, model) => {
      const execution = state.status === 'ACTIVE' ? executions.findExecution(state, input.executionId) : undefined;
      if (!execution || !(execution.node.subscriptions ?? []).some((s) => s.eventType === 'message' && s.eventName === input.messageName)) throw noSubscription();
      await requireInstance(caller, state, 'UPDATE');
      return executions.triggerMessageSubscription(state, model, input, app.engine.env);
    },
    noSubscription,
  );
};

/** POST /execution/{id}/create-incident: UPDATE on the instance or UPDATE_INSTANCE on its definition; the incident as stored. */
export const createIncident: UseCase<{ executionId: string; incidentType: string; configuration: string | null; message: string | null }, QueryItem> = async (app, caller, input) => {
  const missing = () => badUserRequest(`Cannot find an execution with executionId '${input.executionId}': execution is null`);
  let created: { state: ProcessInstanceState; incident: IncidentState } | undefined;
  let model: ProcessModel | undefined;
  await app.engine.update(
    processInstanceOfExecution(input.executionId),
    async (state, processModel) => {
      if (state.status !== 'ACTIVE' || !executions.findExecution(state, input.executionId)) throw missing();
      await requireInstance(caller, state, 'UPDATE');
      created = executions.createIncident(state, input, app.engine.env, missing);
      model = processModel;
      return created.state;
    },
    missing,
    loggedWithInstance(
      app,
      caller,
      instanceOperation('CreateIncident', [
        { property: 'incidentType', newValue: input.incidentType },
        { property: 'configuration', newValue: input.configuration },
      ]),
    ),
  );
  // The incident's item as the instance's transaction wrote it (a read of the index could still miss it).
  const incidentId = created!.incident.id;
  return projectQueryItems(created!.state, model!, app.engine.deps.layout).find((item) => item.kind === 'incident' && item.id === incidentId)!;
};
