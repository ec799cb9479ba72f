/**
 * Deployed DMN decisions (Camunda's RepositoryService decision definition queries and
 * DecisionService#evaluateDecisionById): READ on a decision definition (by key) to see it,
 * CREATE_INSTANCE to evaluate it, UPDATE to change its history time to live.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import type { DecisionResult, TracedEvaluation } from '../dmn/evaluate.ts';
import { decisionRef, definitionsOfGraph } from '../service/decision-resolution.ts';
import { decisionHistoryRecords } from '../store/decision-history.ts';
import { EngineError } from '../engine/errors.ts';
import { decisionEvaluationCounts } from '../service/engine-metrics.ts';
import type { Variables } from '../engine/state.ts';
import { sqlLike } from '../query/sql-like.ts';
import type { DecisionDefinitionRecord } from '../store/decision-definition-repository.ts';
import { filterAllowed } from './access.ts';
import type { AppContext } from './app-context.ts';
import { notFoundRequest, RequestError } from './errors.ts';
import { type Paging, pageOf, type Sorting, sortItems } from './result-page.ts';

/** A decision definition by id, or the latest version of a key (without tenant unless one is named). */
export type DecisionRef = { id: string } | { key: string; tenantId?: string | null };

const mayRead = async (caller: AuthContext, decision: Pick<DecisionDefinitionRecord, 'key' | 'tenantId'>) =>
  caller.canSeeTenant(decision.tenantId) && (await caller.isAllowed({ permission: 'READ', resource: 'DecisionDefinition', resourceId: decision.key }));

const noDeployedDecision = (id: string) => `no deployed decision definition found with id '${id}': decisionDefinition is null`;

/** The decision a reference names, if the caller may see its tenant; `permission` is then required on it. */
async function decisionOf(app: AppContext, caller: AuthContext, ref: DecisionRef, permission = 'READ'): Promise<DecisionDefinitionRecord> {
  const { decisions } = app.engine.deps;
  if ('id' in ref) {
    const decision = await decisions.get(ref.id);
    if (!decision || !caller.canSeeTenant(decision.tenantId)) throw notFoundRequest(noDeployedDecision(ref.id));
    await caller.require({ permission, resource: 'DecisionDefinition', resourceId: decision.key });
    return decision;
  }
  const tenantId = ref.tenantId ?? null;
  const decision = await decisions.latest(ref.key, tenantId);
  if (!decision || !caller.canSeeTenant(decision.tenantId)) {
    throw notFoundRequest(`No matching decision definition with key: ${ref.key} and ${tenantId === null ? 'no tenant-id' : `tenant-id: ${tenantId}`}`, 'RestException');
  }
  await caller.require({ permission, resource: 'DecisionDefinition', resourceId: decision.key });
  return decision;
}

export const getDecisionDefinition = (app: AppContext, caller: AuthContext, ref: DecisionRef) => decisionOf(app, caller, ref);

/** The whole DMN resource the decision came from. */
export async function getDecisionDefinitionXml(app: AppContext, caller: AuthContext, ref: DecisionRef): Promise<{ id: string; xml: string }> {
  const decision = await decisionOf(app, caller, ref);
  return { id: decision.id, xml: await app.engine.deps.definitions.resourceXml(decision.deploymentId, decision.resourceName) };
}

/** The deployment's image of the decision, if it has one. */
export async function decisionDiagram(app: AppContext, caller: AuthContext, ref: DecisionRef): Promise<{ name: string; data: Buffer } | undefined> {
  const decision = await decisionOf(app, caller, ref);
  if (!decision.diagramResourceName) return undefined;
  const resource = (await app.engine.deps.definitions.listResources(decision.deploymentId)).find((r) => r.name === decision.diagramResourceName);
  return resource && { name: resource.name, data: Buffer.from(resource.xml, resource.encoding === 'base64' ? 'base64' : 'utf8') };
}

