import { countJobLog, getJobLog, getJobLogStacktrace, JOB_LOG_SORT_KEYS, type JobLogView, queryJobLog } from '../../app/job-log.ts';
import { formatDate } from '../dates.ts';
import { json, noContent } from '../http.ts';
import { historyQueryRoutes } from '../history-query-routes.ts';
import { typedFilters } from '../query-params.ts';
import { route, type Route } from '../router.ts';

/** Camunda's HistoricJobLogQueryDto, by the type of each parameter. */
const TEXT = [
  'logId',
  'jobId',
  'jobExceptionMessage',
  'jobDefinitionId',
  'jobDefinitionType',
  'jobDefinitionConfiguration',
  'processInstanceId',
  'processDefinitionId',
  'processDefinitionKey',
  'deploymentId',
  'hostname',
] as const;
const LISTS = ['activityIdIn', 'failedActivityIdIn', 'executionIdIn', 'tenantIdIn'] as const;
const FLAGS = ['withoutTenantId', 'creationLog', 'failureLog', 'successLog', 'deletionLog'] as const;
const NUMBERS = ['jobPriorityLowerThanOrEquals', 'jobPriorityHigherThanOrEquals'] as const;

const FILTERS = typedFilters({ text: TEXT, lists: LISTS, flags: FLAGS, longs: NUMBERS });
/** Camunda's HistoricJobLogDto. */
function jobLogDto(view: JobLogView) {
  return {
    id: view.id,
    timestamp: formatDate(view.timestamp),
    removalTime: null,
    jobId: view.jobId,
    jobDueDate: formatDate(view.jobDueDate),
    jobRetries: view.jobRetries,
    jobPriority: view.jobPriority,
    jobExceptionMessage: view.jobExceptionMessage,
    failedActivityId: view.kind === 'failure' ? view.activityId : null,
    jobDefinitionId: view.jobDefinitionId,
    jobDefinitionType: view.jobDefinitionType,
    jobDefinitionConfiguration: view.jobDefinitionConfiguration,
    activityId: view.activityId,
    executionId: view.executionId,
    processInstanceId: view.processInstanceId,
    processDefinitionId: view.processDefinitionId,
    processDefinitionKey: view.processDefinitionKey,
    deploymentId: view.deploymentId,
    rootProcessInstanceId: view.rootProcessInstanceId,
    tenantId: view.tenantId,
    hostname: null,
    batchId: null,
    creationLog: view.kind === 'creation',
    failureLog: view.kind === 'failure',
    successLog: view.kind === 'success',
    deletionLog: view.kind === 'deletion',
  };
}

export const jobLogRoutes: Route[] = [
  ...historyQueryRoutes({
    path: '/history/job-log',
    sortKeys: JOB_LOG_SORT_KEYS,
    filterParams: FILTERS.query,
    bodyFilters: FILTERS.body,
    query: queryJobLog,
    count: countJobLog,
    dto: jobLogDto,
  }),
  route({ method: 'GET', pattern: '/history/job-log/{id}', handler: async (ctx) => json(200, jobLogDto(await getJobLog(ctx.app, ctx.auth, { id: ctx.params.id }))) }),
  route({
    method: 'GET',
    pattern: '/history/job-log/{id}/stacktrace',
    handler: async (ctx) => {
      const stacktrace = await getJobLogStacktrace(ctx.app, ctx.auth, { id: ctx.params.id });
      return stacktrace ? { status: 200, rawBody: stacktrace, headers: { 'content-type': 'text/plain' } } : noContent();
    },
  }),
];
