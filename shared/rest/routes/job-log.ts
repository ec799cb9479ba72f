import * as z from 'zod/v4';
import { countJobLog, getJobLog, getJobLogStacktrace, JOB_LOG_SORT_KEYS, type JobLogFilter, type JobLogView, queryJobLog } from '../../app/job-log.ts';
import { formatDate } from '../dates.ts';
import { json, noContent } from '../http.ts';
import { bodyFilters, fieldsOf, firstSorting, pagingParams, qs, readQuery, sorted, SortingList, sortingOf, sortingParams } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

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

const FilterParams = z.object({
  ...fieldsOf(TEXT, qs.string),
  ...fieldsOf(LISTS, qs.list),
  ...fieldsOf(FLAGS, qs.boolean),
  // Camunda's priorities are Java longs.
  ...fieldsOf(NUMBERS, () => qs.of((raw) => (/^-?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined))),
});
const ListParams = z.object({ ...sortingParams(JOB_LOG_SORT_KEYS), ...FilterParams.shape, ...pagingParams });
const CountParams = z.object({ ...sortingParams(JOB_LOG_SORT_KEYS), ...FilterParams.shape });
const QueryBody = z
  .object({
    ...fieldsOf(TEXT, () => z.string().nullish()),
    ...fieldsOf(LISTS, () => z.array(z.string()).nullish()),
    ...fieldsOf(FLAGS, () => z.boolean().nullish()),
    ...fieldsOf(NUMBERS, () => z.number().int().nullish()),
    sorting: SortingList,
  })
  .passthrough();

const filterOfBody = (body: z.infer<typeof QueryBody>) => bodyFilters<JobLogFilter>(body, FilterParams.shape, true);

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
  route({
    method: 'GET',
    pattern: '/history/job-log',
    handler: async (ctx) => {
      const { sortBy, sortOrder, firstResult, maxResults, ...filter } = readQuery(ctx.req, ListParams);
      const sort = sortingOf({ sortBy, sortOrder });
      const found = await queryJobLog(ctx.app, ctx.auth, { filter: filter as JobLogFilter, ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(jobLogDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/job-log',
    handler: async (ctx) => {
      const { firstResult, maxResults } = readQuery(ctx.req, z.object(pagingParams));
      const body = readBody(ctx.req, QueryBody);
      const sort = firstSorting(body.sorting, JOB_LOG_SORT_KEYS);
      const found = await queryJobLog(ctx.app, ctx.auth, { filter: filterOfBody(body), ...(sort ? { sort } : {}), firstResult, maxResults });
      return json(200, found.map(jobLogDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/history/job-log/count',
    handler: async (ctx) => {
      const { sort: _sort, ...filter } = sorted(readQuery(ctx.req, CountParams));
      return json(200, { count: await countJobLog(ctx.app, ctx.auth, filter as JobLogFilter) });
    },
  }),
  route({
    method: 'POST',
    pattern: '/history/job-log/count',
    handler: async (ctx) => json(200, { count: await countJobLog(ctx.app, ctx.auth, filterOfBody(readBody(ctx.req, QueryBody))) }),
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
