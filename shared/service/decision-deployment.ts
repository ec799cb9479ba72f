/**
 * The DMN half of a deployment (Camunda's DecisionDefinitionDeployer and
 * DecisionRequirementsDefinitionDeployer): every DMN resource parsed before anything is written,
 * each decision a new version of its key; a resource with several decisions also gets a decision
 * requirements graph id, versioned by the `definitions` id (a single decision gets none, as in Camunda).
 */
import type { DecisionRequirementsModel } from '../dmn/model.ts';
import type { EngineEnvironment } from '../engine/environment.ts';
import { badUserRequest } from '../engine/errors.ts';
import { log } from '../observability/logger.ts';
import type { DecisionDefinitionRecord, DecisionDefinitionRepository, DecisionRequirementsRecord } from '../store/decision-definition-repository.ts';
import type { DeploymentRecord } from '../store/definition-repository.ts';

export function isDmn(name: string): boolean {
  return name.endsWith('.dmn') || name.endsWith('.dmn11.xml');
}

export interface ParsedDmn {
  resource: { name: string; xml: string };
  model: DecisionRequirementsModel;
}

/** The deployment's DMN resources, parsed (the DMN parser is loaded only for a deployment that has one). */
export async function parseDmnResources(resources: readonly { name: string; xml: string; encoding?: 'base64' }[]): Promise<ParsedDmn[]> {
  const dmn = resources.filter((r) => isDmn(r.name) && r.encoding !== 'base64');
  if (dmn.length === 0) return [];
  const { parseDmn } = await import('../dmn/parse-dmn.ts');
  return Promise.all(dmn.map(async (resource) => ({ resource, model: await parseDmn(resource.xml, resource.name) })));
}

const DIAGRAM_SUFFIXES = ['png', 'jpg', 'gif', 'svg'];

/** A decision's image in its deployment: `<file base>.<decision key>.<suffix>`, then `<file base>.<suffix>` (AbstractDefinitionDeployer). */
export function decisionDiagramFor(resourceName: string, key: string, resources: readonly { name: string }[]): string | null {
  const base = resourceName.replace(/(dmn11\.xml|dmn)$/, '');
  const names = new Set(resources.map((resource) => resource.name));
  for (const suffix of DIAGRAM_SUFFIXES) {
    for (const candidate of [`${base}${key}.${suffix}`, `${base}${suffix}`]) if (names.has(candidate)) return candidate;
  }
  return null;
}

type Reservation = { family: 'DECKEY' | 'DRDKEY'; key: string; version: number };

/** Camunda's AbstractDefinitionDeployer#generateDefinitionId: `key:version:id`, the bare id when that exceeds 64 characters. */
function definitionId(key: string, version: number, id: string): string {
  const full = `${key}:${version}:${id}`;
  return full.length > 64 ? id : full;
}

export class DecisionDeployment {
  readonly created: DecisionDefinitionRecord[] = [];
  readonly graphs: DecisionRequirementsRecord[] = [];
  private readonly reserved: Reservation[] = [];

  constructor(
    private readonly repository: DecisionDefinitionRepository,
    private readonly env: EngineEnvironment,
    private readonly deployment: DeploymentRecord,
    private readonly resources: readonly { name: string }[],
  ) {}

  /** Reserves the versions and builds the records (nothing visible is written). */
  async plan(parsed: readonly ParsedDmn[]): Promise<void> {
    const tenantId = this.deployment.tenantId;
    // Camunda's AbstractDefinitionDeployer#ensureNoDuplicateDefinitionKeys, across the deployment's resources.
    const keys = parsed.flatMap(({ model }) => model.decisions.map((decision) => decision.id));
    const duplicate = keys.find((key, i) => keys.indexOf(key) !== i);
    if (duplicate !== undefined) throw badUserRequest(`The deployment contains definitions with the same key '${duplicate}' (id attribute), this is not allowed`);
    for (const { resource, model } of parsed) {
      let graph: { id: string; key: string } | null = null;
      if (model.decisions.length > 1) {
        const version = await this.reserve('DRDKEY', model.id);
        graph = { id: definitionId(model.id, version, this.env.newId()), key: model.id };
        this.graphs.push({
          ...graph,
          name: model.name,
          category: model.namespace,
          version,
          deploymentId: this.deployment.id,
          resourceName: resource.name,
          tenantId,
          diagramResourceName: decisionDiagramFor(resource.name, model.id, this.resources),
        });
      }
      for (const decision of model.decisions) {
        const version = await this.reserve('DECKEY', decision.id);
        this.created.push({
          id: definitionId(decision.id, version, this.env.newId()),
          key: decision.id,
          name: decision.name,
          category: model.namespace,
          version,
          deploymentId: this.deployment.id,
          resourceName: resource.name,
          tenantId,
          decisionRequirementsDefinitionId: graph?.id ?? null,
          decisionRequirementsDefinitionKey: graph?.key ?? null,
          historyTimeToLive: decision.historyTimeToLive,
          versionTag: decision.versionTag,
          diagramResourceName: decisionDiagramFor(resource.name, decision.id, this.resources),
        });
      }
    }
  }

  writePending(): Promise<void> {
    return this.repository.writePending(this.created, this.graphs);
  }

  settle(): Promise<void> {
    return this.repository.settle(this.created, this.graphs);
  }

  /** A failed deployment: its decisions go and their versions are given back, newest first. */
  async rollBack(): Promise<void> {
    await this.repository
      .remove(
        this.created.map((decision) => decision.id),
        this.graphs.map((graph) => graph.id),
      )
      .catch((error: unknown) => log.warn('uncommitted decisions not removed', { deploymentId: this.deployment.id, error }));
    for (const { family, key, version } of [...this.reserved].reverse()) {
      await this.repository.releaseVersion(family, key, this.deployment.tenantId, version).catch((error: unknown) => log.warn('decision version not released', { key, version, error }));
    }
  }

  private async reserve(family: Reservation['family'], key: string): Promise<number> {
    const version = await this.repository.nextVersion(family, key, this.deployment.tenantId);
    this.reserved.push({ family, key, version });
    return version;
  }
}
