/**
 * The forms a task list shows (Camunda's FormService): the form key or Camunda Form reference of a
 * user task or of a definition's start event, and a form deployed with the process. Forms generated
 * from camunda:formData (rendered HTML, form variables, submit) are not provided yet.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { EngineError } from '../engine/errors.ts';
import { evaluateForm, type EvaluatedForm } from '../engine/forms.ts';
import * as engine from '../engine/index.ts';
import { ExpressionEvaluationError } from '../expression/index.ts';
import { mayTask } from './access.ts';
import type { AppContext } from './app-context.ts';
import { RequestError } from './errors.ts';
import { type DefinitionRef, getProcessDefinition } from './process-definitions.ts';
import type { DefinitionRecord, QueryItem } from './read-models.ts';

export interface FormView extends EvaluatedForm {
  deploymentId: string;
}

/**
 * GET /task/{id}/form: the form's expressions evaluated now, as Camunda does. A task that is unknown,
 * that the caller may not read, or whose form key cannot be evaluated is Camunda's 400.
 */
export async function taskForm(app: AppContext, caller: AuthContext, taskId: string): Promise<FormView> {
  const cannotGet = () => new RequestError(400, `Cannot get form for task ${taskId}`, 'RestException');
  const item = await app.engine.deps.items.getTask(taskId);
  if (!item || !(await mayTask(caller, item, 'READ'))) throw cannotGet();
  return formOfTask(app, item, cannotGet);
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
  return { ...evaluateForm(start?.form, (expression) => expression.text), deploymentId: definition.deploymentId };
}

/** GET /process-definition/{id}/startForm: any failure to find the definition is Camunda's 400. */
export async function startForm(app: AppContext, caller: AuthContext, ref: DefinitionRef): Promise<FormView> {
  const definition = await getProcessDefinition(app, caller, ref).catch((error: unknown) => {
    if ('id' in ref && error instanceof RequestError && error.status === 404) throw new RequestError(400, `Cannot get start form data for process definition ${ref.id}`);
    throw error;
  });
  return startFormOf(app, definition);
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