/** PUT …/history-time-to-live: a whole number of days; null is refused, as Camunda's enforced TTL does. */
export async function setDecisionHistoryTimeToLive(app: AppContext, caller: AuthContext, input: { ref: DecisionRef; historyTimeToLive: number | null }): Promise<void> {
  const decision = await decisionOf(app, caller, input.ref, 'UPDATE');
  const days = input.historyTimeToLive;
  if (days !== null && days < 0) throw new EngineError('BadUserRequestException', 'historyTimeToLive is not greater than or equal to 0');
  if (days === null) throw new EngineError('NotAllowedException', 'Null historyTimeToLive values are not allowed');
  await app.engine.deps.decisions.setHistoryTimeToLive(decision.id, days);
}

// ---- evaluation -------------------------------------------------------------------------------

/**
 * POST …/evaluate: CREATE_INSTANCE on the decision. A failing evaluation is Camunda's
 * EvaluateDecisionCmd wrapper (evaluated by id, so its key reads 'null'), the DMN error as its cause.
 * The decision and those it required are recorded as historic decision instances, with the caller.
 */
export async function evaluateDecisionDefinition(app: AppContext, caller: AuthContext, input: { ref: DecisionRef; variables: Variables }): Promise<DecisionResult> {
  const decision = await decisionOf(app, caller, input.ref, 'CREATE_INSTANCE');
  const { engine } = app;
  const [model, { evaluateDecisionTraced }] = await Promise.all([engine.decisionModels.get(decision), import('../dmn/evaluate.ts')]);
  let traced: TracedEvaluation;
  try {
    traced = evaluateDecisionTraced(model, decision.key, input.variables);
  } catch (error) {
    throw Object.assign(new RequestError(500, `Cannot evaluate decision ${decision.id}: Exception while evaluating decision with key 'null'`, 'RestException', 0), { cause: error });
  }
  engine.countDecisionEvaluation(decisionEvaluationCounts(model, decision.key));
  const definitions = await definitionsOfGraph(engine.deps.decisions, decision, model);
  const evaluations = traced.evaluated.map((evaluated) => ({ id: engine.env.newId(), definition: definitions.get(evaluated.decisionKey) ?? decisionRef(decision), evaluated }));
  await engine.deps.decisionHistory.put(decisionHistoryRecords(evaluations, { time: engine.env.now(), userId: caller.userId }, engine.env.newId));
  return traced.result;
}

// ---- queries ----------------------------------------------------------------------------------

export const DECISION_SORT_KEYS = ['category', 'key', 'id', 'name', 'version', 'deploymentId', 'deployTime', 'tenantId', 'versionTag', 'decisionRequirementsDefinitionKey'] as const;

/** Camunda's DecisionDefinitionQuery. */
export interface DecisionFilter {
  decisionDefinitionId?: string;
  decisionDefinitionIdIn?: string[];
  category?: string;
  categoryLike?: string;
  name?: string;
  nameLike?: string;
  deploymentId?: string;
  deployedAfter?: number;
  deployedAt?: number;
  key?: string;
  keyLike?: string;
  resourceName?: string;
  resourceNameLike?: string;
  version?: number;
  latestVersion?: boolean;
  decisionRequirementsDefinitionId?: string;
  decisionRequirementsDefinitionKey?: string;
  withoutDecisionRequirementsDefinition?: boolean;
  tenantIdIn?: string[];
  withoutTenantId?: boolean;
  includeDecisionDefinitionsWithoutTenantId?: boolean;
  versionTag?: string;
  versionTagLike?: string;
}

type Listed = DecisionDefinitionRecord & { deployTime: number };

function checkFilter(filter: DecisionFilter): void {
  if (filter.version !== undefined && filter.version <= 0) throw new EngineError('NotValidException', 'version is not greater than 0');
  const narrowed = [filter.decisionDefinitionId, filter.name, filter.nameLike, filter.version, filter.deploymentId].some((value) => value !== undefined);
  if (filter.latestVersion && narrowed) throw new EngineError('NotValidException', 'Calling latest() can only be used in combination with key(String) and keyLike(String)');
}

const like = (pattern: string | undefined) => (pattern === undefined ? undefined : sqlLike(pattern));

