import type { AuthContext } from '../auth/auth-context.ts';
import { restoreStartEventsAfterDeletion } from '../service/start-event-registration.ts';
import { deploy as deployResources, type DeploymentOutcome, type DeploymentRequest } from '../service/deployment-service.ts';
import { filterAllowed, mayInstance } from './access.ts';
import type { AppContext } from './app-context.ts';
import { CATEGORY, definitionContext, logOperation } from './operation-log.ts';
import { notFoundRequest, RequestError } from './errors.ts';
import type { DefinitionRecord, DeploymentRecord } from './read-models.ts';
import type { ResourceRecord } from '../store/definition-repository.ts';
import { nullValue } from '../engine/errors.ts';
import { allOfStream, type Paging, pageOf, type Sorting, sortItems } from './result-page.ts';

export type { DeploymentOutcome, DeploymentRequest };

/**
 * Input the caller reads only when the use case asks for it: a check that comes before the request
 * is read keeps coming first (a caller without CREATE on Deployment gets the 403, whatever the form).
 */
export type Deferred<T> = () => T;

async function canReadDeployment(caller: AuthContext, deployment: DeploymentRecord): Promise<boolean> {
  return caller.canSeeTenant(deployment.tenantId) && (await caller.isAllowed({ permission: 'READ', resource: 'Deployment', resourceId: deployment.id }));
}

/**
 * Deploys BPMN resources (Camunda's DeployCmd): CREATE on Deployment before the form is read, then
 * the tenant must be one of the caller's, and at least one resource must be there.
 */
export async function deploy(app: AppContext, caller: AuthContext, input: { request: Deferred<DeploymentRequest> }): Promise<DeploymentOutcome> {
  await caller.require({ permission: 'CREATE', resource: 'Deployment' });
  const request = input.request();
  if (request.tenantId !== null && !caller.canSeeTenant(request.tenantId)) {
    throw new RequestError(403, `Cannot deploy to tenant '${request.tenantId}': the user is not a member of it`);
  }
  if (request.resources.length === 0) throw new RequestError(400, 'No deployment resources contained in the form upload.');
  const outcome = await deployResources(app.engine.deps, app.engine.env, request);
  // Logged also when duplicate filtering returned an earlier deployment, naming that one (DeployCmd).
  const filtering = request.enableDuplicateFiltering || request.deployChangedOnly;
  await logOperation(app, caller, {
    operationType: 'Create',
    entityType: 'Deployment',
    category: CATEGORY.operator,
    context: { deploymentId: outcome.deployment.id, tenantId: outcome.deployment.tenantId ?? null },
    changes: [{ property: 'duplicateFilterEnabled', newValue: filtering }, ...(filtering ? [{ property: 'deployChangedOnly', newValue: request.deployChangedOnly }] : [])],
  });
  return outcome;
}

export const DEPLOYMENT_SORT_KEYS = ['id', 'name', 'deploymentTime', 'tenantId'] as const;

export interface DeploymentFilter {
  id?: string;
  name?: string;
  withoutTenantId?: boolean;
}

async function readableDeployments(app: AppContext, caller: AuthContext): Promise<DeploymentRecord[]> {
  return filterAllowed(await app.engine.deps.definitions.listDeployments(), (d) => canReadDeployment(caller, d));
}

/** The deployments the caller may READ that match the filter, sorted and paged. */
export async function queryDeployments(app: AppContext, caller: AuthContext, input: DeploymentFilter & Paging & { sort?: Sorting }): Promise<DeploymentRecord[]> {
  const { id, name, withoutTenantId } = input;
  const deployments = (await readableDeployments(app, caller)).filter((d) => (id === undefined || d.id === id) && (name === undefined || d.name === name) && (!withoutTenantId || d.tenantId === null));
  const sorted = sortItems(deployments, input.sort, (d, by) => (by === 'deploymentTime' ? d.deploymentTime : (d as unknown as Record<string, string | null>)[by]));
  return pageOf(sorted, input);
}

/** How many deployments the caller may READ (the count takes no filter, as before). */
export async function countDeployments(app: AppContext, caller: AuthContext): Promise<number> {
  return (await readableDeployments(app, caller)).length;
}

/** One deployment; one the caller may not READ does not exist for them. */
export async function getDeployment(app: AppContext, caller: AuthContext, input: { id: string }): Promise<DeploymentRecord> {
  const deployment = await app.engine.deps.definitions.getDeployment(input.id);
  if (!deployment || !(await canReadDeployment(caller, deployment))) throw notFoundRequest(`Deployment with id '${input.id}' does not exist`);
  return deployment;
}

