import { modifyVariables } from '../engine/operations.ts';
import { getOwn } from '../engine/own-properties.ts';
import type { TypedValue, Variables } from '../engine/state.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { mayInstance, requireInstance } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { loadReadable, missingInstance } from './process-instances.ts';
import { ResourceNotFound } from './errors.ts';

/** GET /process-instance/{id}/variables: the instance's own (root scope) variables. */
export const getProcessInstanceVariables: UseCase<{ processInstanceId: string }, Variables> = async (app, caller, { processInstanceId }) =>
  (await loadReadable(app, caller, processInstanceId)).stored.state.root.variables ?? {};

/** GET /process-instance/{id}/variables/{name}. */
export const getProcessInstanceVariable: UseCase<{ processInstanceId: string; name: string }, TypedValue> = async (app, caller, { processInstanceId, name }) => {
  const value = getOwn((await loadReadable(app, caller, processInstanceId)).stored.state.root.variables, name);
  if (!value) throw new ResourceNotFound(`process instance variable with name ${name} does not exist`);
  return value;
};

/**
 * Sets and removes root variables of an instance the caller may read and update, checked on the
 * state the change applies to (one read per attempt).
 */
async function changeVariables(app: AppContext, caller: AuthContext, id: string, modifications: Variables, deletions: readonly string[]): Promise<void> {
  await app.engine.update(
    id,
    async (state, model) => {
      if (!(await mayInstance(caller, state, 'READ'))) throw missingInstance(id);
      await requireInstance(caller, state, 'UPDATE');
      return modifyVariables(state, model, modifications, deletions, app.engine.env);
    },
    () => missingInstance(id),
  );
}

/** POST /process-instance/{id}/variables. */
export const modifyProcessInstanceVariables: UseCase<{ processInstanceId: string; modifications: Variables; deletions: readonly string[] }, void> = (app, caller, input) =>
  changeVariables(app, caller, input.processInstanceId, input.modifications, input.deletions);

/** PUT /process-instance/{id}/variables/{name}. */
export const setProcessInstanceVariable: UseCase<{ processInstanceId: string; name: string; value: TypedValue }, void> = (app, caller, input) =>
  changeVariables(app, caller, input.processInstanceId, { [input.name]: input.value }, []);

/** DELETE /process-instance/{id}/variables/{name}. */
export const deleteProcessInstanceVariable: UseCase<{ processInstanceId: string; name: string }, void> = (app, caller, input) =>
  changeVariables(app, caller, input.processInstanceId, {}, [input.name]);
