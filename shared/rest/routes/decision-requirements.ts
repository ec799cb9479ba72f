/** /decision-requirements-definition (Camunda's DecisionRequirementsDefinitionRestService). */
import * as z from 'zod/v4';
import {
  countDecisionRequirements,
  decisionRequirementsDiagram,
  GRAPH_SORT_KEYS,
  type GraphRef,
  getDecisionRequirements,
  getDecisionRequirementsXml,
  queryDecisionRequirements,
} from '../../app/decision-requirements.ts';
import { attachmentHeader } from '../attachment.ts';
import { decisionRequirementsDto } from '../dto.ts';
import { json } from '../http.ts';
import { pagingParams, qs, readQuery, sorted, sortingParams } from '../query-params.ts';
import { route, type Route, type RouteContext } from '../router.ts';

const GraphQueryParams = z.object({
  ...sortingParams(GRAPH_SORT_KEYS),
  decisionRequirementsDefinitionId: qs.string(),
  decisionRequirementsDefinitionIdIn: qs.list(),
  name: qs.string(),
  nameLike: qs.string(),
  deploymentId: qs.string(),
  key: qs.string(),
  keyLike: qs.string(),
  category: qs.string(),
  categoryLike: qs.string(),
  version: qs.integer(),
  latestVersion: qs.boolean(),
  resourceName: qs.string(),
  resourceNameLike: qs.string(),
  tenantIdIn: qs.list(),
  withoutTenantId: qs.boolean(),
  includeDecisionRequirementsDefinitionsWithoutTenantId: qs.boolean(),
});
const GraphListParams = z.object({ ...GraphQueryParams.shape, ...pagingParams });

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', svg: 'image/svg+xml', jpeg: 'image/jpeg', jpg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp' };

async function diagram(ctx: RouteContext, ref: GraphRef) {
  const image = await decisionRequirementsDiagram(ctx.app, ctx.auth, ref);
  if (!image) return { status: 204 };
  const suffix = image.name.slice(image.name.lastIndexOf('.') + 1).toLowerCase();
  return { status: 200, binaryBody: image.data, headers: { 'content-type': IMAGE_TYPES[suffix] ?? 'application/octet-stream', 'content-disposition': attachmentHeader(image.name) } };
}

function graphRoutes(prefix: string, refOf: (ctx: RouteContext) => GraphRef): Route[] {
  return [
    route({ method: 'GET', pattern: prefix, handler: async (ctx) => json(200, decisionRequirementsDto(await getDecisionRequirements(ctx.app, ctx.auth, refOf(ctx)))) }),
    route({
      method: 'GET',
      pattern: `${prefix}/xml`,
      handler: async (ctx) => {
        const { id, xml } = await getDecisionRequirementsXml(ctx.app, ctx.auth, refOf(ctx));
        return json(200, { id, dmnXml: xml });
      },
    }),
    route({ method: 'GET', pattern: `${prefix}/diagram`, handler: (ctx) => diagram(ctx, refOf(ctx)) }),
  ];
}

export const decisionRequirementsRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/decision-requirements-definition',
    handler: async ({ req, app, auth }) => json(200, (await queryDecisionRequirements(app, auth, sorted(readQuery(req, GraphListParams)))).map(decisionRequirementsDto)),
  }),
  route({
    method: 'GET',
    pattern: '/decision-requirements-definition/count',
    handler: async ({ req, app, auth }) => {
      const { sort: _sort, ...filter } = sorted(readQuery(req, GraphQueryParams));
      return json(200, { count: await countDecisionRequirements(app, auth, filter) });
    },
  }),
  ...graphRoutes('/decision-requirements-definition/key/{key}/tenant-id/{tenantId}', (ctx) => ({ key: ctx.params.key!, tenantId: ctx.params.tenantId! })),
  ...graphRoutes('/decision-requirements-definition/key/{key}', (ctx) => ({ key: ctx.params.key! })),
  ...graphRoutes('/decision-requirements-definition/{id}', (ctx) => ({ id: ctx.params.id! })),
];
