import * as z from 'zod/v4';
import {
  countProcessDefinitions,
  DEFINITION_SORT_KEYS,
  type DefinitionRef,
  getProcessDefinition,
  getProcessDefinitionXml,
  queryProcessDefinitions,
  setProcessHistoryTimeToLive,
  startProcessInstance,
  type StartRequest,
} from '../../app/process-definitions.ts';
import { processDiagram, staticCalledDefinitions } from '../../app/definition-resources.ts';
import { activityStatistics, type DefinitionStatistics, definitionStatistics, type StatisticsOptions } from '../../app/definition-statistics.ts';
import { deployedStartForm, startForm } from '../../app/forms.ts';
import { formDto, processDefinitionDto, processInstanceDto } from '../dto.ts';
import { attachmentHeader } from '../attachment.ts';
import { invalidRequest } from '../errors.ts';
import { InstructionDto, toInstructions } from '../modification-dto.ts';
import { RequestError } from '../../app/errors.ts';
import type { InstantiationRequest, ModificationInstruction, StartInstruction } from '../../engine/index.ts';
import { json, type RestRequest } from '../http.ts';
import { pagingParams, qs, readQuery, sorted, sortingParams } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { fromVariableMap, toVariableMapDto, VariableMapDto } from '../variables.ts';
import { HistoryTimeToLiveBody } from './decision-definition.ts';

const StartBody = z.object({
  variables: VariableMapDto.nullish(),
  /** Camunda's BUSINESS_KEY_ column holds 255 characters; here the business key is also an index key. */
  businessKey: z.string().max(255).nullish(),
  withVariablesInReturn: z.boolean().nullish(),
  skipCustomListeners: z.boolean().nullish(),
  skipIoMappings: z.boolean().nullish(),
  startInstructions: z.array(InstructionDto).nullish(),
});

function startRequest(req: RestRequest): StartRequest {
  const body = readBody(req, StartBody);
  return {
    variables: fromVariableMap(body.variables),
    businessKey: body.businessKey ?? undefined,
    withVariablesInReturn: body.withVariablesInReturn ?? false,
    at: (definitionId) => instantiationOf(body, definitionId),
  };
}

/**
 * The start instructions of a start request (Camunda's ProcessInstantiationBuilder): a cancel
 * instruction does nothing at instantiation, as in Camunda; without start instructions the instance
 * starts at its start event. An invalid instruction is Camunda's 400 naming the definition.
 */
function instantiationOf(body: z.infer<typeof StartBody>, definitionId: string): InstantiationRequest | undefined {
  const dtos = body.startInstructions ?? [];
  if (dtos.length === 0) return undefined;
  let instructions: ModificationInstruction[];
  try {
    instructions = toInstructions(dtos).filter((instruction) => instruction.type !== 'cancel');
  } catch (error) {
    if (error instanceof RequestError) throw new RequestError(error.status, `Cannot instantiate process definition ${definitionId}: ${error.message}`, error.type);
    throw error;
  }
  if (instructions.length === 0) return undefined;
  return { instructions: instructions as StartInstruction[], skipCustomListeners: body.skipCustomListeners ?? false, skipIoMappings: body.skipIoMappings ?? false };
}

/** Starts an instance; the body is read once the definition is found, before the permissions are checked. */
async function start(ctx: RouteContext, definition: DefinitionRef) {
  const { instance, variables } = await startProcessInstance(ctx.app, ctx.auth, { definition, request: () => startRequest(ctx.req) });
  const dto = processInstanceDto(instance, ctx.req.baseUrl);
  return json(200, variables ? { ...dto, variables: toVariableMapDto(variables) } : dto);
}

/** Sorting first, then the filters (a count is not sorted, but a bad sortBy is still a 400). */
const DefinitionQueryParams = z.object({
  ...sortingParams(DEFINITION_SORT_KEYS),
  processDefinitionId: qs.string(),
  processDefinitionIdIn: qs.list(),
  key: qs.string(),
  keysIn: qs.list(),
  keyLike: qs.string(),
  name: qs.string(),
  deploymentId: qs.string(),
  version: qs.integer(),
  latestVersion: qs.boolean(),
  tenantIdIn: qs.list(),
  withoutTenantId: qs.boolean(),
  includeProcessDefinitionsWithoutTenantId: qs.boolean(),
});
const DefinitionListParams = z.object({ ...DefinitionQueryParams.shape, ...pagingParams });

async function xml(ctx: RouteContext, definition: DefinitionRef) {
  const { id, xml } = await getProcessDefinitionXml(ctx.app, ctx.auth, definition);
  return json(200, { id, bpmn20Xml: xml });
}

const StatisticsParams = z.object({ failedJobs: qs.boolean(), incidents: qs.boolean(), incidentsForType: qs.string(), rootIncidents: qs.boolean() });

