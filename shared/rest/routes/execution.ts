import * as z from 'zod/v4';
import {
  countExecutions,
  createIncident,
  EXECUTION_SORT_KEYS,
  type ExecutionFilter,
  type ExecutionView,
  getExecution,
  getMessageSubscription,
  modifyExecutionVariables,
  queryExecutions,
  readExecutionVariables,
  signalExecution,
  triggerMessageSubscription,
} from '../../app/executions.ts';
import { EngineError } from '../../engine/errors.ts';
import { formatDate } from '../dates.ts';
import { incidentDto } from '../dto.ts';
import { answeringEngineFailures, engineFailureAs, invalidRequest } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { firstSorting, pagingParams, qs, readQuery, sortingOf, sortingParams, SortingList } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { VariableConditionList, variableConditionsOfBody, variableConditionsOfQuery } from '../variable-conditions.ts';
import { fromVariableMapAs, variablesResource } from '../variables-resource.ts';
import { VariableMapDto } from '../variables.ts';

const LOCAL_OPERATORS = ['eq', 'neq', 'gt', 'gteq', 'lt', 'lteq', 'like'] as const;
const PROCESS_OPERATORS = ['eq', 'neq'] as const;
const INVALID_VARIABLE = 'Invalid variable comparator specified';
const INVALID_PROCESS_VARIABLE = 'Invalid process variable comparator specified';

/** The filters of Camunda's ExecutionQueryDto that are plain values (`variables` and `processVariables` are read apart). */
const ExecutionFilterParams = z.object({
  processDefinitionKey: qs.string(),
  businessKey: qs.string(),
  processDefinitionId: qs.string(),
  processInstanceId: qs.string(),
  activityId: qs.string(),
  signalEventSubscriptionName: qs.string(),
  messageEventSubscriptionName: qs.string(),
  active: qs.boolean(),
  suspended: qs.boolean(),
  incidentId: qs.string(),
  incidentType: qs.string(),
  incidentMessage: qs.string(),
  incidentMessageLike: qs.string(),
  tenantIdIn: qs.list(),
});
const ExecutionListParams = z.object({ ...ExecutionFilterParams.shape, ...sortingParams(EXECUTION_SORT_KEYS), ...pagingParams });

const ExecutionQueryBody = z
  .object({
    processDefinitionKey: z.string().nullish(),
    businessKey: z.string().nullish(),
    processDefinitionId: z.string().nullish(),
    processInstanceId: z.string().nullish(),
    activityId: z.string().nullish(),
    signalEventSubscriptionName: z.string().nullish(),
    messageEventSubscriptionName: z.string().nullish(),
    active: z.boolean().nullish(),
    suspended: z.boolean().nullish(),
    incidentId: z.string().nullish(),
    incidentType: z.string().nullish(),
    incidentMessage: z.string().nullish(),
    incidentMessageLike: z.string().nullish(),
    tenantIdIn: z.array(z.string()).nullish(),
    variables: VariableConditionList,
    processVariables: VariableConditionList,
    sortBy: z.enum(EXECUTION_SORT_KEYS).nullish(),
    sortOrder: z.enum(['asc', 'desc']).nullish(),
    sorting: SortingList,
  })
  .passthrough();
type ExecutionQueryBody = z.infer<typeof ExecutionQueryBody>;

function filterOfQuery(ctx: RouteContext): ExecutionFilter {
  const { tenantIdIn, ...plain } = readQuery(ctx.req, ExecutionFilterParams);
  return {
    ...plain,
    ...(tenantIdIn?.length ? { tenantIdIn } : {}),
    variables: variableConditionsOfQuery(ctx.req.query, 'variables', LOCAL_OPERATORS, INVALID_VARIABLE),
    processVariables: variableConditionsOfQuery(ctx.req.query, 'processVariables', PROCESS_OPERATORS, INVALID_PROCESS_VARIABLE),
  };
}

function filterOfBody(body: ExecutionQueryBody): ExecutionFilter {
  const filter: Record<string, unknown> = {};
  for (const key of Object.keys(ExecutionFilterParams.shape)) {
    const value = body[key as keyof ExecutionQueryBody];
    if (value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0)) filter[key] = value;
  }
  return {
    ...(filter as ExecutionFilter),
    variables: variableConditionsOfBody(body.variables, LOCAL_OPERATORS, INVALID_VARIABLE),
    processVariables: variableConditionsOfBody(body.processVariables, PROCESS_OPERATORS, INVALID_PROCESS_VARIABLE),
  };
}

function sortingOfBody(body: ExecutionQueryBody) {
  if ((body.sortBy == null) !== (body.sortOrder == null)) throw invalidRequest('Only a single sorting parameter specified. sortBy and sortOrder required');
  return body.sortBy && body.sortOrder ? { by: body.sortBy, descending: body.sortOrder === 'desc' } : firstSorting(body.sorting, EXECUTION_SORT_KEYS);
}

