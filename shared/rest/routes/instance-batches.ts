/**
 * The batch resources besides modification and deletion: POST /process-instance/suspended-async,
 * …/variables-async, …/job-retries (+ …-historic-query-based) and POST /job/retries, with the
 * answers Camunda's resources give (ProcessInstanceRestServiceImpl, JobRestServiceImpl). A query that
 * chooses what a batch changes may use only the filters implemented here.
 */
import * as z from 'zod/v4';
import type { JobRetriesChange } from '../../batch/batch.ts';
import {
  deleteHistoricProcessInstancesAsync,
  type InstanceSelection,
  setJobRetriesByJobsAsync,
  setJobRetriesByProcessAsync,
  setVariablesAsync,
  suspendProcessInstancesAsync,
} from '../../app/instance-batches.ts';
import type { EngineError } from '../../engine/errors.ts';
import { batchDto } from '../batch-dto.ts';
import { parseDate } from '../dates.ts';
import { answeringEngineFailures, engineFailureAs, invalidRequest } from '../errors.ts';
import { json } from '../http.ts';
import { onlyKnownFilters } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { VariableMapDto } from '../variables.ts';
import { fromVariableMapAs } from '../variables-resource.ts';
import { fromQueryBody, HistoryQueryBody } from './history.ts';
import { JobQueryBody, jobQueryOf } from './job.ts';
import { ProcessInstanceQuery } from './process-instance.ts';

const Selection = {
  processInstanceIds: z.array(z.string()).nullish(),
  processInstanceQuery: ProcessInstanceQuery.nullish(),
  historicProcessInstanceQuery: HistoryQueryBody.nullish(),
};
/** Camunda's RetriesDto: `dueDate` present (even null) sets the due date; absent leaves it. */
const Retries = { retries: z.number().int().nullish(), dueDate: z.string().nullish() };

const SuspensionAsyncBody = z.object({ ...Selection, suspended: z.boolean().nullish() }).passthrough();
const VariablesAsyncBody = z.object({ ...Selection, variables: VariableMapDto.nullish() }).passthrough();
/** Camunda's SetJobRetriesByProcessDto names its ids `processInstances`. */
const RetriesByProcessBody = z
  .object({ processInstances: Selection.processInstanceIds, processInstanceQuery: Selection.processInstanceQuery, historicProcessInstanceQuery: Selection.historicProcessInstanceQuery, ...Retries })
  .passthrough();
const RetriesByJobsBody = z.object({ jobIds: z.array(z.string()).nullish(), jobQuery: JobQueryBody.nullish(), ...Retries }).passthrough();

/** The instances a body selects, each query only with the filters implemented here. */
function selectionOf(body: {
  processInstanceIds?: string[] | null;
  processInstanceQuery?: z.infer<typeof ProcessInstanceQuery> | null;
  historicProcessInstanceQuery?: z.infer<typeof HistoryQueryBody> | null;
}): InstanceSelection {
  const historic = body.historicProcessInstanceQuery && onlyKnownFilters(body.historicProcessInstanceQuery, HistoryQueryBody.shape, 'historic process instance query');
  return {
    ...(body.processInstanceIds ? { processInstanceIds: body.processInstanceIds } : {}),
    ...(body.processInstanceQuery ? { processInstanceQuery: onlyKnownFilters(body.processInstanceQuery, ProcessInstanceQuery.shape, 'process instance query') } : {}),
    ...(historic ? { historicProcessInstanceQuery: (({ sort: _sort, ...filter }) => filter)(fromQueryBody(historic)) } : {}),
  };
}

/** Retries and due date as given; Camunda's resources answer missing retries with a 400 of their own. */
function retriesChangeOf(body: { retries?: number | null; dueDate?: string | null }): JobRetriesChange {
  if (body.retries == null) throw invalidRequest('retries is null');
  // The parsed body keeps a `dueDate: null` given, and has no key when none was.
  const dueDateSet = Object.hasOwn(body, 'dueDate');
  if (body.dueDate == null) return { retries: body.retries, dueDate: null, dueDateSet };
  const dueDate = parseDate(body.dueDate);
  // Camunda's Jackson answers a date it cannot read with an empty message.
  if (dueDate === undefined) throw invalidRequest('');
  return { retries: body.retries, dueDate, dueDateSet };
}

/** The engine's user errors ("processInstanceIds is empty") as Camunda's resources answer them: an InvalidRequestException. */
const userErrorsAsInvalidRequest = (error: EngineError) => (error.type === 'BadUserRequestException' ? engineFailureAs(error, 400, 'InvalidRequestException') : undefined);

