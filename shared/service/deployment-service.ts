import { STORE_LIMITS, StoreLimitExceeded, utf8Bytes } from '../aws/store-limits.ts';
import type { BpmnLimits } from '../bpmn/limits.ts';
import { parseBpmn } from '../bpmn/parse-bpmn.ts';
import type { DefinitionRecord, DefinitionRepository, DeploymentRecord, ResourceRecord } from '../store/definition-repository.ts';
import { log } from '../observability/logger.ts';
import type { EngineEnvironment } from '../engine/environment.ts';
import { badUserRequest, EngineError } from '../engine/errors.ts';
import { isConditionalFailure } from '../store/errors.ts';
import type { IndexLayout } from '../store/index-layout.ts';
import type { StartEventRepository } from '../store/start-event-items.ts';
import { startEventActions } from './start-event-registration.ts';
import { DecisionDeployment, parseDmnResources } from './decision-deployment.ts';
import type { DecisionDefinitionRecord, DecisionDefinitionRepository, DecisionRequirementsRecord } from '../store/decision-definition-repository.ts';

export interface DeploymentRequest {
  name: string | null;
  source: string | null;
  tenantId: string | null;
  enableDuplicateFiltering: boolean;
  deployChangedOnly: boolean;
  resources: { name: string; xml: string; encoding?: 'base64' }[];
}

export interface DeploymentOutcome {
  deployment: DeploymentRecord;
  /** Definitions this request created; empty when duplicate filtering returned an earlier deployment. */
  definitions: DefinitionRecord[];
  /** The decision definitions it created, likewise, and the decision requirements graphs. */
  decisions: DecisionDefinitionRecord[];
  decisionGraphs: DecisionRequirementsRecord[];
}

/**
 * A resource may be of any size up to the deployment's total (it is stored in parts,
 * docs/data-model.md); the total is what one request can carry to a Lambda function (6 MB
 * synchronous payload). The name is part of the resource's sort keys. Both are checked before
 * anything is written.
 */
export const MAX_DEPLOYMENT_BYTES = 6 * 1024 * 1024;
export const MAX_RESOURCE_NAME_BYTES = STORE_LIMITS.sortKeyBytes - 'RESOURCEPART#'.length - '#0000'.length;

function checkDeploymentFits(resources: readonly { name: string; xml: string }[]): void {
  for (const resource of resources) {
    const nameBytes = utf8Bytes(resource.name);
    if (nameBytes > MAX_RESOURCE_NAME_BYTES) {
      throw new StoreLimitExceeded(`Deployment resource name '${resource.name.slice(0, 64)}…' is ${nameBytes} bytes long; a resource name can be at most ${MAX_RESOURCE_NAME_BYTES} bytes.`);
    }
  }
  const total = resources.reduce((sum, resource) => sum + utf8Bytes(resource.xml), 0);
  if (total > MAX_DEPLOYMENT_BYTES) {
    throw new StoreLimitExceeded(`The deployment's resources are ${Math.ceil(total / 1024)} KB; a deployment can hold at most ${MAX_DEPLOYMENT_BYTES / 1024} KB.`);
  }
}

/** A deployment commits in one transaction (100 actions): its item and its start event items. */
const COMMIT_ACTIONS = 100;

function isBpmn(name: string): boolean {
  return name.endsWith('.bpmn') || name.endsWith('.bpmn20.xml');
}

const DIAGRAM_SUFFIXES = ['png', 'jpg', 'gif', 'svg'];

/**
 * The image of a process in its deployment (Camunda's AbstractDefinitionDeployer): for each suffix
 * in turn, `<model file base>.<process key>.<suffix>`, then `<model file base>.<suffix>`.
 */
export function diagramResourceFor(modelResource: string, processKey: string, resources: readonly { name: string }[]): string | null {
  const base = modelResource.replace(/(bpmn20\.xml|bpmn)$/, '');
  const names = new Set(resources.map((resource) => resource.name));
  for (const suffix of DIAGRAM_SUFFIXES) {
    for (const candidate of [`${base}${processKey}.${suffix}`, `${base}${suffix}`]) if (names.has(candidate)) return candidate;
  }
  return null;
}

/**
 * Deploys BPMN resources as Camunda does: every resource parsed first (a broken one refuses the whole
 * deployment), each process a new version of its key, duplicate filtering against the last deployment
 * of the same name.
 */
export interface DeploymentStores {
  definitions: DefinitionRepository;
  decisions: DecisionDefinitionRepository;
  startEvents: StartEventRepository;
  layout: IndexLayout;
  bpmnLimits: BpmnLimits;
}