/** Camunda checks which of the incident parameters are present, whatever their values. */
function statisticsOptions(req: RestRequest, allowRootIncidents: boolean): StatisticsOptions {
  const present = (name: string) => req.query[name] !== undefined;
  const only = (a: string, b: string) => invalidRequest(`Only one of the query parameter ${a} or ${b} can be set.`);
  if (present('incidents') && present('incidentsForType')) throw only('includeIncidents', 'includeIncidentsForType');
  if (allowRootIncidents && present('incidents') && present('rootIncidents')) throw only('includeIncidents', 'includeRootIncidents');
  if (allowRootIncidents && present('rootIncidents') && present('incidentsForType')) throw only('includeRootIncidents', 'includeIncidentsForType');
  const { rootIncidents, ...rest } = readQuery(req, StatisticsParams);
  return allowRootIncidents ? { ...rest, rootIncidents } : rest;
}

const definitionStatisticsDto = (s: DefinitionStatistics) => ({
  '@class': 'org.camunda.bpm.engine.rest.dto.repository.ProcessDefinitionStatisticsResultDto',
  id: s.definition.id,
  instances: s.instances,
  failedJobs: s.failedJobs,
  // Camunda's statistics query does not read these two columns of the definition.
  definition: { ...processDefinitionDto(s.definition), description: null, historyTimeToLive: null },
  incidents: s.incidents,
});

async function activityStatisticsOf(ctx: RouteContext, definition: DefinitionRef) {
  const statistics = await activityStatistics(ctx.app, ctx.auth, definition, statisticsOptions(ctx.req, false));
  return json(
    200,
    statistics.map((s) => ({
      '@class': 'org.camunda.bpm.engine.rest.dto.repository.ActivityStatisticsResultDto',
      id: s.activityId,
      instances: s.instances,
      failedJobs: s.failedJobs,
      incidents: s.incidents,
    })),
  );
}