async function suspendAsync(ctx: RouteContext) {
  const body = readBody(ctx.req, SuspensionAsyncBody);
  const selection = selectionOf(body);
  if (!body.processInstanceIds && !body.processInstanceQuery && !body.historicProcessInstanceQuery) {
    throw invalidRequest('Either processInstanceIds, processInstanceQuery or historicProcessInstanceQuery should be set to update the suspension state.');
  }
  const batch = await answeringEngineFailures(() => suspendProcessInstancesAsync(ctx.app, ctx.auth, { ...selection, suspended: body.suspended ?? false }), userErrorsAsInvalidRequest);
  return json(200, batchDto(batch));
}

async function variablesAsync(ctx: RouteContext) {
  const body = readBody(ctx.req, VariablesAsyncBody);
  const variables = body.variables ? fromVariableMapAs(body.variables, 'Cannot set variables') : undefined;
  // Camunda's resource passes BadUserRequestException on and answers the engine's other failures with a 400.
  const batch = await answeringEngineFailures(
    () => setVariablesAsync(ctx.app, ctx.auth, { ...selectionOf(body), variables }),
    (error) => (error.type === 'BadUserRequestException' || error.type === 'OptimisticLockingException' ? undefined : engineFailureAs(error, 400, 'InvalidRequestException')),
  );
  return json(200, batchDto(batch));
}

async function jobRetriesByProcess(ctx: RouteContext, queryKind: 'runtime' | 'historic') {
  const body = readBody(ctx.req, RetriesByProcessBody);
  const change = retriesChangeOf(body);
  // Each resource reads only its own query.
  const selection = selectionOf({
    processInstanceIds: body.processInstances,
    ...(queryKind === 'runtime' ? { processInstanceQuery: body.processInstanceQuery } : { historicProcessInstanceQuery: body.historicProcessInstanceQuery }),
  });
  const batch = await answeringEngineFailures(() => setJobRetriesByProcessAsync(ctx.app, ctx.auth, { ...selection, ...change }), userErrorsAsInvalidRequest);
  return json(200, batchDto(batch));
}

async function jobRetriesByJobs(ctx: RouteContext) {
  const body = readBody(ctx.req, RetriesByJobsBody);
  const change = retriesChangeOf(body);
  const input = { ...(body.jobIds ? { jobIds: body.jobIds } : {}), ...(body.jobQuery ? { jobQuery: jobQueryOf(body.jobQuery) } : {}), ...change };
  const batch = await answeringEngineFailures(() => setJobRetriesByJobsAsync(ctx.app, ctx.auth, input), userErrorsAsInvalidRequest);
  return json(200, batchDto(batch));
}

/** Camunda's DeleteHistoricProcessInstancesDto. */
const HistoricDeletionBody = z
  .object({ historicProcessInstanceIds: z.array(z.string()).nullish(), historicProcessInstanceQuery: HistoryQueryBody.nullish(), deleteReason: z.string().max(4000).nullish() })
  .passthrough();

async function deleteHistoryAsync(ctx: RouteContext) {
  const body = readBody(ctx.req, HistoricDeletionBody);
  const { historicProcessInstanceQuery } = selectionOf({ historicProcessInstanceQuery: body.historicProcessInstanceQuery });
  const input = {
    ...(body.historicProcessInstanceIds ? { historicProcessInstanceIds: body.historicProcessInstanceIds } : {}),
    ...(historicProcessInstanceQuery ? { historicProcessInstanceQuery } : {}),
    deleteReason: body.deleteReason ?? null,
  };
  const batch = await answeringEngineFailures(() => deleteHistoricProcessInstancesAsync(ctx.app, ctx.auth, input), userErrorsAsInvalidRequest);
  return json(200, batchDto(batch));
}

export const instanceBatchRoutes: Route[] = [
  route({ method: 'POST', pattern: '/history/process-instance/delete', idempotent: true, handler: deleteHistoryAsync }),
  route({ method: 'POST', pattern: '/process-instance/suspended-async', idempotent: true, handler: suspendAsync }),
  route({ method: 'POST', pattern: '/process-instance/variables-async', idempotent: true, handler: variablesAsync }),
  route({ method: 'POST', pattern: '/process-instance/job-retries', idempotent: true, handler: (ctx) => jobRetriesByProcess(ctx, 'runtime') }),
  route({ method: 'POST', pattern: '/process-instance/job-retries-historic-query-based', idempotent: true, handler: (ctx) => jobRetriesByProcess(ctx, 'historic') }),
  route({ method: 'POST', pattern: '/job/retries', idempotent: true, handler: jobRetriesByJobs }),
];
