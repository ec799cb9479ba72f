/**
 * Decision requirements graphs (Camunda's RepositoryService decision requirements definition
 * queries): a DMN resource with several decisions. READ on the DecisionRequirementsDefinition (by
 * key) to see one; queries leave out what the caller may not read.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { EngineError } from '../engine/errors.ts';
import { sqlLike } from '../query/sql-like.ts';
import type { DecisionRequirementsRecord } from '../store/decision-definition-repository.ts';
import { filterAllowed } from './access.ts';
import type { AppContext } from './app-context.ts';
import { notFoundRequest } from './errors.ts';
import { type Paging, pageOf, type Sorting, sortItems } from './result-page.ts';

export type GraphRef = { id: string } | { key: string; tenantId?: string | null };

const RESOURCE = 'DecisionRequirementsDefinition';

async function graphOf(app: AppContext, caller: AuthContext, ref: GraphRef): Promise<DecisionRequirementsRecord> {
  const { decisions } = app.engine.deps;
  if ('id' in ref) {
    const graph = await decisions.getGraph(ref.id);
    if (!graph || !caller.canSeeTenant(graph.tenantId)) {
      throw notFoundRequest(`no deployed decision requirements definition found with id '${ref.id}': decisionRequirementsDefinition is null`);
    }
    await caller.require({ permission: 'READ', resource: RESOURCE, resourceId: graph.key });
    return graph;
  }
  const tenantId = ref.tenantId ?? null;
  const graph = await decisions.latestGraph(ref.key, tenantId);
  if (!graph || !caller.canSeeTenant(graph.tenantId)) {
    throw notFoundRequest(`No matching decision requirements definition with key: ${ref.key} and ${tenantId === null ? 'no tenant-id' : `tenant-id: ${tenantId}`}`, 'RestException');
  }
  await caller.require({ permission: 'READ', resource: RESOURCE, resourceId: graph.key });
  return graph;
}

export const getDecisionRequirements = (app: AppContext, caller: AuthContext, ref: GraphRef) => graphOf(app, caller, ref);

export async function getDecisionRequirementsXml(app: AppContext, caller: AuthContext, ref: GraphRef): Promise<{ id: string; xml: string }> {
  const graph = await graphOf(app, caller, ref);
  return { id: graph.id, xml: await app.engine.deps.definitions.resourceXml(graph.deploymentId, graph.resourceName) };
}

export async function decisionRequirementsDiagram(app: AppContext, caller: AuthContext, ref: GraphRef): Promise<{ name: string; data: Buffer } | undefined> {
  const graph = await graphOf(app, caller, ref);
  if (!graph.diagramResourceName) return undefined;
  const resource = (await app.engine.deps.definitions.listResources(graph.deploymentId)).find((r) => r.name === graph.diagramResourceName);
  return resource && { name: resource.name, data: Buffer.from(resource.xml, resource.encoding === 'base64' ? 'base64' : 'utf8') };
}

export const GRAPH_SORT_KEYS = ['id', 'key', 'name', 'version', 'deploymentId', 'category', 'tenantId'] as const;

/** Camunda's DecisionRequirementsDefinitionQuery. */
export interface GraphFilter {
  decisionRequirementsDefinitionId?: string;
  decisionRequirementsDefinitionIdIn?: string[];
  name?: string;
  nameLike?: string;
  deploymentId?: string;
  key?: string;
  keyLike?: string;
  category?: string;
  categoryLike?: string;
  version?: number;
  latestVersion?: boolean;
  resourceName?: string;
  resourceNameLike?: string;
  tenantIdIn?: string[];
  withoutTenantId?: boolean;
  includeDecisionRequirementsDefinitionsWithoutTenantId?: boolean;
}

async function matchingGraphs(app: AppContext, caller: AuthContext, filter: GraphFilter): Promise<DecisionRequirementsRecord[]> {
  if (filter.version !== undefined && filter.version <= 0) throw new EngineError('NotValidException', 'version is not greater than 0');
  let all = await filterAllowed(
    await app.engine.deps.decisions.listGraphs(),
    async (g) => caller.canSeeTenant(g.tenantId) && caller.isAllowed({ permission: 'READ', resource: RESOURCE, resourceId: g.key }),
  );
  if (filter.latestVersion) {
    const newest = new Map<string, number>();
    for (const g of all) newest.set(`${g.tenantId ?? ''}#${g.key}`, Math.max(newest.get(`${g.tenantId ?? ''}#${g.key}`) ?? 0, g.version));
    all = all.filter((g) => newest.get(`${g.tenantId ?? ''}#${g.key}`) === g.version);
  }
  const like = (pattern: string | undefined, value: string | null) => pattern === undefined || (value !== null && sqlLike(pattern)(value));
  const eq = <T>(wanted: T | undefined, actual: T) => wanted === undefined || wanted === actual;
  const tenants = filter.withoutTenantId ? undefined : filter.tenantIdIn;
  return all.filter(
    (g) =>
      eq(filter.decisionRequirementsDefinitionId, g.id) &&
      (!filter.decisionRequirementsDefinitionIdIn?.length || filter.decisionRequirementsDefinitionIdIn.includes(g.id)) &&
      eq(filter.name, g.name) &&
      like(filter.nameLike, g.name) &&
      eq(filter.deploymentId, g.deploymentId) &&
      eq(filter.key, g.key) &&
      like(filter.keyLike, g.key) &&
      eq(filter.category, g.category) &&
      like(filter.categoryLike, g.category) &&
      eq(filter.version, g.version) &&
      eq(filter.resourceName, g.resourceName) &&
      like(filter.resourceNameLike, g.resourceName) &&
      (tenants === undefined || (g.tenantId !== null && tenants.includes(g.tenantId)) || (filter.includeDecisionRequirementsDefinitionsWithoutTenantId === true && g.tenantId === null)) &&
      (!filter.withoutTenantId || g.tenantId === null),
  );
}

export async function queryDecisionRequirements(app: AppContext, caller: AuthContext, input: GraphFilter & Paging & { sort?: Sorting }): Promise<DecisionRequirementsRecord[]> {
  const found = (await matchingGraphs(app, caller, input)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return pageOf(
    sortItems(found, input.sort, (g, by) => (by === 'version' ? g.version : ((g as unknown as Record<string, string | null>)[by] ?? null))),
    input,
  );
}

export async function countDecisionRequirements(app: AppContext, caller: AuthContext, input: GraphFilter): Promise<number> {
  return (await matchingGraphs(app, caller, input)).length;
}