/** Camunda's image content types by suffix (ProcessDefinitionResourceImpl#getMediaTypeForFileSuffix). */
const IMAGE_TYPES: Record<string, string> = { png: 'image/png', svg: 'image/svg+xml', jpeg: 'image/jpeg', jpg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp' };

async function diagram(ctx: RouteContext, definition: DefinitionRef) {
  const image = await processDiagram(ctx.app, ctx.auth, definition);
  if (!image) return { status: 204 };
  const suffix = image.name.slice(image.name.lastIndexOf('.') + 1).toLowerCase();
  const headers = { 'content-type': IMAGE_TYPES[suffix] ?? 'application/octet-stream', 'content-disposition': attachmentHeader(image.name) };
  return { status: 200, binaryBody: image.data, headers };
}

async function historyTimeToLive(ctx: RouteContext, definition: DefinitionRef) {
  const body = readBody(ctx.req, HistoryTimeToLiveBody);
  await setProcessHistoryTimeToLive(ctx.app, ctx.auth, { definition, historyTimeToLive: body.historyTimeToLive ?? null });
  return { status: 204 };
}

async function deployedStart(ctx: RouteContext, definition: DefinitionRef) {
  const form = await deployedStartForm(ctx.app, ctx.auth, definition);
  return { status: 200, binaryBody: form.content, headers: { 'content-type': form.contentType } };
}

export const processDefinitionRoutes: Route[] = [
  route({ method: 'GET', pattern: '/process-definition/{id}/startForm', handler: async (ctx) => json(200, formDto(await startForm(ctx.app, ctx.auth, { id: ctx.params.id }))) }),
  route({ method: 'GET', pattern: '/process-definition/key/{key}/startForm', handler: async (ctx) => json(200, formDto(await startForm(ctx.app, ctx.auth, { key: ctx.params.key }))) }),
  route({
    method: 'GET',
    pattern: '/process-definition/key/{key}/tenant-id/{tenantId}/startForm',
    handler: async (ctx) => json(200, formDto(await startForm(ctx.app, ctx.auth, { key: ctx.params.key, tenantId: ctx.params.tenantId }))),
  }),
  route({ method: 'GET', pattern: '/process-definition/{id}/deployed-start-form', handler: (ctx) => deployedStart(ctx, { id: ctx.params.id }) }),
  route({ method: 'GET', pattern: '/process-definition/key/{key}/deployed-start-form', handler: (ctx) => deployedStart(ctx, { key: ctx.params.key }) }),
  route({
    method: 'GET',
    pattern: '/process-definition/key/{key}/tenant-id/{tenantId}/deployed-start-form',
    handler: (ctx) => deployedStart(ctx, { key: ctx.params.key, tenantId: ctx.params.tenantId }),
  }),
  route({ method: 'GET', pattern: '/process-definition/{id}/diagram', handler: (ctx) => diagram(ctx, { id: ctx.params.id }) }),
  route({ method: 'PUT', pattern: '/process-definition/{id}/history-time-to-live', handler: (ctx) => historyTimeToLive(ctx, { id: ctx.params.id }) }),
  route({ method: 'PUT', pattern: '/process-definition/key/{key}/history-time-to-live', handler: (ctx) => historyTimeToLive(ctx, { key: ctx.params.key }) }),
  route({
    method: 'PUT',
    pattern: '/process-definition/key/{key}/tenant-id/{tenantId}/history-time-to-live',
    handler: (ctx) => historyTimeToLive(ctx, { key: ctx.params.key, tenantId: ctx.params.tenantId }),
  }),
  route({ method: 'GET', pattern: '/process-definition/key/{key}/diagram', handler: (ctx) => diagram(ctx, { key: ctx.params.key }) }),
  route({ method: 'GET', pattern: '/process-definition/key/{key}/tenant-id/{tenantId}/diagram', handler: (ctx) => diagram(ctx, { key: ctx.params.key, tenantId: ctx.params.tenantId }) }),
  route({
    method: 'GET',
    pattern: '/process-definition/{id}/static-called-process-definitions',
    handler: async (ctx) =>
      json(
        200,
        (await staticCalledDefinitions(ctx.app, ctx.auth, ctx.params.id)).map(({ definition, calledFromActivityIds }) => ({
          ...processDefinitionDto(definition),
          calledFromActivityIds,
          callingProcessDefinitionId: ctx.params.id,
        })),
      ),
  }),
  route({
    method: 'GET',
    pattern: '/process-definition/statistics',
    handler: async (ctx) => json(200, (await definitionStatistics(ctx.app, ctx.auth, statisticsOptions(ctx.req, true))).map(definitionStatisticsDto)),
  }),
  route({ method: 'GET', pattern: '/process-definition/{id}/statistics', handler: (ctx) => activityStatisticsOf(ctx, { id: ctx.params.id }) }),
  route({ method: 'GET', pattern: '/process-definition/key/{key}/statistics', handler: (ctx) => activityStatisticsOf(ctx, { key: ctx.params.key }) }),
  route({
    method: 'GET',
    pattern: '/process-definition/key/{key}/tenant-id/{tenantId}/statistics',
    handler: (ctx) => activityStatisticsOf(ctx, { key: ctx.params.key, tenantId: ctx.params.tenantId }),
  }),
  route({
    method: 'GET',
    pattern: '/process-definition/key/{key}/tenant-id/{tenantId}',
    handler: async ({ params, app, auth }) => json(200, processDefinitionDto(await getProcessDefinition(app, auth, { key: params.key, tenantId: params.tenantId }))),
  }),
  route({ method: 'GET', pattern: '/process-definition/key/{key}/tenant-id/{tenantId}/xml', handler: async (ctx) => xml(ctx, { key: ctx.params.key, tenantId: ctx.params.tenantId }) }),
  route({
    method: 'GET',
    pattern: '/process-definition',
    handler: async ({ req, app, auth }) => {
      return json(200, (await queryProcessDefinitions(app, auth, sorted(readQuery(req, DefinitionListParams)))).map(processDefinitionDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/process-definition/count',
    handler: async ({ req, app, auth }) => {
      return json(200, { count: await countProcessDefinitions(app, auth, readQuery(req, DefinitionQueryParams)) });
    },
  }),
  route({
    method: 'GET',
    pattern: '/process-definition/key/{key}',
    handler: async ({ params, app, auth }) => json(200, processDefinitionDto(await getProcessDefinition(app, auth, { key: params.key }))),
  }),
  route({ method: 'GET', pattern: '/process-definition/key/{key}/xml', handler: async (ctx) => xml(ctx, { key: ctx.params.key }) }),
  route({ method: 'POST', pattern: '/process-definition/key/{key}/start', idempotent: true, handler: async (ctx) => start(ctx, { key: ctx.params.key }) }),
  route({
    method: 'POST',
    pattern: '/process-definition/key/{key}/tenant-id/{tenantId}/start',
    idempotent: true,
    handler: async (ctx) => start(ctx, { key: ctx.params.key, tenantId: ctx.params.tenantId }),
  }),
  route({ method: 'GET', pattern: '/process-definition/{id}', handler: async ({ params, app, auth }) => json(200, processDefinitionDto(await getProcessDefinition(app, auth, { id: params.id }))) }),
  route({ method: 'GET', pattern: '/process-definition/{id}/xml', handler: async (ctx) => xml(ctx, { id: ctx.params.id }) }),
  route({ method: 'POST', pattern: '/process-definition/{id}/start', idempotent: true, handler: async (ctx) => start(ctx, { id: ctx.params.id }) }),
];
