import { countExternalTaskLog, EXTERNAL_TASK_LOG_SORT_KEYS, type ExternalTaskLogView, getExternalTaskLog, getExternalTaskLogErrorDetails, queryExternalTaskLog } from '../../app/external-task-log.ts';
import { formatDate } from '../dates.ts';
import { json, noContent } from '../http.ts';
import { historyQueryRoutes } from '../history-query-routes.ts';
import { typedFilters } from '../query-params.ts';
import { route, type Route } from '../router.ts';

/** Camunda's HistoricExternalTaskLogQueryDto, by the type of each parameter. */
const TEXT = ['logId', 'externalTaskId', 'topicName', 'workerId', 'errorMessage', 'processInstanceId', 'processDefinitionId', 'processDefinitionKey'] as const;
const LISTS = ['activityIdIn', 'activityInstanceIdIn', 'executionIdIn', 'tenantIdIn'] as const;
const FLAGS = ['withoutTenantId', 'creationLog', 'failureLog', 'successLog', 'deletionLog'] as const;
const NUMBERS = ['priorityHigherThanOrEquals', 'priorityLowerThanOrEquals'] as const;

const FILTERS = typedFilters({ text: TEXT, lists: LISTS, flags: FLAGS, longs: NUMBERS });
/** Camunda's HistoricExternalTaskLogDto. */
function externalTaskLogDto(view: ExternalTaskLogView) {
  return {
    id: view.id,
    timestamp: formatDate(view.timestamp),
    removalTime: null,
    externalTaskId: view.externalTaskId,
    topicName: view.topicName,
    workerId: view.workerId,
    priority: view.priority,
    retries: view.retries,
    errorMessage: view.errorMessage,
    activityId: view.activityId,
    activityInstanceId: view.activityInstanceId,
    executionId: view.executionId,
    processInstanceId: view.processInstanceId,
    processDefinitionId: view.processDefinitionId,
    processDefinitionKey: view.processDefinitionKey,
    tenantId: view.tenantId,
    rootProcessInstanceId: view.rootProcessInstanceId,
    creationLog: view.kind === 'creation',
    failureLog: view.kind === 'failure',
    successLog: view.kind === 'success',
    deletionLog: view.kind === 'deletion',
  };
}

export const externalTaskLogRoutes: Route[] = [
  ...historyQueryRoutes({
    path: '/history/external-task-log',
    sortKeys: EXTERNAL_TASK_LOG_SORT_KEYS,
    filterParams: FILTERS.query,
    bodyFilters: FILTERS.body,
    query: queryExternalTaskLog,
    count: countExternalTaskLog,
    dto: externalTaskLogDto,
  }),
  route({ method: 'GET', pattern: '/history/external-task-log/{id}', handler: async (ctx) => json(200, externalTaskLogDto(await getExternalTaskLog(ctx.app, ctx.auth, { id: ctx.params.id }))) }),
  route({
    method: 'GET',
    pattern: '/history/external-task-log/{id}/error-details',
    handler: async (ctx) => {
      const details = await getExternalTaskLogErrorDetails(ctx.app, ctx.auth, { id: ctx.params.id });
      return details ? { status: 200, rawBody: details, headers: { 'content-type': 'text/plain' } } : noContent();
    },
  }),
];
