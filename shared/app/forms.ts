/**
 * The forms a task list shows (Camunda's FormService): the form key or Camunda Form reference of a
 * user task or of a definition's start event, a form deployed with the process, and the forms
 * Camunda generates from camunda:formData (their variables and fields; submitting is in tasks.ts
 * and process-definitions.ts).
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { badUserRequest, EngineError, notFound, nullValue } from '../engine/errors.ts';
import type { RenderedField } from '../engine/form-fields.ts';
import type { Variables } from '../engine/state.ts';
import { evaluateForm, type EvaluatedForm, startFormFields, startFormVariables, startRenderedFields } from '../engine/forms.ts';
import * as engine from '../engine/index.ts';
import { ExpressionEvaluationError } from '../expression/index.ts';
import { mayTask, requireTask } from './access.ts';
import type { AppContext } from './app-context.ts';
import { RequestError } from './errors.ts';
import { type DefinitionRef, getProcessDefinition } from './process-definitions.ts';
import type { DefinitionRecord, QueryItem } from './read-models.ts';

export interface FormView extends EvaluatedForm {
  deploymentId: string;
  /** The form has camunda:formData fields (Camunda generates an HTML form from them). */
  hasFields?: boolean;
}

/**
 * GET /task/{id}/form: the form's expressions evaluated now, as Camunda does. A task that is unknown,
 * that the caller may not read, or whose form key cannot be evaluated is Camunda's 400.
 */
export async function taskForm(app: AppContext, caller: AuthContext, taskId: string): Promise<FormView> {
  const cannotGet = () => new RequestError(400, `Cannot get form for task ${taskId}`, 'RestException');
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item || !(await mayTask(caller, item, 'READ'))) throw cannotGet();
  const form = await formOfTask(app, item, cannotGet);
  // A generated form without a key of its own is served by the engine (Camunda's TaskResourceImpl#getForm).
  return !form.formKey && form.hasFields ? { ...form, formKey: `embedded:engine://engine/:engine/task/${taskId}/rendered-form` } : form;
}

async function formOfTask(app: AppContext, item: QueryItem, failed: () => Error): Promise<FormView> {
  const loaded = await app.engine.load(item.processInstanceId as string);
  if (!loaded || !engine.hasTask(loaded.stored.state, item.id as string)) throw failed();
  let form: EvaluatedForm;
  try {
    form = engine.taskFormOf(loaded.stored.state, loaded.model, item.id as string, app.engine.env);
  } catch (error) {
    if (error instanceof EngineError || error instanceof ExpressionEvaluationError) throw Object.assign(failed(), { cause: error });
    throw error;
  }
  return { ...form, deploymentId: loaded.stored.state.definitionId ? ((await app.engine.definition(loaded.stored.state.definitionId))?.deploymentId ?? '') : '' };
}

/** The start event's form of a definition: its key as written (Camunda does not evaluate a start form key). */
async function startFormOf(app: AppContext, definition: DefinitionRecord): Promise<FormView> {
  const model = await app.engine.model(definition);
  const start = model.initialStartEventId ? model.nodes.get(model.initialStartEventId) : undefined;
  return { ...evaluateForm(start?.form, (expression) => expression.text), deploymentId: definition.deploymentId, hasFields: startFormFields(model).length > 0 };
}

/** GET /process-definition/{id}/startForm: any failure to find the definition is Camunda's 400. */
export async function startForm(app: AppContext, caller: AuthContext, ref: DefinitionRef): Promise<FormView> {
  const definition = await getProcessDefinition(app, caller, ref).catch((error: unknown) => {
    if ('id' in ref && error instanceof RequestError && error.status === 404) throw new RequestError(400, `Cannot get start form data for process definition ${ref.id}`);
    throw error;
  });
  const form = await startFormOf(app, definition);
  return !form.formKey && form.hasFields ? { ...form, formKey: `embedded:engine://engine/:engine/process-definition/${definition.id}/rendered-form` } : form;
}

/**
 * The deployed form a view names (AbstractGetDeployedFormCmd): a `deployment:` form key (after an
 * `embedded:` or `camunda-forms:` prefix) read from the process's deployment, with its type.
 */