export async function deploy(stores: DeploymentStores, env: EngineEnvironment, request: DeploymentRequest): Promise<DeploymentOutcome> {
  const { definitions } = stores;
  checkDeploymentFits(request.resources);
  const parsed = await Promise.all(request.resources.filter((r) => isBpmn(r.name)).map(async (resource) => ({ resource, models: await parseBpmn(resource.xml, resource.name, stores.bpmnLimits) })));
  const parsedDmn = await parseDmnResources(request.resources);
  let toDeploy = parsed;
  let dmnToDeploy = parsedDmn;
  if (request.enableDuplicateFiltering && request.name) {
    const previous = (await definitions.listDeployments()).filter((d) => d.name === request.name && d.tenantId === request.tenantId).sort((a, b) => b.deploymentTime - a.deploymentTime)[0];
    if (previous) {
      const previousResources = new Map((await definitions.listResources(previous.id)).map((r) => [r.name, r.xml]));
      const changed = parsed.filter(({ resource }) => previousResources.get(resource.name) !== resource.xml);
      // Every resource counts, not only the models: a changed form or image is a new deployment. The
      // same bytes are always stored the same way (text or base64), so the stored strings compare.
      const unchanged = previousResources.size === request.resources.length && request.resources.every((r) => previousResources.get(r.name) === r.xml);
      if (unchanged) return { deployment: previous, definitions: [], decisions: [], decisionGraphs: [] };
      if (request.deployChangedOnly) {
        toDeploy = changed;
        dmnToDeploy = parsedDmn.filter(({ resource }) => previousResources.get(resource.name) !== resource.xml);
      }
    }
  }
  const deployment: DeploymentRecord = {
    id: env.newId(),
    name: request.name,
    source: request.source,
    deploymentTime: env.now(),
    tenantId: request.tenantId,
  };
  const resources: ResourceRecord[] = request.resources.map((r) => ({ deploymentId: deployment.id, id: env.newId(), name: r.name, xml: r.xml, ...(r.encoding ? { encoding: r.encoding } : {}) }));
  const models = toDeploy.flatMap(({ resource, models: parsedModels }) => parsedModels.map((model) => ({ resource, model })));
  const reserved: { key: string; version: number }[] = [];
  const created: DefinitionRecord[] = [];
  const decisions = new DecisionDeployment(stores.decisions, env, deployment, request.resources);
  try {
    await decisions.plan(dmnToDeploy);
    for (const { resource, model } of models) {
      const version = await definitions.nextVersion(model.id, request.tenantId);
      reserved.push({ key: model.id, version });
      created.push({
        id: `${model.id}:${version}:${env.newId()}`,
        key: model.id,
        name: model.name ?? null,
        version,
        deploymentId: deployment.id,
        resourceName: resource.name,
        tenantId: request.tenantId,
        versionTag: model.versionTag ?? null,
        historyTimeToLive: model.historyTimeToLive ?? null,
        diagramResourceName: diagramResourceFor(resource.name, model.id, request.resources),
      });
    }
    // The new versions' start events replace the previous versions', in the commit's transaction.
    const actions = await startEventActions(
      stores,
      created.map((definition, i) => ({ definition, model: models[i]!.model })),
      env,
    );
    if (actions.length + 1 > COMMIT_ACTIONS) {
      throw new StoreLimitExceeded(
        `The deployment's start events take ${actions.length} writes; one deployment commits at most ${COMMIT_ACTIONS - 1} (deploy fewer processes with start events at once).`,
      );
    }
    await definitions.writePending(resources, created);
    await decisions.writePending();
    await definitions.commitDeployment(deployment, actions).catch((error: unknown) => {
      // Only the start event items carry conditions: a concurrent deployment claimed a message name or a newer version.
      if (isConditionalFailure(error)) throw badUserRequest(`Cannot deploy '${request.name ?? deployment.id}': a concurrent deployment changed the message start events it needs; retry.`);
      throw error;
    });
  } catch (error) {
    // A commit whose answer was lost may have happened: then the deployment stands, whole.
    if (!isConditionalFailure(error) && !(error instanceof EngineError) && (await definitions.deploymentExists(deployment.id).catch(() => false))) {
      await definitions.settleDeployment(created).catch(() => undefined);
      await decisions.settle().catch(() => undefined);
      return { deployment, definitions: created, decisions: decisions.created, decisionGraphs: decisions.graphs };
    }
    // All or nothing: what was written goes, and the version numbers are given back.
    await definitions
      .removeUncommitted(
        deployment.id,
        created.map((definition) => definition.id),
      )
      .catch((cleanup: unknown) => log.warn('uncommitted deployment not removed', { deploymentId: deployment.id, error: cleanup }));
    await decisions.rollBack();
    for (const { key, version } of [...reserved].reverse()) {
      await definitions.releaseVersion(key, request.tenantId, version).catch((release: unknown) => log.warn('version not released', { key, version, error: release }));
    }
    throw error;
  }
  await definitions.settleDeployment(created).catch((error: unknown) => log.warn('deployment committed; its definitions are settled on read', { deploymentId: deployment.id, error }));
  await decisions.settle().catch((error: unknown) => log.warn('deployment committed; its decisions are settled on read', { deploymentId: deployment.id, error }));
  return { deployment, definitions: created, decisions: decisions.created, decisionGraphs: decisions.graphs };
}