export interface DeleteDeploymentOptions {
  cascade: boolean;
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
}

/**
 * Deletes a deployment and its definitions (Camunda's DeleteDeploymentCmd): DELETE on Deployment;
 * a definition with instances refuses without cascade, and with it each instance is deleted with
 * DELETE on it (or DELETE_INSTANCE on its definition) required.
 */
export async function deleteDeployment(app: AppContext, caller: AuthContext, input: { id: string; options: Deferred<DeleteDeploymentOptions> }): Promise<void> {
  const { engine } = app;
  const deployment = await engine.deps.definitions.getDeployment(input.id);
  if (!deployment || !caller.canSeeTenant(deployment.tenantId)) throw notFoundRequest(`Deployment with id '${input.id}' do not exist`);
  await caller.require({ permission: 'DELETE', resource: 'Deployment', resourceId: deployment.id });
  const options = input.options();
  const definitions = (await engine.deps.definitions.listDefinitions()).filter((d) => d.deploymentId === deployment.id);
  await deleteInstancesOf(app, caller, definitions, options);
  // Its decisions first: a deletion that stops half-way leaves no decision of a deployment that is gone.
  const decisions = (await engine.deps.decisions.list()).filter((d) => d.deploymentId === deployment.id);
  const graphs = (await engine.deps.decisions.listGraphs()).filter((g) => g.deploymentId === deployment.id);
  await engine.deps.decisions.remove(
    decisions.map((d) => d.id),
    graphs.map((g) => g.id),
  );
  await engine.deps.definitions.deleteDeployment(
    deployment.id,
    definitions.map((d) => d.id),
  );
  engine.forgetDefinitions(definitions.map((d) => d.id));
  await restoreStartEventsAfterDeletion(engine, definitions);
  await logOperation(app, caller, {
    operationType: 'Delete',
    entityType: 'Deployment',
    category: CATEGORY.operator,
    context: { deploymentId: deployment.id, tenantId: deployment.tenantId ?? null },
    changes: [{ property: 'cascade', newValue: options.cascade }],
  });
}

/**
 * Before definitions go: their running instances, each with DELETE on it (or DELETE_INSTANCE on its
 * definition); without `cascade`, any running instance refuses the deletion (Camunda's message).
 */
export async function deleteInstancesOf(app: AppContext, caller: AuthContext, definitions: readonly DefinitionRecord[], options: DeleteDeploymentOptions): Promise<void> {
  const { engine } = app;
  for (const definition of definitions) {
    const running = await allOfStream(engine.deps.instances.listings({ processDefinitionId: definition.id }), () => true);
    if (running.length > 0 && !options.cascade) {
      throw new RequestError(
        500,
        `Deletion of process definition without cascading failed. Process definition with id: ${definition.id} can't be deleted, since there exists ${running.length} dependening process instances.`,
      );
    }
    for (const instance of running) {
      const owner = { id: instance.id, definitionKey: instance.definitionKey, tenantId: instance.tenantId ?? undefined };
      if (!(await mayInstance(caller, owner, 'DELETE'))) await caller.require({ permission: 'DELETE', resource: 'ProcessInstance', resourceId: instance.id });
      await engine.deleteInstance(instance.id, { skipCustomListeners: options.skipCustomListeners, skipIoMappings: options.skipIoMappings });
    }
  }
}

/**
 * DELETE /process-definition/{id} and by key (Camunda's DeleteProcessDefinitionsCmd): DELETE on each
 * definition's key, then its instances (see deleteInstancesOf), then the definitions; their
 * deployment and resources stay. A deleted latest version hands its start events to the version
 * before it, as a deleted deployment does.
 */
export async function deleteProcessDefinitions(app: AppContext, caller: AuthContext, input: { definitions: readonly DefinitionRecord[]; options: DeleteDeploymentOptions }): Promise<void> {
  const { engine } = app;
  for (const key of new Set(input.definitions.map((d) => d.key))) await caller.require({ permission: 'DELETE', resource: 'ProcessDefinition', resourceId: key });
  await deleteInstancesOf(app, caller, input.definitions, input.options);
  const ids = input.definitions.map((d) => d.id);
  await engine.deps.definitions.deleteDefinitions(ids);
  engine.forgetDefinitions(ids);
  await restoreStartEventsAfterDeletion(engine, [...input.definitions]);
  // Camunda logs the cascade flag's change from a literal false.
  const deleted = input.definitions.map((definition) => ({
    operationType: 'Delete',
    entityType: 'ProcessDefinition',
    category: CATEGORY.operator,
    context: definitionContext(definition),
    changes: [{ property: 'cascade', orgValue: false, newValue: input.options.cascade }],
  }));
  await logOperation(app, caller, deleted);
}

