/**
 * Suspending and activating process instances, jobs and process definitions (Camunda's
 * SuspensionStateDto family), with the validation messages of Camunda's DTOs.
 */
import * as z from 'zod/v4';
import { findHistoricInstances } from '../../app/history.ts';
import { type DefinitionRef, getProcessDefinition, queryProcessDefinitions } from '../../app/process-definitions.ts';
import { findProcessInstances } from '../../app/process-instances.ts';
import { suspendDefinitions, suspendInstanceGroup, suspendInstancesOfDefinition, suspendJob, suspendJobsBy, suspendProcessInstance } from '../../app/suspension.ts';
import type { DefinitionRecord } from '../../app/read-models.ts';
import { parseDate } from '../dates.ts';
import { onlyKnownFilters } from '../query-params.ts';
import { invalidRequest, RestError } from '../errors.ts';
import { noContent } from '../http.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { fromQueryBody, HistoryQueryBody } from './history.ts';
import { ProcessInstanceQuery } from './process-instance.ts';

const Suspended = z.object({ suspended: z.boolean().nullish() }).passthrough();

const InstanceSuspension = z
  .object({
    suspended: z.boolean().nullish(),
    processDefinitionId: z.string().nullish(),
    processDefinitionKey: z.string().nullish(),
    processDefinitionTenantId: z.string().nullish(),
    processDefinitionWithoutTenantId: z.boolean().nullish(),
    processInstanceIds: z.array(z.string().nullable()).nullish(),
    processInstanceQuery: ProcessInstanceQuery.nullish(),
    historicProcessInstanceQuery: HistoryQueryBody.nullish(),
  })
  .passthrough();

const JobSuspension = z
  .object({
    suspended: z.boolean().nullish(),
    jobId: z.string().nullish(),
    jobDefinitionId: z.string().nullish(),
    processInstanceId: z.string().nullish(),
    processDefinitionId: z.string().nullish(),
    processDefinitionKey: z.string().nullish(),
    processDefinitionTenantId: z.string().nullish(),
    processDefinitionWithoutTenantId: z.boolean().nullish(),
  })
  .passthrough();

const DefinitionSuspension = z
  .object({
    suspended: z.boolean().nullish(),
    includeProcessInstances: z.boolean().nullish(),
    executionDate: z.string().nullish(),
    processDefinitionId: z.string().nullish(),
    processDefinitionKey: z.string().nullish(),
  })
  .passthrough();

const given = (...values: unknown[]) => values.filter((v) => v !== null && v !== undefined).length;

/** PUT /process-instance/suspended: by definition (id or key) or a group (ids, queries), as Camunda's ProcessInstanceSuspensionStateDto checks it. */
async function suspendInstances(ctx: RouteContext) {
  const body = readBody(ctx.req, InstanceSuspension);
  const suspended = body.suspended ?? false;
  const byDefinition = given(body.processDefinitionId, body.processDefinitionKey);
  const byGroup = given(body.processInstanceIds, body.processInstanceQuery, body.historicProcessInstanceQuery);
  if (byDefinition >= 1 && byGroup >= 1) {
    throw invalidRequest(
      'Choose either a single processInstance with processDefinitionId or processDefinitionKey or a group of processInstances with processInstanceIds, procesInstanceQuery or historicProcessInstanceQuery.',
    );
  }
  if (byDefinition > 1) throw invalidRequest('Only one of processDefinitionId or processDefinitionKey should be set to update the suspension state.');
  if (byDefinition === 0 && byGroup === 0) throw invalidRequest('Either processDefinitionId or processDefinitionKey should be set to update the suspension state.');
  if (body.processDefinitionId) {
    const definition = await getProcessDefinition(ctx.app, ctx.auth, { id: body.processDefinitionId }).catch(() => undefined);
    if (definition) await suspendInstancesOfDefinition(ctx.app, ctx.auth, { definitionKey: definition.key, filter: { processDefinitionId: definition.id }, suspended });
    return noContent();
  }
  if (body.processDefinitionKey) {
    const tenant = body.processDefinitionTenantId ? { tenantIdIn: [body.processDefinitionTenantId] } : body.processDefinitionWithoutTenantId ? { withoutTenantId: true } : {};
    await suspendInstancesOfDefinition(ctx.app, ctx.auth, { definitionKey: body.processDefinitionKey, filter: { processDefinitionKey: body.processDefinitionKey, ...tenant }, suspended });
    return noContent();
  }
  if (body.processInstanceIds?.some((id) => id === null)) throw new RestError(400, 'Cannot be null.: Process Instance ids contains null value', 'InvalidRequestException');
  const ids = [...((body.processInstanceIds as string[] | null | undefined) ?? [])];
  if (body.processInstanceQuery) {
    const query = onlyKnownFilters(body.processInstanceQuery, ProcessInstanceQuery.shape, 'process instance query');
    ids.push(...(await findProcessInstances(ctx.app, ctx.auth, query)).map((listing) => listing.id));
  }
  if (body.historicProcessInstanceQuery) {
    const { sort: _sort, ...filter } = fromQueryBody(onlyKnownFilters(body.historicProcessInstanceQuery, HistoryQueryBody.shape, 'historic process instance query'));
    ids.push(...(await findHistoricInstances(ctx.app, ctx.auth, filter)).map((item) => item.id as string));
  }
  await suspendInstanceGroup(ctx.app, ctx.auth, { processInstanceIds: ids, suspended });
  return noContent();
}

