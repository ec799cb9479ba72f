/**
 * POST /process-definition/{id}/restart (Camunda's RestartProcessInstancesCmd): each ended instance
 * named or found by the historic query starts again as a new instance of the same definition, at
 * the activities the instructions name, with the last values of its process-level variables (from
 * the variable history) and its business key. READ_HISTORY on the definition, and what starting an
 * instance needs, are required.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import type { StartInstruction } from '../engine/modification/instantiate.ts';
import { badUserRequest, processEngineError } from '../engine/errors.ts';
import type { ProcessInstanceState, Variables } from '../engine/state.ts';
import { requireDefinition } from './access.ts';
import type { AppContext } from './app-context.ts';
import { CATEGORY, definitionContext, instanceContext, logOperation } from './operation-log.ts';
import { findHistoricInstances, type HistoricInstanceFilter } from './history.ts';

export interface RestartRequest {
  processInstanceIds?: readonly string[];
  historicProcessInstanceQuery?: HistoricInstanceFilter;
  instructions: readonly StartInstruction[];
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
  withoutBusinessKey: boolean;
  initialVariables: boolean;
}

export async function restartProcessInstances(app: AppContext, caller: AuthContext, input: { definitionId: string; request: RestartRequest }): Promise<void> {
  const { request } = input;
  if (request.instructions.length === 0) throw badUserRequest('Restart instructions cannot be empty: instructions is empty');
  const ids = new Set(request.processInstanceIds ?? []);
  if (request.historicProcessInstanceQuery) for (const item of await findHistoricInstances(app, caller, request.historicProcessInstanceQuery)) ids.add(item.id as string);
  if (ids.size === 0) throw badUserRequest('Process instance ids cannot be empty: Process instance ids is empty');
  const definition = await app.engine.definition(input.definitionId);
  if (!definition || !caller.canSeeTenant(definition.tenantId)) throw processEngineError('Process definition cannot be found: processDefinition is null');
  await requireDefinition(caller, definition, 'READ_HISTORY');
  await requireDefinition(caller, definition, 'CREATE_INSTANCE');
  await caller.require({ permission: 'CREATE', resource: 'ProcessInstance' });
  // Every instance is checked before any starts (Camunda restarts them in one transaction).
  const restarts: { variables: Variables; businessKey: string | undefined }[] = [];
  for (const id of ids) {
    const historic = await app.engine.deps.items.getHistoricInstance(id);
    if (!historic) throw badUserRequest('Historic process instance cannot be found: historicProcessInstanceId is null');
    if (historic.endTime === null || historic.endTime === undefined) throw processEngineError(`ENGINE-13040 Historic process instance '${id}' cannot be restarted. It is not completed or terminated.`);
    if (historic.processDefinitionId !== definition.id) {
      throw processEngineError(
        `ENGINE-13039 Historic process instance '${id}' cannot be restarted. Its process definition '${String(historic.processDefinitionId)}' does not match given process definition '${definition.id}'`,
      );
    }
    const variables = request.initialVariables ? await initialVariables(app, id) : await lastVariables(app, id);
    restarts.push({ variables, businessKey: request.withoutBusinessKey ? undefined : ((historic.businessKey as string | null | undefined) ?? undefined) });
  }
  const at = { instructions: request.instructions, skipCustomListeners: request.skipCustomListeners, skipIoMappings: request.skipIoMappings };
  const started: ProcessInstanceState[] = [];
  for (const { variables, businessKey } of restarts) started.push(await app.engine.start(definition, { variables, businessKey }, [], at));
  // One operation: its count, and a Create entry per instance its nested starts logged (RestartProcessInstancesCmd).
  await logOperation(app, caller, [
    {
      operationType: 'RestartProcessInstance',
      entityType: 'ProcessInstance',
      category: CATEGORY.operator,
      context: definitionContext(definition),
      changes: [
        { property: 'nrOfInstances', newValue: started.length },
        { property: 'async', newValue: false },
      ],
    },
    ...started.map((state) => ({ operationType: 'Create', entityType: 'ProcessInstance', category: CATEGORY.operator, context: instanceContext(state) })),
  ]);
}

/** A value too large to keep in the history cannot be restored: refused rather than restarted as null. */
function restorable(id: string, name: string, value: { errorMessage: string | null }): void {
  if (value.errorMessage) throw badUserRequest(`The variable '${name}' of historic process instance '${id}' cannot be restored: ${value.errorMessage}`);
}

/** Camunda's collectLastVariables: the process instance's own variables (its execution's), not removed ones. */
async function lastVariables(app: AppContext, id: string): Promise<Variables> {
  const variables: Variables = {};
  for (const variable of await app.engine.deps.variableHistory.ofInstance(id)) {
    if (variable.executionId !== id || variable.state !== 'CREATED' || !variable.value) continue;
    restorable(id, variable.name, variable);
    variables[variable.name] = variable.value;
  }
  return variables;
}

/** Camunda's collectInitialVariables: the details of the values the instance started with. */
async function initialVariables(app: AppContext, id: string): Promise<Variables> {
  const variables: Variables = {};
  for (const detail of await app.engine.deps.variableDetails.ofInstance(id)) {
    if (!detail.initial || detail.executionId !== id || !detail.value) continue;
    restorable(id, detail.variableName, detail);
    variables[detail.variableName] = detail.value;
  }
  return variables;
}
