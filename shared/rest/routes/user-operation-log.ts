import * as z from 'zod/v4';
import { annotateUserOperation, countUserOperations, queryUserOperations, type UserOperationFilter, type UserOperationView } from '../../app/user-operation-log.ts';
import { formatDate, parseDate } from '../dates.ts';
import { json, noContent } from '../http.ts';
import { fieldsOf, pagingParams, qs, readQuery, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

/** Camunda's UserOperationLogQueryDto (a GET query only), by the type of each parameter. */
const TEXT = [
  'deploymentId',
  'processDefinitionId',
  'processDefinitionKey',
  'processInstanceId',
  'executionId',
  'caseDefinitionId',
  'caseInstanceId',
  'caseExecutionId',
  'taskId',
  'jobId',
  'jobDefinitionId',
  'batchId',
  'userId',
  'operationId',
  'externalTaskId',
  'operationType',
  'entityType',
  'category',
  'property',
] as const;
const LISTS = ['entityTypeIn', 'categoryIn'] as const;
const SORT_KEYS = ['timestamp'] as const;

const FilterParams = z.object({
  ...fieldsOf(TEXT, qs.string),
  ...fieldsOf(LISTS, qs.list),
  afterTimestamp: qs.of((raw) => parseDate(raw)),
  beforeTimestamp: qs.of((raw) => parseDate(raw)),
});
const ListParams = z.object({ ...sortingParams(SORT_KEYS), ...FilterParams.shape, ...pagingParams });
const CountParams = z.object({ ...sortingParams(SORT_KEYS), ...FilterParams.shape });
const AnnotationBody = z.object({ annotation: z.string().nullish() }).passthrough();

function filterOf(params: z.infer<typeof FilterParams>): UserOperationFilter {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as UserOperationFilter;
}

/** Camunda's UserOperationLogEntryDto. */
function entryDto(view: UserOperationView) {
  return {
    id: view.id,
    deploymentId: view.deploymentId ?? null,
    processDefinitionId: view.processDefinitionId ?? null,
    processDefinitionKey: view.processDefinitionKey ?? null,
    processInstanceId: view.processInstanceId ?? null,
    executionId: view.executionId ?? null,
    caseDefinitionId: null,
    caseInstanceId: null,
    caseExecutionId: null,
    taskId: view.taskId ?? null,
    jobId: view.jobId ?? null,
    jobDefinitionId: view.jobDefinitionId ?? null,
    batchId: view.batchId ?? null,
    userId: view.userId,
    timestamp: formatDate(view.timestamp),
    operationId: view.operationId,
    externalTaskId: view.externalTaskId ?? null,
    operationType: view.operationType,
    entityType: view.entityType,
    property: view.property,
    orgValue: view.orgValue,
    newValue: view.newValue,
    removalTime: null,
    rootProcessInstanceId: view.rootProcessInstanceId ?? null,
    category: view.category,
    annotation: view.annotation,
  };
}

export const userOperationLogRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/history/user-operation',
    handler: async (ctx) => {
      const { sortBy, sortOrder, firstResult, maxResults, ...filter } = readQuery(ctx.req, ListParams);
      const sort = sortingOf({ sortBy, sortOrder });
      const found = await queryUserOperations(ctx.app, ctx.auth, { filter: filterOf(filter), ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(entryDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/user-operation/count',
    handler: async (ctx) => {
      const { sortBy: _by, sortOrder: _order, ...filter } = readQuery(ctx.req, CountParams);
      return json(200, { count: await countUserOperations(ctx.app, ctx.auth, filterOf(filter)) });
    },
  }),
  route({
    method: 'PUT',
    pattern: '/history/user-operation/{operationId}/set-annotation',
    handler: async (ctx) => {
      const { annotation } = readBody(ctx.req, AnnotationBody);
      await annotateUserOperation(ctx.app, ctx.auth, { operationId: ctx.params.operationId, annotation: annotation ?? null });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/history/user-operation/{operationId}/clear-annotation',
    handler: async (ctx) => {
      await annotateUserOperation(ctx.app, ctx.auth, { operationId: ctx.params.operationId, annotation: null });
      return noContent();
    },
  }),
];
