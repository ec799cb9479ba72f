import * as z from 'zod/v4';
import { countIncidents, getIncident, type IncidentView, queryIncidents, resolveIncident, setIncidentAnnotation } from '../../app/incidents.ts';
import {
  countJobs,
  deleteJob,
  executeJob,
  getJob,
  type JobQuery,
  jobStacktrace,
  type JobView,
  queryJobs,
  recalculateJobDuedate,
  setJobDuedate,
  setJobPriority,
  setJobRetries,
} from '../../app/jobs.ts';
import { parseDate } from '../dates.ts';
import { batchJobDto, batchJobIncidentDto } from '../batch-dto.ts';
import { incidentDto, jobDto } from '../dto.ts';
import { answeringEngineFailures, engineFailureAs, invalidRequest, RestError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { bodyFilters, page, pagingParams, qs, readQuery } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';

const Retries = z.object({ retries: z.number().int() });
/** Camunda's JobDuedateDto: `duedate` (lower-case d) may be null, which makes the job due at once. */
const Duedate = z.object({ duedate: z.string().nullish(), cascade: z.boolean().nullish() });
/** Camunda's PriorityDto: a Java long. */
const Priority = z.object({ priority: z.number().int().nullish() });
const RecalculateParams = z.object({ creationDateBased: qs.boolean() });

const JobQueryParams = z.object({
  processInstanceId: qs.string(),
  processDefinitionId: qs.string(),
  processDefinitionKey: qs.string(),
  jobDefinitionId: qs.string(),
  withException: qs.boolean(),
  noRetriesLeft: qs.boolean(),
  executable: qs.boolean(),
});
const JobListParams = z.object({ ...JobQueryParams.shape, ...pagingParams });

/** The filters of the query string as a JSON body (Camunda's JobQueryDto); the others it knows are not supported yet and ignored. */
export const JobQueryBody = z
  .object({
    processInstanceId: z.string().nullish(),
    processDefinitionId: z.string().nullish(),
    processDefinitionKey: z.string().nullish(),
    jobDefinitionId: z.string().nullish(),
    withException: z.boolean().nullish(),
    noRetriesLeft: z.boolean().nullish(),
    executable: z.boolean().nullish(),
  })
  .passthrough();
export const jobQueryOf = (body: z.infer<typeof JobQueryBody>) => bodyFilters<JobQuery>(body, JobQueryParams.shape);
const IncidentListParams = z.object({ processInstanceId: qs.string(), incidentType: qs.string(), ...pagingParams });

/** Camunda's incident annotation column holds 4,000 characters. */
const AnnotationBody = z.object({ annotation: z.string().max(4000).nullish() });

/** Camunda's JobResourceImpl answers an engine failure of these calls as a 500 of its own type, message unchanged. */
const asRestError = (type: 'InvalidRequestException' | 'RestException', run: () => Promise<void>) => answeringEngineFailures(run, (error) => engineFailureAs(error, 500, type));

const toJobDto = (view: JobView) => (view.kind === 'batch' ? batchJobDto(view.job, view.batch) : jobDto(view.item));
const toIncidentDto = (view: IncidentView) => (view.kind === 'batch' ? batchJobIncidentDto(view.job, view.batch) : incidentDto(view.item));

export const jobRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/job',
    handler: async (ctx) => {
      const { firstResult, maxResults, ...query } = readQuery(ctx.req, JobListParams);
      return json(200, page((await queryJobs(ctx.app, ctx.auth, query)).map(toJobDto), { firstResult, maxResults }));
    },
  }),
  route({
    method: 'POST',
    pattern: '/job',
    handler: async (ctx) => {
      const { firstResult, maxResults } = readQuery(ctx.req, z.object(pagingParams));
      return json(200, page((await queryJobs(ctx.app, ctx.auth, jobQueryOf(readBody(ctx.req, JobQueryBody)))).map(toJobDto), { firstResult, maxResults }));
    },
  }),
  route({ method: 'POST', pattern: '/job/count', handler: async (ctx) => json(200, { count: await countJobs(ctx.app, ctx.auth, jobQueryOf(readBody(ctx.req, JobQueryBody))) }) }),
  route({
    method: 'GET',
    pattern: '/job/{id}/stacktrace',
    handler: async (ctx) => {
      const stacktrace = await jobStacktrace(ctx.app, ctx.auth, { jobId: ctx.params.id });
      return stacktrace ? { status: 200, rawBody: stacktrace, headers: { 'content-type': 'text/plain' } } : noContent();
    },
  }),
  route({ method: 'GET', pattern: '/job/count', handler: async (ctx) => json(200, { count: await countJobs(ctx.app, ctx.auth, readQuery(ctx.req, JobQueryParams)) }) }),
  route({ method: 'GET', pattern: '/job/{id}', handler: async (ctx) => json(200, toJobDto(await getJob(ctx.app, ctx.auth, { jobId: ctx.params.id }))) }),
  route({
    method: 'DELETE',
    pattern: '/job/{id}',
    handler: async (ctx) => {
      await deleteJob(ctx.app, ctx.auth, { jobId: ctx.params.id });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/job/{id}/execute',
    handler: async (ctx) => {
      await executeJob(ctx.app, ctx.auth, { jobId: ctx.params.id });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/job/{id}/retries',
    handler: async (ctx) => {
      const body = readBody(ctx.req, Retries);
      if (body.retries < 0) throw invalidRequest(`The number of job retries must be a non-negative Integer, but '${body.retries}' has been provided.`, 500);
      await setJobRetries(ctx.app, ctx.auth, { jobId: ctx.params.id, retries: body.retries });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/job/{id}/duedate',
    handler: async (ctx) => {
      const body = readBody(ctx.req, Duedate);
      // Camunda's Jackson answers a date it cannot read with an empty message.
      const dueDate = body.duedate == null ? null : parseDate(body.duedate);
      if (dueDate === undefined) throw invalidRequest('');
      await asRestError('InvalidRequestException', () => setJobDuedate(ctx.app, ctx.auth, { jobId: ctx.params.id, dueDate, cascade: body.cascade ?? false }));
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/job/{id}/duedate/recalculate',
    handler: async (ctx) => {
      const { creationDateBased } = readQuery(ctx.req, RecalculateParams);
      await asRestError('InvalidRequestException', () => recalculateJobDuedate(ctx.app, ctx.auth, { jobId: ctx.params.id, creationDateBased: creationDateBased ?? true }));
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/job/{id}/priority',
    handler: async (ctx) => {
      const { priority } = readBody(ctx.req, Priority);
      if (priority == null) throw new RestError(400, `Priority for job '${ctx.params.id}' cannot be null.`, 'RestException');
      await asRestError('RestException', () => setJobPriority(ctx.app, ctx.auth, { jobId: ctx.params.id, priority }));
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/incident',
    handler: async (ctx) => {
      const { firstResult, maxResults, ...query } = readQuery(ctx.req, IncidentListParams);
      const incidents = await queryIncidents(ctx.app, ctx.auth, query);
      return json(200, page(incidents.map(toIncidentDto), { firstResult, maxResults }));
    },
  }),
  route({ method: 'GET', pattern: '/incident/{id}', handler: async (ctx) => json(200, toIncidentDto(await getIncident(ctx.app, ctx.auth, { incidentId: ctx.params.id }))) }),
  route({
    method: 'DELETE',
    pattern: '/incident/{id}',
    handler: async (ctx) => {
      await resolveIncident(ctx.app, ctx.auth, { incidentId: ctx.params.id });
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/incident/{id}/annotation',
    handler: async (ctx) => {
      const { annotation } = readBody(ctx.req, AnnotationBody);
      await setIncidentAnnotation(ctx.app, ctx.auth, { incidentId: ctx.params.id, annotation: annotation ?? null });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/incident/{id}/annotation',
    handler: async (ctx) => {
      await setIncidentAnnotation(ctx.app, ctx.auth, { incidentId: ctx.params.id, annotation: null });
      return noContent();
    },
  }),
  route({ method: 'GET', pattern: '/incident/count', handler: async (ctx) => json(200, { count: await countIncidents(ctx.app, ctx.auth, {}) }) }),
];
