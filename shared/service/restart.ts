/**
 * Restarting an ended process instance (Camunda's RestartProcessInstancesCmd, for one instance):
 * what its new instance starts with, read from its history. Shared by the synchronous restart and
 * the restart batch's jobs.
 */
import { badUserRequest, processEngineError } from '../engine/errors.ts';
import type { StartInstruction } from '../engine/modification/instantiate.ts';
import type { Variables } from '../engine/state.ts';
import type { DefinitionRecord } from '../store/definition-repository.ts';
import type { EngineService } from './engine-service.ts';

/** How the instances restart (Camunda's RestartProcessInstanceBuilder). */
export interface RestartOptions {
  instructions: readonly StartInstruction[];
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
  withoutBusinessKey: boolean;
  /** The values the instance started with (its initial historic details), not its last ones. */
  initialVariables: boolean;
}

export interface RestartPlan {
  variables: Variables;
  businessKey: string | undefined;
}

/** A value too large to keep in the history cannot be restored: refused rather than restarted as null. */
function restorable(id: string, name: string, value: { errorMessage: string | null }): void {
  if (value.errorMessage) throw badUserRequest(`The variable '${name}' of historic process instance '${id}' cannot be restored: ${value.errorMessage}`);
}

/** Camunda's collectLastVariables: the process instance's own variables (its execution's), not removed ones. */
async function lastVariables(engine: EngineService, id: string): Promise<Variables> {
  const variables: Variables = {};
  for (const variable of await engine.deps.variableHistory.ofInstance(id)) {
    if (variable.executionId !== id || variable.state !== 'CREATED' || !variable.value) continue;
    restorable(id, variable.name, variable);
    variables[variable.name] = variable.value;
  }
  return variables;
}

/** Camunda's collectInitialVariables: the details of the values the instance started with. */
async function initialVariables(engine: EngineService, id: string): Promise<Variables> {
  const variables: Variables = {};
  for (const detail of await engine.deps.variableDetails.ofInstance(id)) {
    if (!detail.initial || detail.executionId !== id || !detail.value) continue;
    restorable(id, detail.variableName, detail);
    variables[detail.variableName] = detail.value;
  }
  return variables;
}

/** One ended instance's restart, checked as Camunda checks it (it must exist, have ended, and be of the definition). */
export async function restartPlanOf(engine: EngineService, definition: DefinitionRecord, historicInstanceId: string, options: RestartOptions): Promise<RestartPlan> {
  const id = historicInstanceId;
  const historic = await engine.deps.items.getHistoricInstance(id);
  if (!historic) throw badUserRequest('Historic process instance cannot be found: historicProcessInstanceId is null');
  if (historic.endTime === null || historic.endTime === undefined) throw processEngineError(`ENGINE-13040 Historic process instance '${id}' cannot be restarted. It is not completed or terminated.`);
  if (historic.processDefinitionId !== definition.id) {
    throw processEngineError(
      `ENGINE-13039 Historic process instance '${id}' cannot be restarted. Its process definition '${String(historic.processDefinitionId)}' does not match given process definition '${definition.id}'`,
    );
  }
  const variables = options.initialVariables ? await initialVariables(engine, id) : await lastVariables(engine, id);
  return { variables, businessKey: options.withoutBusinessKey ? undefined : ((historic.businessKey as string | null | undefined) ?? undefined) };
}

/** Starts the new instance of a restart; `extra` actions (a batch job's progress) join its write. */
export function startRestarted(engine: EngineService, definition: DefinitionRecord, plan: RestartPlan, options: RestartOptions, extra: Record<string, unknown>[] = []) {
  const at = { instructions: options.instructions, skipCustomListeners: options.skipCustomListeners, skipIoMappings: options.skipIoMappings };
  return engine.start(definition, { variables: plan.variables, businessKey: plan.businessKey }, extra, at);
}