/** PUT /job/suspended: one of a job definition, an instance, a definition or a key. */
async function suspendJobs(ctx: RouteContext) {
  const body = readBody(ctx.req, JobSuspension);
  if (body.jobId != null) throw invalidRequest('Either jobDefinitionId, processInstanceId, processDefinitionId or processDefinitionKey can be set to update the suspension state.');
  const count = given(body.jobDefinitionId, body.processInstanceId, body.processDefinitionId, body.processDefinitionKey);
  if (count > 1) throw invalidRequest('Only one of jobId, jobDefinitionId, processInstanceId, processDefinitionId or processDefinitionKey should be set to update the suspension state.');
  if (count === 0) throw invalidRequest('Either jobId, jobDefinitionId, processInstanceId, processDefinitionId or processDefinitionKey should be set to update the suspension state.');
  await suspendJobsBy(ctx.app, ctx.auth, {
    suspended: body.suspended ?? false,
    ...(body.jobDefinitionId ? { jobDefinitionId: body.jobDefinitionId } : {}),
    ...(body.processInstanceId ? { processInstanceId: body.processInstanceId } : {}),
    ...(body.processDefinitionId ? { processDefinitionId: body.processDefinitionId } : {}),
    ...(body.processDefinitionKey ? { processDefinitionKey: body.processDefinitionKey } : {}),
  });
  return noContent();
}

/**
 * The definition part: suspended now (a future `executionDate` would need a scheduled job, which
 * this product does not have: it is refused, a past or empty one means now).
 */
function definitionSuspension(ctx: RouteContext, errorPrefix: string) {
  const body = readBody(ctx.req, DefinitionSuspension);
  if (body.executionDate) {
    const at = parseDate(body.executionDate);
    if (at === undefined) throw invalidRequest(`${errorPrefix}: Invalid format: "${body.executionDate}"`);
    if (at > ctx.app.engine.env.now()) throw invalidRequest(`${errorPrefix}: a future executionDate is not supported here; suspend or activate at that time instead`);
  }
  return { body, suspended: body.suspended ?? false, includeProcessInstances: body.includeProcessInstances ?? false };
}

async function suspendDefinition(ctx: RouteContext, ref: DefinitionRef) {
  const label = 'id' in ref ? ref.id : ref.key;
  const { body, suspended, includeProcessInstances } = definitionSuspension(ctx, `The suspension state of Process Definition with id ${label} could not be updated due to`);
  if (body.processDefinitionKey && 'id' in ref) throw invalidRequest('Only one of processDefinitionId or processDefinitionKey should be set to update the suspension state.');
  // By id an unknown (or unreadable) definition changes nothing, as Camunda's bulk update; by key it is the REST layer's 404.
  const definition = await getProcessDefinition(ctx.app, ctx.auth, ref).catch((error: unknown) => {
    if ('id' in ref) return undefined;
    throw error;
  });
  if (definition) await suspendDefinitions(ctx.app, ctx.auth, { definitions: [definition], suspended, includeProcessInstances });
  return noContent();
}

/** PUT /process-definition/suspended: every version of a key, in every tenant. */
async function suspendDefinitionsByKey(ctx: RouteContext) {
  const { body, suspended, includeProcessInstances } = definitionSuspension(ctx, 'Could not update the suspension state of Process Definitions due to');
  if (body.processDefinitionId) throw invalidRequest('Only processDefinitionKey can be set to update the suspension state.');
  if (!body.processDefinitionKey) throw invalidRequest('Either processDefinitionId or processDefinitionKey should be set to update the suspension state.');
  const definitions: DefinitionRecord[] = await queryProcessDefinitions(ctx.app, ctx.auth, { key: body.processDefinitionKey });
  await suspendDefinitions(ctx.app, ctx.auth, { definitions, suspended, includeProcessInstances });
  return noContent();
}

export const suspensionRoutes: Route[] = [
  route({
    method: 'PUT',
    pattern: '/process-instance/{id}/suspended',
    handler: async (ctx) => {
      await suspendProcessInstance(ctx.app, ctx.auth, { processInstanceId: ctx.params.id, suspended: readBody(ctx.req, Suspended).suspended ?? false });
      return noContent();
    },
  }),
  route({ method: 'PUT', pattern: '/process-instance/suspended', handler: suspendInstances }),
  route({
    method: 'PUT',
    pattern: '/job/{id}/suspended',
    handler: async (ctx) => {
      const body = readBody(ctx.req, JobSuspension);
      if (given(body.jobDefinitionId, body.processInstanceId, body.processDefinitionId, body.processDefinitionKey) > 0) {
        throw invalidRequest('Only one of jobId, jobDefinitionId, processInstanceId, processDefinitionId or processDefinitionKey should be set to update the suspension state.');
      }
      await suspendJob(ctx.app, ctx.auth, { jobId: ctx.params.id, suspended: body.suspended ?? false });
      return noContent();
    },
  }),
  route({ method: 'PUT', pattern: '/job/suspended', handler: suspendJobs }),
  route({ method: 'PUT', pattern: '/process-definition/{id}/suspended', handler: (ctx) => suspendDefinition(ctx, { id: ctx.params.id }) }),
  route({ method: 'PUT', pattern: '/process-definition/key/{key}/suspended', handler: (ctx) => suspendDefinition(ctx, { key: ctx.params.key }) }),
  route({ method: 'PUT', pattern: '/process-definition/key/{key}/tenant-id/{tenantId}/suspended', handler: (ctx) => suspendDefinition(ctx, { key: ctx.params.key, tenantId: ctx.params.tenantId }) }),
  route({ method: 'PUT', pattern: '/process-definition/suspended', handler: suspendDefinitionsByKey }),
];