async function deployedForm(app: AppContext, form: FormView): Promise<{ name: string; content: Buffer; contentType: string }> {
  if (form.camundaFormRef) {
    const { key, binding, version } = form.camundaFormRef;
    // Camunda Form definitions (deployed .form files as versioned definitions) do not exist here.
    throw new RequestError(404, `No Camunda Form Definition was found for Camunda Form Ref: CamundaFormRefImpl [key=${key}, binding=${binding}, version=${version}]`);
  }
  if (!form.formKey) throw new RequestError(400, "One of the attributes 'formKey' and 'camunda:formRef' must be supplied but none were set.");
  const key = form.formKey.replace(/^(embedded:|camunda-forms:)/, '');
  if (!key.startsWith('deployment:')) throw new RequestError(400, `The form key '${form.formKey}' does not reference a deployed form.`);
  const name = key.slice('deployment:'.length);
  const resource = (await app.engine.deps.definitions.listResources(form.deploymentId)).find((r) => r.name === name);
  if (!resource) throw new RequestError(404, `The form with the resource name '${name}' cannot be found in deployment with id ${form.deploymentId}`);
  const content = Buffer.from(resource.xml, resource.encoding === 'base64' ? 'base64' : 'utf8');
  return { name, content, contentType: name.endsWith('.form') ? 'application/json' : 'application/xhtml+xml' };
}

/** GET /task/{id}/deployed-form. */
export async function deployedTaskForm(app: AppContext, caller: AuthContext, taskId: string) {
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item || !(await mayTask(caller, item, 'READ'))) throw new RequestError(404, `No matching task with id ${taskId}`);
  return deployedForm(app, await formOfTask(app, item, () => new RequestError(404, `No matching task with id ${taskId}`)));
}

/** GET /process-definition/{id}/deployed-start-form. */
export async function deployedStartForm(app: AppContext, caller: AuthContext, ref: DefinitionRef) {
  const definition = await getProcessDefinition(app, caller, ref).catch((error: unknown) => {
    if ('id' in ref && error instanceof RequestError && error.status === 404) throw new RequestError(404, `no deployed process definition found with id '${ref.id}': processDefinition is null`);
    throw error;
  });
  return deployedForm(app, await startFormOf(app, definition));
}

/** A task's instance, loaded, for its generated form; `missing` when the task or its instance is gone. */
async function taskInstance(app: AppContext, item: QueryItem, missing: () => Error) {
  const loaded = await app.engine.load(item.processInstanceId as string);
  if (!loaded || !engine.hasTask(loaded.stored.state, item.id as string)) throw missing();
  return loaded;
}

/**
 * GET /task/{id}/form-variables: READ on the task or READ_TASK on its definition. An unknown task is
 * Camunda's 400 (GetTaskFormVariablesCmd's BadUserRequestException).
 */
export async function taskFormVariables(app: AppContext, caller: AuthContext, taskId: string, names?: readonly string[]): Promise<Variables> {
  const missing = () => badUserRequest(`Cannot find task with id '${taskId}'.: task is null`);
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item) throw missing();
  await requireTask(caller, item, 'READ');
  const loaded = await taskInstance(app, item, missing);
  return engine.taskFormVariables(loaded.stored.state, loaded.model, taskId, app.engine.env, names);
}

/** GET /task/{id}/rendered-form: the fields of the form Camunda generates; none is its 404. */
export async function taskRenderedFields(app: AppContext, caller: AuthContext, taskId: string): Promise<RenderedField[]> {
  const missing = () => nullValue(`Task '${taskId}' not found: task is null`);
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item) throw missing();
  await requireTask(caller, item, 'READ');
  const loaded = await taskInstance(app, item, missing);
  const fields = engine.taskRenderedFields(loaded.stored.state, loaded.model, taskId, app.engine.env);
  if (fields.length === 0) throw new RequestError(404, `No matching rendered form for task with the id ${taskId} found.`);
  return fields;
}

/** A definition for its start form: an unknown id is the deployment cache's NotFoundException (400), an unknown key the REST layer's 404. */
async function startFormDefinition(app: AppContext, caller: AuthContext, ref: DefinitionRef): Promise<DefinitionRecord> {
  return getProcessDefinition(app, caller, ref).catch((error: unknown) => {
    if ('id' in ref && error instanceof RequestError && error.status === 404) throw notFound(`no deployed process definition found with id '${ref.id}': processDefinition is null`);
    throw error;
  });
}

/** GET /process-definition/{id}/form-variables: the start form's fields, with their defaults. */
export async function startFormVariablesOf(app: AppContext, caller: AuthContext, ref: DefinitionRef, names?: readonly string[]): Promise<Variables> {
  const definition = await startFormDefinition(app, caller, ref);
  return startFormVariables(await app.engine.model(definition), names);
}

/** GET /process-definition/{id}/rendered-form. */
export async function startRenderedFieldsOf(app: AppContext, caller: AuthContext, ref: DefinitionRef): Promise<RenderedField[]> {
  const definition = await startFormDefinition(app, caller, ref);
  const fields = startRenderedFields(await app.engine.model(definition));
  if (fields.length === 0) throw new RequestError(404, `No matching rendered start form for process definition with the id ${definition.id} found.`);
  return fields;
}
