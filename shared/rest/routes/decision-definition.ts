/**
 * /decision-definition (Camunda's DecisionDefinitionRestService): queries, the definition by id,
 * key and tenant, its XML and diagram, evaluation and history time to live.
 */
import * as z from 'zod/v4';
import {
  countDecisionDefinitions,
  DECISION_SORT_KEYS,
  type DecisionRef,
  decisionDiagram,
  evaluateDecisionDefinition,
  getDecisionDefinition,
  getDecisionDefinitionXml,
  queryDecisionDefinitions,
  setDecisionHistoryTimeToLive,
} from '../../app/decision-definitions.ts';
import type { ResultEntry } from '../../dmn/evaluate.ts';
import { attachmentHeader } from '../attachment.ts';
import { parseDate } from '../dates.ts';
import { decisionDefinitionDto } from '../dto.ts';
import { json, noContent } from '../http.ts';
import { pagingParams, qs, readQuery, sorted, sortingParams } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { fromVariableMap, toVariableDto, VariableMapDto } from '../variables.ts';

const DecisionQueryParams = z.object({
  ...sortingParams(DECISION_SORT_KEYS),
  decisionDefinitionId: qs.string(),
  decisionDefinitionIdIn: qs.list(),
  category: qs.string(),
  categoryLike: qs.string(),
  name: qs.string(),
  nameLike: qs.string(),
  deploymentId: qs.string(),
  deployedAfter: qs.of(parseDate),
  deployedAt: qs.of(parseDate),
  key: qs.string(),
  keyLike: qs.string(),
  resourceName: qs.string(),
  resourceNameLike: qs.string(),
  version: qs.integer(),
  latestVersion: qs.boolean(),
  decisionRequirementsDefinitionId: qs.string(),
  decisionRequirementsDefinitionKey: qs.string(),
  withoutDecisionRequirementsDefinition: qs.boolean(),
  tenantIdIn: qs.list(),
  withoutTenantId: qs.boolean(),
  includeDecisionDefinitionsWithoutTenantId: qs.boolean(),
  versionTag: qs.string(),
  versionTagLike: qs.string(),
});
const DecisionListParams = z.object({ ...DecisionQueryParams.shape, ...pagingParams });

/** Camunda's EvaluateDecisionDto. */
const EvaluateBody = z.object({ variables: VariableMapDto.nullish() }).passthrough();
/** Camunda's HistoryTimeToLiveDto: a Java Integer (Jackson refuses a larger number with a 400). */
export const HistoryTimeToLiveBody = z.object({ historyTimeToLive: z.number().int().min(-2147483648).max(2147483647).nullish() }).passthrough();

/** Camunda's image content types by suffix (as for process diagrams). */
const IMAGE_TYPES: Record<string, string> = { png: 'image/png', svg: 'image/svg+xml', jpeg: 'image/jpeg', jpg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp' };

/**
 * One rule result as Camunda's VariableValueDto map: typed values as variables are shown, untyped
 * ones (a clause without typeRef) with a null type and valueInfo. A single unnamed output is keyed 'null'.
 */
function resultEntriesDto(entries: readonly ResultEntry[]) {
  return Object.fromEntries(
    entries.map(({ name, value }) => [String(name), value.type === null ? { type: null, value: value.value, valueInfo: null } : toVariableDto({ type: value.type, value: value.value })]),
  );
}

async function diagram(ctx: RouteContext, ref: DecisionRef) {
  const image = await decisionDiagram(ctx.app, ctx.auth, ref);
  if (!image) return { status: 204 };
  const suffix = image.name.slice(image.name.lastIndexOf('.') + 1).toLowerCase();
  return { status: 200, binaryBody: image.data, headers: { 'content-type': IMAGE_TYPES[suffix] ?? 'application/octet-stream', 'content-disposition': attachmentHeader(image.name) } };
}

async function evaluate(ctx: RouteContext, ref: DecisionRef) {
  const body = readBody(ctx.req, EvaluateBody);
  const result = await evaluateDecisionDefinition(ctx.app, ctx.auth, { ref, variables: fromVariableMap(body.variables) });
  return json(200, result.map(resultEntriesDto));
}

async function historyTimeToLive(ctx: RouteContext, ref: DecisionRef) {
  const body = readBody(ctx.req, HistoryTimeToLiveBody);
  await setDecisionHistoryTimeToLive(ctx.app, ctx.auth, { ref, historyTimeToLive: body.historyTimeToLive ?? null });
  return noContent();
}

/** The same sub-resources under an id, a key, and a key and tenant. */
function decisionRoutes(prefix: string, refOf: (ctx: RouteContext) => DecisionRef): Route[] {
  return [
    route({ method: 'GET', pattern: prefix, handler: async (ctx) => json(200, decisionDefinitionDto(await getDecisionDefinition(ctx.app, ctx.auth, refOf(ctx)))) }),
    route({
      method: 'GET',
      pattern: `${prefix}/xml`,
      handler: async (ctx) => {
        const { id, xml } = await getDecisionDefinitionXml(ctx.app, ctx.auth, refOf(ctx));
        return json(200, { id, dmnXml: xml });
      },
    }),
    route({ method: 'GET', pattern: `${prefix}/diagram`, handler: (ctx) => diagram(ctx, refOf(ctx)) }),
    route({ method: 'POST', pattern: `${prefix}/evaluate`, handler: (ctx) => evaluate(ctx, refOf(ctx)) }),
    route({ method: 'PUT', pattern: `${prefix}/history-time-to-live`, handler: (ctx) => historyTimeToLive(ctx, refOf(ctx)) }),
  ];
}

export const decisionDefinitionRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/decision-definition',
    handler: async ({ req, app, auth }) => json(200, (await queryDecisionDefinitions(app, auth, sorted(readQuery(req, DecisionListParams)))).map(decisionDefinitionDto)),
  }),
  route({
    method: 'GET',
    pattern: '/decision-definition/count',
    handler: async ({ req, app, auth }) => {
      const { sort: _sort, ...filter } = sorted(readQuery(req, DecisionQueryParams));
      return json(200, { count: await countDecisionDefinitions(app, auth, filter) });
    },
  }),
  ...decisionRoutes('/decision-definition/key/{key}/tenant-id/{tenantId}', (ctx) => ({ key: ctx.params.key!, tenantId: ctx.params.tenantId! })),
  ...decisionRoutes('/decision-definition/key/{key}', (ctx) => ({ key: ctx.params.key! })),
  ...decisionRoutes('/decision-definition/{id}', (ctx) => ({ id: ctx.params.id! })),
];
