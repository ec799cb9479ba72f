import * as z from 'zod/v4';
import { modifyInstanceVariables, readInstanceVariables } from '../../app/process-instance-variables.ts';
import { variablesResource } from '../variables-resource.ts';
import {
  countProcessInstances,
  deleteProcessInstance,
  getActivityInstanceTree,
  getProcessInstance,
  INSTANCE_SORT_KEYS,
  type ProcessInstanceFilter,
  queryProcessInstances,
} from '../../app/process-instances.ts';
import { modifyProcessInstance } from '../../app/modification.ts';
import { processInstanceDto } from '../dto.ts';
import { json, noContent } from '../http.ts';
import { ModificationBody, toInstructions } from '../modification-dto.ts';
import { pagingParams, qs, readQuery, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';

/** A process instance query as Camunda's ProcessInstanceQueryDto (query string or POST body). */
export const ProcessInstanceQuery = z
  .object({
    processInstanceIds: z.array(z.string()).nullish(),
    processDefinitionId: z.string().nullish(),
    processDefinitionKey: z.string().nullish(),
    businessKey: z.string().nullish(),
    activityIdIn: z.array(z.string()).nullish(),
    tenantIdIn: z.array(z.string()).nullish(),
    withoutTenantId: z.boolean().nullish(),
    superProcessInstance: z.string().nullish(),
    subProcessInstance: z.string().nullish(),
    rootProcessInstanceId: z.string().nullish(),
    rootProcessInstances: z.boolean().nullish(),
    leafProcessInstances: z.boolean().nullish(),
    active: z.boolean().nullish(),
    suspended: z.boolean().nullish(),
  })
  .passthrough();
export type ProcessInstanceQuery = z.infer<typeof ProcessInstanceQuery>;

/** The filter of the query string; sorting and paging follow it (listed after it, as Camunda reports the first bad parameter). */
const InstanceFilterParams = z.object({
  processInstanceIds: qs.list(),
  processDefinitionId: qs.string(),
  processDefinitionKey: qs.string(),
  businessKey: qs.string(),
  activityIdIn: qs.list(),
  tenantIdIn: qs.list(),
  withoutTenantId: qs.boolean(),
  superProcessInstance: qs.string(),
  subProcessInstance: qs.string(),
  rootProcessInstanceId: qs.string(),
  rootProcessInstances: qs.boolean(),
  leafProcessInstances: qs.boolean(),
  active: qs.boolean(),
  suspended: qs.boolean(),
});
/** sortBy/sortOrder and firstResult/maxResults of the query string (for GET and POST lists). */
const InstanceListingParams = z.object({ ...sortingParams(INSTANCE_SORT_KEYS), ...pagingParams });
const InstanceListParams = z.object({ ...InstanceFilterParams.shape, ...InstanceListingParams.shape });
const DeleteParams = z.object({ skipCustomListeners: qs.boolean(), skipIoMappings: qs.boolean(), skipSubprocesses: qs.boolean() });

/** The list query: its filter, then sortBy/sortOrder and firstResult/maxResults of the query string. */
async function listInstances(ctx: RouteContext, filter: ProcessInstanceFilter, listing: z.infer<typeof InstanceListingParams>) {
  const { firstResult, maxResults } = listing;
  const instances = await queryProcessInstances(ctx.app, ctx.auth, { filter, sorting: sortingOf(listing), firstResult, maxResults });
  return json(
    200,
    instances.map((s) => processInstanceDto(s, ctx.req.baseUrl)),
  );
}

export const processInstanceRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/process-instance',
    handler: (ctx) => {
      const { sortBy, sortOrder, firstResult, maxResults, ...filter } = readQuery(ctx.req, InstanceListParams);
      return listInstances(ctx, filter, { sortBy, sortOrder, firstResult, maxResults });
    },
  }),
  route({ method: 'GET', pattern: '/process-instance/count', handler: async (ctx) => json(200, { count: await countProcessInstances(ctx.app, ctx.auth, readQuery(ctx.req, InstanceFilterParams)) }) }),
  route({ method: 'POST', pattern: '/process-instance', handler: (ctx) => listInstances(ctx, readBody(ctx.req, ProcessInstanceQuery), readQuery(ctx.req, InstanceListingParams)) }),
  route({ method: 'POST', pattern: '/process-instance/count', handler: async (ctx) => json(200, { count: await countProcessInstances(ctx.app, ctx.auth, readBody(ctx.req, ProcessInstanceQuery)) }) }),
  route({
    method: 'GET',
    pattern: '/process-instance/{id}',
    handler: async (ctx) => json(200, processInstanceDto(await getProcessInstance(ctx.app, ctx.auth, { processInstanceId: ctx.params.id }), ctx.req.baseUrl)),
  }),
  route({
    method: 'DELETE',
    pattern: '/process-instance/{id}',
    handler: async (ctx) => {
      const { skipCustomListeners, skipIoMappings, skipSubprocesses } = readQuery(ctx.req, DeleteParams);
      await deleteProcessInstance(ctx.app, ctx.auth, {
        processInstanceId: ctx.params.id,
        skipCustomListeners: skipCustomListeners ?? false,
        skipIoMappings: skipIoMappings ?? false,
        skipSubprocesses: skipSubprocesses ?? false,
      });
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/process-instance/{id}/activity-instances',
    handler: async (ctx) => json(200, await getActivityInstanceTree(ctx.app, ctx.auth, { processInstanceId: ctx.params.id })),
  }),
  route({
    method: 'POST',
    pattern: '/process-instance/{id}/modification',
    idempotent: true,
    handler: async (ctx) => {
      const body = readBody(ctx.req, ModificationBody);
      const instructions = toInstructions(body.instructions ?? []);
      await modifyProcessInstance(ctx.app, ctx.auth, {
        processInstanceId: ctx.params.id,
        instructions,
        skipCustomListeners: body.skipCustomListeners ?? false,
        skipIoMappings: body.skipIoMappings ?? false,
        annotation: body.annotation ?? null,
      });
      return noContent();
    },
  }),
  ...variablesResource('/process-instance', 'variables', { typeName: 'process instance', read: readInstanceVariables, modify: modifyInstanceVariables }),
];
