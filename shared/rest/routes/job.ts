import * as z from 'zod/v4';
import { executeJob, setJobRetries } from '../../engine/operations.ts';
import { jobDto, incidentDto } from '../dto.ts';
import { invalidRequest, RestError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { booleanParam, page, stringParam } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { canSeeBatch, filterAllowed, mayInstanceItem, requireInstanceItem } from '../access.ts';
import { EngineError } from '../../engine/errors.ts';
import { batchJobDto, batchJobIncidentDto } from '../batch-dto.ts';
import type { BatchJob } from '../../batch/batch.ts';

const Retries = z.object({ retries: z.number().int() });

/** Batch execution jobs are jobs too (reference §4.5): listed by their batch job definition. */
async function queryBatchJobs(ctx: RouteContext, jobDefinitionId: string) {
  const batch = (await ctx.batches.repository.list()).find((b) => b.batchJobDefinitionId === jobDefinitionId);
  if (!batch) return undefined;
  if (!(await canSeeBatch(ctx, batch))) return [];
  const q = ctx.req.query;
  const withException = booleanParam(q, 'withException');
  const noRetriesLeft = booleanParam(q, 'noRetriesLeft');
  return (await ctx.batches.repository.jobs(batch.id))
    .filter((job) => (!withException || job.exceptionMessage) && (!noRetriesLeft || job.retries === 0))
    .map((job) => batchJobDto(job, batch));
}

/** Failed batch execution jobs (retries 0) surface as failedJob incidents. */
async function batchIncidents(ctx: RouteContext): Promise<object[]> {
  const incidents: object[] = [];
  for (const batch of await filterAllowed(await ctx.batches.repository.list(), (b) => canSeeBatch(ctx, b))) {
    for (const job of await ctx.batches.repository.jobs(batch.id)) if (job.retries === 0) incidents.push(batchJobIncidentDto(job, batch));
  }
  return incidents;
}

/** A batch execution job the caller may see (Batch READ); unreadable ones are reported as missing. */
async function batchJob(ctx: RouteContext<'id'>): Promise<BatchJob | undefined> {
  const job = await ctx.batches.repository.getJob(ctx.params.id);
  if (!job) return undefined;
  const batch = await ctx.batches.repository.get(job.batchId);
  if (batch && !(await canSeeBatch(ctx, batch))) throw new RestError(404, `Job with id ${ctx.params.id} does not exist`);
  return job;
}

async function requireBatchUpdate(ctx: RouteContext, job: BatchJob): Promise<void> {
  await ctx.auth.require({ permission: 'UPDATE', resource: 'Batch', resourceId: job.batchId });
}

async function queryJobs(ctx: RouteContext): Promise<object[]> {
  const q = ctx.req.query;
  const batchJobs = stringParam(q, 'jobDefinitionId') ? await queryBatchJobs(ctx, stringParam(q, 'jobDefinitionId')!) : undefined;
  if (batchJobs) return batchJobs;
  const pi = stringParam(q, 'processInstanceId');
  const jobDefinitionId = stringParam(q, 'jobDefinitionId');
  const withException = booleanParam(q, 'withException');
  const noRetriesLeft = booleanParam(q, 'noRetriesLeft');
  const executable = booleanParam(q, 'executable');
  const items = await filterAllowed(pi ? await ctx.service.deps.items.ofInstance(pi, 'JOB#') : await ctx.service.deps.items.byKind('JOB'), (item) => mayInstanceItem(ctx, item, 'READ'));
  const now = ctx.service.env.now();
  return items
    .map((item) => ({ item, dto: jobDto(item) }))
    .filter(
      ({ item, dto }) =>
        (!jobDefinitionId || dto.jobDefinitionId === jobDefinitionId) &&
        (!withException || item.exceptionMessage) &&
        (!noRetriesLeft || item.retries === 0) &&
        (!executable || ((item.retries as number) > 0 && ((item.dueDate as number | null) ?? 0) <= now)),
    )
    .map(({ dto }) => dto);
}

async function jobItem(ctx: RouteContext<'id'>) {
  const item = await ctx.service.deps.items.getJob(ctx.params.id);
  if (!item || !(await mayInstanceItem(ctx, item, 'READ'))) throw new RestError(404, `Job with id ${ctx.params.id} does not exist`);
  return item;
}

export const jobRoutes: Route[] = [
  route({ method: 'GET', pattern: '/job', handler: async (ctx) => json(200, page(await queryJobs(ctx), ctx.req.query)) }),
  route({ method: 'GET', pattern: '/job/count', handler: async (ctx) => json(200, { count: (await queryJobs(ctx)).length }) }),
  route({
    method: 'GET',
    pattern: '/job/{id}',
    handler: async (ctx) => {
      const job = await batchJob(ctx);
      if (job) return json(200, batchJobDto(job, await ctx.batches.repository.get(job.batchId)));
      return json(200, jobDto(await jobItem(ctx)));
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/job/{id}',
    handler: async (ctx) => {
      const job = await batchJob(ctx);
      if (!job) throw new RestError(404, `Job with id ${ctx.params.id} does not exist`);
      await requireBatchUpdate(ctx, job);
      await ctx.batches.deleteJob(job);
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/job/{id}/execute',
    handler: async (ctx) => {
      const item = await jobItem(ctx);
      await requireInstanceItem(ctx, item, 'UPDATE');
      let failure: Error | undefined;
      await ctx.service.update(item.processInstanceId as string, (state, model) => {
        const result = executeJob(state, model, ctx.params.id, ctx.service.env);
        failure = result.failure;
        return result;
      }, () => new RestError(404, `Job with id ${ctx.params.id} does not exist`));
      if (failure) throw failure instanceof EngineError ? failure : new EngineError('ProcessEngineException', failure.message);
      return noContent();
    },
  }),
  route({
    method: 'PUT',
    pattern: '/job/{id}/retries',
    handler: async (ctx) => {
      const body = readBody(ctx.req, Retries);
      if (body.retries < 0) throw invalidRequest(`The number of job retries must be a non-negative Integer, but '${body.retries}' has been provided.`, 500);
      const job = await batchJob(ctx);
      if (job) {
        await requireBatchUpdate(ctx, job);
        await ctx.batches.setJobRetries(job, body.retries);
        return noContent();
      }
      const item = await jobItem(ctx);
      await requireInstanceItem(ctx, item, 'UPDATE');
      await ctx.service.update(item.processInstanceId as string, (state) => setJobRetries(state, ctx.params.id, body.retries, ctx.service.env), () => new RestError(404, `Job with id ${ctx.params.id} does not exist`));
      await ctx.service.sweepDueJobs();
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/incident',
    handler: async (ctx) => {
      const q = ctx.req.query;
      const pi = stringParam(q, 'processInstanceId');
      const type = stringParam(q, 'incidentType');
      const listed = pi ? await ctx.service.deps.items.ofInstance(pi, 'INCIDENT#') : await ctx.service.deps.items.byKind('INCIDENT');
      const items = (await filterAllowed(listed, (i) => mayInstanceItem(ctx, i, 'READ'))).filter((i) => !type || i.incidentType === type);
      const incidents: object[] = items.map(incidentDto);
      if (!pi && (!type || type === 'failedJob')) incidents.push(...(await batchIncidents(ctx)));
      return json(200, page(incidents, q));
    },
  }),
  route({
    method: 'GET',
    pattern: '/incident/count',
    handler: async (ctx) => {
      const readable = await filterAllowed(await ctx.service.deps.items.byKind('INCIDENT'), (i) => mayInstanceItem(ctx, i, 'READ'));
      return json(200, { count: readable.length + (await batchIncidents(ctx)).length });
    },
  }),
];