/** Camunda's ExecutionDto: `ended` is false for every execution a query finds. */
const executionDto = (view: ExecutionView) => ({ id: view.id, processInstanceId: view.processInstanceId, ended: false, tenantId: view.tenantId });

const TriggerBody = z.object({ variables: VariableMapDto.nullish() });
const CreateIncidentBody = z.object({ incidentType: z.string().nullish(), configuration: z.string().nullish(), message: z.string().nullish() });

/** An engine failure under the resource's message, a 500 RestException (Camunda's signal and trigger wrap every engine error so). */
const wrapped = <T>(message: string, run: () => Promise<T>) => answeringEngineFailures(run, (error) => engineFailureAs(error, 500, 'RestException', message));

export const executionRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/execution',
    handler: async (ctx) => {
      const { firstResult, maxResults, sortBy, sortOrder } = readQuery(ctx.req, ExecutionListParams);
      const sort = sortingOf({ sortBy, sortOrder });
      const found = await queryExecutions(ctx.app, ctx.auth, { filter: filterOfQuery(ctx), sorting: sort, firstResult, maxResults });
      return json(200, found.map(executionDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/execution',
    handler: async (ctx) => {
      const { firstResult, maxResults } = readQuery(ctx.req, z.object(pagingParams));
      const body = readBody(ctx.req, ExecutionQueryBody);
      const found = await queryExecutions(ctx.app, ctx.auth, { filter: filterOfBody(body), sorting: sortingOfBody(body), firstResult, maxResults });
      return json(200, found.map(executionDto));
    },
  }),
  route({ method: 'GET', pattern: '/execution/count', handler: async (ctx) => json(200, { count: await countExecutions(ctx.app, ctx.auth, filterOfQuery(ctx)) }) }),
  route({
    method: 'POST',
    pattern: '/execution/count',
    handler: async (ctx) => json(200, { count: await countExecutions(ctx.app, ctx.auth, filterOfBody(readBody(ctx.req, ExecutionQueryBody))) }),
  }),
  route({ method: 'GET', pattern: '/execution/{id}', handler: async (ctx) => json(200, executionDto(await getExecution(ctx.app, ctx.auth, { executionId: ctx.params.id }))) }),
  route({
    method: 'POST',
    pattern: '/execution/{id}/signal',
    handler: async (ctx) => {
      const message = `Cannot signal execution ${ctx.params.id}`;
      const variables = fromVariableMapAs(readBody(ctx.req, TriggerBody).variables, message);
      await wrapped(message, () => signalExecution(ctx.app, ctx.auth, { executionId: ctx.params.id, variables }));
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/execution/{id}/messageSubscriptions/{messageName}',
    handler: async (ctx) => {
      const { id, messageName } = ctx.params;
      const found = await getMessageSubscription(ctx.app, ctx.auth, { executionId: id, messageName });
      const subscription = found?.execution.node.subscriptions?.find((s) => s.eventType === 'message' && s.eventName === messageName);
      if (!found || !subscription) throw invalidRequest(`Message event subscription for execution ${id} named ${messageName} does not exist`, 404);
      return json(200, {
        id: subscription.id,
        eventType: 'message',
        eventName: subscription.eventName,
        executionId: id,
        processInstanceId: found.state.id,
        activityId: subscription.activityId,
        createdDate: formatDate(subscription.created),
        tenantId: found.state.tenantId ?? null,
      });
    },
  }),
  route({
    method: 'POST',
    pattern: '/execution/{id}/messageSubscriptions/{messageName}/trigger',
    handler: async (ctx) => {
      const { id, messageName } = ctx.params;
      const message = `Cannot trigger message ${messageName} for execution ${id}`;
      const variables = fromVariableMapAs(readBody(ctx.req, TriggerBody).variables, message);
      await wrapped(message, () => triggerMessageSubscription(ctx.app, ctx.auth, { executionId: id, messageName, variables }));
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/execution/{id}/create-incident',
    handler: async (ctx) => {
      const body = readBody(ctx.req, CreateIncidentBody);
      if (body.incidentType == null) throw invalidRequest('incidentType is null');
      try {
        const item = await createIncident(ctx.app, ctx.auth, { executionId: ctx.params.id, incidentType: body.incidentType, configuration: body.configuration ?? null, message: body.message ?? null });
        return json(200, incidentDto(item));
      } catch (error) {
        // Camunda's resource answers the engine's user errors as an InvalidRequestException, message unchanged.
        if (error instanceof EngineError && error.isUserError) throw invalidRequest(error.message);
        throw error;
      }
    },
  }),
  ...variablesResource('/execution', 'localVariables', { typeName: 'execution', read: readExecutionVariables, modify: modifyExecutionVariables }),
];
