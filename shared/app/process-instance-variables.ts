import { nullValue } from '../engine/errors.ts';
import { modifyVariables } from '../engine/operations.ts';
import type { ProcessInstanceState, Variables } from '../engine/state.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { requireInstance } from './access.ts';
import type { AppContext } from './app-context.ts';
import { instanceVariableOperation, loggedWithInstance, type VariableOperation } from './operation-log.ts';

/**
 * A process instance's own (root scope) variables, as Camunda's RuntimeService#getVariables and
 * #updateVariables on the instance's execution: an unknown (or ended) instance is EnsureUtil's
 * NullValueException, one the caller may not read or change a 403.
 */
const doesNotExist = (id: string) => nullValue(`execution ${id} doesn't exist: execution is null`);

/** GET /process-instance/{id}/variables: READ on the instance or READ_INSTANCE on its definition. */
export async function readInstanceVariables(app: AppContext, caller: AuthContext, processInstanceId: string): Promise<Variables> {
  const loaded = await app.engine.load(processInstanceId);
  if (!loaded || loaded.stored.state.status !== 'ACTIVE') throw doesNotExist(processInstanceId);
  await requireInstance(caller, loaded.stored.state, 'READ');
  return loaded.stored.state.root.variables ?? {};
}

/**
 * Camunda's checkUpdateProcessInstanceVariables, in its order: UPDATE_VARIABLE on the instance,
 * UPDATE_INSTANCE_VARIABLE on its definition, or the plain UPDATE and UPDATE_INSTANCE.
 */
async function requireVariableUpdate(caller: AuthContext, state: ProcessInstanceState): Promise<void> {
  await requireInstance(caller, state, 'UPDATE', [
    { permission: 'UPDATE_VARIABLE', resource: 'ProcessInstance', resourceId: state.id },
    { permission: 'UPDATE_INSTANCE_VARIABLE', resource: 'ProcessDefinition', resourceId: state.definitionKey },
  ]);
}

/** Sets then removes root variables, checked on the state the change applies to. */
export async function modifyInstanceVariables(
  app: AppContext,
  caller: AuthContext,
  processInstanceId: string,
  modifications: Variables,
  deletions: readonly string[],
  operation: VariableOperation,
): Promise<void> {
  await app.engine.update(
    processInstanceId,
    async (state, model) => {
      if (state.status !== 'ACTIVE') throw doesNotExist(processInstanceId);
      await requireVariableUpdate(caller, state);
      return modifyVariables(state, model, modifications, deletions, app.engine.env);
    },
    () => doesNotExist(processInstanceId),
    loggedWithInstance(app, caller, instanceVariableOperation(operation)),
  );
}