async function matchingDecisions(app: AppContext, caller: AuthContext, filter: DecisionFilter): Promise<Listed[]> {
  checkFilter(filter);
  const { decisions, definitions } = app.engine.deps;
  const deployTimes = new Map((await definitions.listDeployments()).map((d) => [d.id, d.deploymentTime]));
  let all: Listed[] = (await filterAllowed(await decisions.list(), (d) => mayRead(caller, d))).map((d) => ({ ...d, deployTime: deployTimes.get(d.deploymentId) ?? 0 }));
  if (filter.latestVersion) {
    // The latest version per key and tenant, among the definitions of the named key (Camunda's inner select).
    const newest = new Map<string, number>();
    for (const d of all) if (filter.key === undefined || d.key === filter.key) newest.set(`${d.tenantId ?? ''}#${d.key}`, Math.max(newest.get(`${d.tenantId ?? ''}#${d.key}`) ?? 0, d.version));
    all = all.filter((d) => newest.get(`${d.tenantId ?? ''}#${d.key}`) === d.version);
  }
  const [categoryLike, nameLike, keyLike, resourceNameLike, versionTagLike] = [filter.categoryLike, filter.nameLike, filter.keyLike, filter.resourceNameLike, filter.versionTagLike].map(like);
  const tenants = filter.withoutTenantId ? undefined : filter.tenantIdIn;
  const eq = <T>(wanted: T | undefined, actual: T) => wanted === undefined || wanted === actual;
  return all.filter(
    (d) =>
      eq(filter.decisionDefinitionId, d.id) &&
      (filter.decisionDefinitionIdIn === undefined || filter.decisionDefinitionIdIn.length === 0 || filter.decisionDefinitionIdIn.includes(d.id)) &&
      eq(filter.category, d.category) &&
      (!categoryLike || (d.category !== null && categoryLike(d.category))) &&
      eq(filter.name, d.name) &&
      (!nameLike || (d.name !== null && nameLike(d.name))) &&
      eq(filter.deploymentId, d.deploymentId) &&
      (filter.deployedAfter === undefined || d.deployTime > filter.deployedAfter) &&
      eq(filter.deployedAt, d.deployTime) &&
      eq(filter.key, d.key) &&
      (!keyLike || keyLike(d.key)) &&
      eq(filter.resourceName, d.resourceName) &&
      (!resourceNameLike || resourceNameLike(d.resourceName)) &&
      eq(filter.version, d.version) &&
      eq(filter.decisionRequirementsDefinitionId, d.decisionRequirementsDefinitionId) &&
      eq(filter.decisionRequirementsDefinitionKey, d.decisionRequirementsDefinitionKey) &&
      (!filter.withoutDecisionRequirementsDefinition || d.decisionRequirementsDefinitionId === null) &&
      (tenants === undefined || (d.tenantId !== null && tenants.includes(d.tenantId)) || (filter.includeDecisionDefinitionsWithoutTenantId === true && d.tenantId === null)) &&
      (!filter.withoutTenantId || d.tenantId === null) &&
      eq(filter.versionTag, d.versionTag) &&
      (!versionTagLike || (d.versionTag !== null && versionTagLike(d.versionTag))),
  );
}

/** The decisions the caller may READ that match the filter; by id unless sorted otherwise. */
export async function queryDecisionDefinitions(app: AppContext, caller: AuthContext, input: DecisionFilter & Paging & { sort?: Sorting }): Promise<DecisionDefinitionRecord[]> {
  const found = (await matchingDecisions(app, caller, input)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sorted = sortItems(found, input.sort, (d, by) => (by === 'version' || by === 'deployTime' ? d[by] : ((d as unknown as Record<string, string | null>)[by] ?? null)));
  return pageOf(sorted, input).map(({ deployTime: _deployTime, ...decision }) => decision);
}

export async function countDecisionDefinitions(app: AppContext, caller: AuthContext, input: DecisionFilter): Promise<number> {
  return (await matchingDecisions(app, caller, input)).length;
}
