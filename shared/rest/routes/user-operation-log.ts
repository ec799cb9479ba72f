import * as z from 'zod/v4';
import { annotateUserOperation, countUserOperations, queryUserOperations, type UserOperationView } from '../../app/user-operation-log.ts';
import { formatDate } from '../dates.ts';
import { historyQueryRoutes } from '../history-query-routes.ts';
import { noContent } from '../http.ts';
import { typedFilters } from '../query-params.ts';
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

const FilterParams = typedFilters({ text: TEXT, lists: LISTS, dates: ['afterTimestamp', 'beforeTimestamp'] }).query;
const AnnotationBody = z.object({ annotation: z.string().nullish() }).passthrough();

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
  ...historyQueryRoutes({ path: '/history/user-operation', sortKeys: SORT_KEYS, filterParams: FilterParams, query: queryUserOperations, count: countUserOperations, dto: entryDto }),
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
