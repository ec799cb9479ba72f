import * as z from 'zod/v4';
import { countIncidents, type IncidentView, queryIncidents } from '../../app/incidents.ts';
import { countJobs, deleteJob, executeJob, getJob, type JobQuery, type JobView, queryJobs, setJobRetries } from '../../app/jobs.ts';
import { batchJobDto, batchJobIncidentDto } from '../batch-dto.ts';
import { incidentDto, jobDto } from '../dto.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { booleanParam, page, stringParam } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';

const Retries = z.object({ retries: z.number().int() });

function jobQuery(q: RouteContext['req']['query']): JobQuery {
  return {
    processInstanceId: stringParam(q, 'processInstanceId'),
    jobDefinitionId: stringParam(q, 'jobDefinitionId'),
    withException: booleanParam(q, 'withException'),
    noRetriesLeft: booleanParam(q, 'noRetriesLeft'),
    executable: booleanParam(q, 'executable'),
  };
}

const toJobDto = (view: JobView) => (view.kind === 'batch' ? batchJobDto(view.job, view.batch) : jobDto(view.item));
const toIncidentDto = (view: IncidentView) => (view.kind === 'batch' ? batchJobIncidentDto(view.job, view.batch) : incidentDto(view.item));

export const jobRoutes: Route[] = [
  route({ method: 'GET', pattern: '/job', handler: async (ctx) => json(200, page((await queryJobs(ctx.app, ctx.auth, jobQuery(ctx.req.query))).map(toJobDto), ctx.req.query)) }),
  route({ method: 'GET', pattern: '/job/count', handler: async (ctx) => json(200, { count: await countJobs(ctx.app, ctx.auth, jobQuery(ctx.req.query)) }) }),
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
    method: 'GET',
    pattern: '/incident',
    handler: async (ctx) => {
      const q = ctx.req.query;
      const incidents = await queryIncidents(ctx.app, ctx.auth, { processInstanceId: stringParam(q, 'processInstanceId'), incidentType: stringParam(q, 'incidentType') });
      return json(200, page(incidents.map(toIncidentDto), q));
    },
  }),
  route({ method: 'GET', pattern: '/incident/count', handler: async (ctx) => json(200, { count: await countIncidents(ctx.app, ctx.auth, {}) }) }),
];
