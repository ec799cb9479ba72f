import { STORE_LIMITS, StoreLimitExceeded, utf8Bytes } from '../aws/store-limits.ts';
import type { BpmnLimits } from '../bpmn/limits.ts';
import { parseBpmn } from '../bpmn/parse-bpmn.ts';
import type { DefinitionRecord, DefinitionRepository, DeploymentRecord, ResourceRecord } from '../store/definition-repository.ts';
import type { EngineEnvironment } from '../engine/environment.ts';
import { badUserRequest } from '../engine/errors.ts';
import { isConditionalFailure } from '../store/errors.ts';
import type { IndexLayout } from '../store/index-layout.ts';
import type { StartEventRepository } from '../store/start-event-items.ts';
import { startEventActions } from './start-event-registration.ts';

export interface DeploymentRequest {
  name: string | null;
  source: string | null;
  tenantId: string | null;
  enableDuplicateFiltering: boolean;
  deployChangedOnly: boolean;
  resources: { name: string; xml: string }[];
}

export interface DeploymentOutcome {
  deployment: DeploymentRecord;
  /** Definitions this request created; empty when duplicate filtering returned an earlier deployment. */
  definitions: DefinitionRecord[];
}

/**
 * A resource is stored in one item, and its process definitions each carry its XML in one more
 * (docs/data-model.md): both must fit, which is checked before anything is written or a version
 * number is taken. The name is part of the resource item's sort key.
 */
export const MAX_RESOURCE_BYTES = 350 * 1024;
export const MAX_RESOURCE_NAME_BYTES = STORE_LIMITS.sortKeyBytes - 'RESOURCE#'.length;

function checkResourceFits(resource: { name: string; xml: string }): void {
  const nameBytes = utf8Bytes(resource.name);
  if (nameBytes > MAX_RESOURCE_NAME_BYTES) {
    throw new StoreLimitExceeded(`Deployment resource name '${resource.name.slice(0, 64)}…' is ${nameBytes} bytes long; a resource name can be at most ${MAX_RESOURCE_NAME_BYTES} bytes.`);
  }
  const size = utf8Bytes(resource.xml);
  if (size > MAX_RESOURCE_BYTES) {
    throw new StoreLimitExceeded(`Deployment resource '${resource.name}' is ${Math.ceil(size / 1024)} KB; a resource can be at most ${MAX_RESOURCE_BYTES / 1024} KB.`);
  }
}

function isBpmn(name: string): boolean {
  return name.endsWith('.bpmn') || name.endsWith('.bpmn20.xml');
}

/**
 * Deploys BPMN resources as Camunda does: every resource parsed first (a broken one refuses the whole
 * deployment), each process a new version of its key, duplicate filtering against the last deployment
 * of the same name.
 */
export interface DeploymentStores {
  definitions: DefinitionRepository;
  startEvents: StartEventRepository;
  layout: IndexLayout;
  bpmnLimits: BpmnLimits;
}

export async function deploy(stores: DeploymentStores, env: EngineEnvironment, request: DeploymentRequest): Promise<DeploymentOutcome> {
  const { definitions } = stores;
  for (const resource of request.resources) checkResourceFits(resource);
  const parsed = await Promise.all(request.resources.filter((r) => isBpmn(r.name)).map(async (resource) => ({ resource, models: await parseBpmn(resource.xml, resource.name, stores.bpmnLimits) })));
  let toDeploy = parsed;
  if (request.enableDuplicateFiltering && request.name) {
    const previous = (await definitions.listDeployments()).filter((d) => d.name === request.name && d.tenantId === request.tenantId).sort((a, b) => b.deploymentTime - a.deploymentTime)[0];
    if (previous) {
      const previousResources = new Map((await definitions.listResources(previous.id)).map((r) => [r.name, r.xml]));
      const changed = parsed.filter(({ resource }) => previousResources.get(resource.name) !== resource.xml);
      const sameSet = previousResources.size === request.resources.length;
      if (changed.length === 0 && sameSet) return { deployment: previous, definitions: [] };
      if (request.deployChangedOnly) toDeploy = changed;
    }
  }
  const deployment: DeploymentRecord = {
    id: env.newId(),
    name: request.name,
    source: request.source,
    deploymentTime: env.now(),
    tenantId: request.tenantId,
  };
  const resources: ResourceRecord[] = request.resources.map((r) => ({ deploymentId: deployment.id, name: r.name, xml: r.xml }));
  const created: DefinitionRecord[] = [];
  const startEvents: Parameters<typeof startEventActions>[1] = [];
  for (const { resource, models } of toDeploy) {
    for (const model of models) {
      const version = await definitions.nextVersion(model.id, request.tenantId);
      created.push({
        id: `${model.id}:${version}:${env.newId()}`,
        key: model.id,
        name: model.name ?? null,
        version,
        deploymentId: deployment.id,
        resourceName: resource.name,
        tenantId: request.tenantId,
        versionTag: model.versionTag ?? null,
        xml: resource.xml,
      });
      startEvents.push({ definition: created[created.length - 1]!, model });
    }
  }
  // The new versions' start events replace the previous versions', in the deployment's first transaction.
  const actions = await startEventActions(stores, startEvents, env);
  try {
    await definitions.saveDeployment(deployment, resources, created, actions);
  } catch (error) {
    // Only the start event items carry conditions: a concurrent deployment claimed a message name or a newer version.
    if (isConditionalFailure(error)) throw badUserRequest(`Cannot deploy '${request.name ?? deployment.id}': a concurrent deployment changed the message start events it needs; retry.`);
    throw error;
  }
  return { deployment, definitions: created };
}