/** GET /deployment/{id}/resources: READ on the deployment; none at all is Camunda's 404. */
export async function listDeploymentResources(app: AppContext, caller: AuthContext, input: { deploymentId: string }): Promise<ResourceRecord[]> {
  const missing = () => notFoundRequest(`Deployment resources for deployment id '${input.deploymentId}' do not exist.`);
  // A deployment the caller may not read is as missing as an unknown one (as GET /deployment/{id} answers).
  const deployment = await app.engine.deps.definitions.getDeployment(input.deploymentId);
  if (!deployment || !(await canReadDeployment(caller, deployment))) throw missing();
  const resources = await app.engine.deps.definitions.listResources(input.deploymentId);
  if (resources.length === 0) throw missing();
  return resources;
}

/** GET /deployment/{id}/resources/{resourceId}. */
export async function getDeploymentResource(app: AppContext, caller: AuthContext, input: { deploymentId: string; resourceId: string }): Promise<ResourceRecord> {
  const resource = (await listDeploymentResources(app, caller, input)).find((r) => r.id === input.resourceId);
  if (!resource) throw notFoundRequest(`Deployment resource with resource id '${input.resourceId}' for deployment id '${input.deploymentId}' does not exist.`);
  return resource;
}

/** GET /deployment/{id}/resources/{resourceId}/data: an unknown resource is the engine's NullValueException, as in Camunda. */
export async function deploymentResourceData(app: AppContext, caller: AuthContext, input: { deploymentId: string; resourceId: string }): Promise<{ name: string; data: Buffer; binary: boolean }> {
  const resource = (await listDeploymentResources(app, caller, input)).find((r) => r.id === input.resourceId);
  if (!resource) throw nullValue(`no resource found with id '${input.resourceId}' in deployment '${input.deploymentId}': resource is null`);
  const binary = resource.encoding === 'base64';
  return { name: resource.name, data: Buffer.from(resource.xml, binary ? 'base64' : 'utf8'), binary };
}

/**
 * GET /deployment/registered: the deployments whose jobs this engine runs — every deployment, as
 * every job executor here serves all of them. camunda-admin or READ on System.
 */
export async function registeredDeployments(app: AppContext, caller: AuthContext): Promise<string[]> {
  await caller.require({ permission: 'READ', resource: 'System', resourceId: '*' });
  return (await app.engine.deps.definitions.listDeployments()).map((deployment) => deployment.id).sort();
}

/**
 * POST /deployment/{id}/redeploy (Camunda's DeploymentBuilder#nameFromDeployment and
 * addDeploymentResources…): a new deployment of the same name and tenant with the resources the
 * request names by id or name, or all of them; CREATE on Deployment and READ on the one redeployed.
 */
export async function redeploy(
  app: AppContext,
  caller: AuthContext,
  input: { deploymentId: string; resourceIds: readonly string[]; resourceNames: readonly string[]; source: string | null },
): Promise<DeploymentOutcome> {
  const deployment = await getDeployment(app, caller, { id: input.deploymentId });
  await caller.require({ permission: 'CREATE', resource: 'Deployment' });
  const resources = await app.engine.deps.definitions.listResources(deployment.id);
  const cannot = (message: string) => new RequestError(404, `Cannot redeploy deployment '${deployment.id}': ${message}`);
  const missing = (wanted: readonly string[], key: (r: ResourceRecord) => string, property: string) => {
    const present = new Set(resources.map(key));
    const absent = wanted.filter((value) => !present.has(value));
    if (absent.length > 0) throw cannot(`The deployment with id '${deployment.id}' does not contain the following resources with ${property}: ${absent.join(', ')}`);
  };
  missing(input.resourceIds, (r) => r.id ?? r.name, 'id');
  missing(input.resourceNames, (r) => r.name, 'name');
  const everything = input.resourceIds.length === 0 && input.resourceNames.length === 0;
  const chosen = resources.filter((r) => everything || input.resourceIds.includes(r.id ?? r.name) || input.resourceNames.includes(r.name));
  return deployResources(app.engine.deps, app.engine.env, {
    name: deployment.name,
    source: input.source,
    tenantId: deployment.tenantId,
    enableDuplicateFiltering: false,
    deployChangedOnly: false,
    resources: chosen.map((r) => ({ name: r.name, xml: r.xml, ...(r.encoding ? { encoding: r.encoding } : {}) })),
  });
}
