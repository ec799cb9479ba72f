import * as z from 'zod/v4';
import { deleteProcessInstancesAsync } from '../../app/bulk-deletion.ts';
import { batchDto } from '../batch-dto.ts';
import { invalidRequest } from '../errors.ts';
import { EngineError } from '../../engine/errors.ts';
import { json } from '../http.ts';
import { onlyKnownFilters } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { fromQueryBody, HistoryQueryBody } from './history.ts';
import { ProcessInstanceQuery } from './process-instance.ts';

/** Camunda's DeleteProcessInstancesDto. */
const DeleteBody = z
  .object({
    processInstanceIds: z.array(z.string()).nullish(),
    processInstanceQuery: ProcessInstanceQuery.nullish(),
    historicProcessInstanceQuery: HistoryQueryBody.nullish(),
    deleteReason: z.string().max(4000).nullish(),
    skipCustomListeners: z.boolean().nullish(),
    skipSubprocesses: z.boolean().nullish(),
    skipIoMappings: z.boolean().nullish(),
  })
  .passthrough();

/**
 * The two resources differ in the query they read: POST /process-instance/delete its
 * `processInstanceQuery`, …/delete-historic-query-based its `historicProcessInstanceQuery`. A query
 * that chooses what gets deleted may use only the filters implemented here.
 */
async function deleteAsync(ctx: RouteContext, queryKind: 'runtime' | 'historic') {
  const body = readBody(ctx.req, DeleteBody);
  const runtimeQuery = queryKind === 'runtime' && body.processInstanceQuery ? onlyKnownFilters(body.processInstanceQuery, ProcessInstanceQuery.shape, 'process instance query') : undefined;
  const historic =
    queryKind === 'historic' && body.historicProcessInstanceQuery ? onlyKnownFilters(body.historicProcessInstanceQuery, HistoryQueryBody.shape, 'historic process instance query') : undefined;
  try {
    const batch = await deleteProcessInstancesAsync(ctx.app, ctx.auth, {
      ...(body.processInstanceIds ? { processInstanceIds: body.processInstanceIds } : {}),
      ...(runtimeQuery ? { processInstanceQuery: runtimeQuery } : {}),
      ...(historic ? { historicProcessInstanceQuery: (({ sort: _sort, ...filter }) => filter)(fromQueryBody(historic)) } : {}),
      deleteReason: body.deleteReason ?? null,
      skipCustomListeners: body.skipCustomListeners ?? false,
      skipSubprocesses: body.skipSubprocesses ?? false,
      skipIoMappings: body.skipIoMappings ?? false,
    });
    return json(200, batchDto(batch));
  } catch (error) {
    // Camunda's resource answers the engine's user errors ("processInstanceIds is empty") as an InvalidRequestException.
    if (error instanceof EngineError && error.isUserError) throw invalidRequest(error.message);
    throw error;
  }
}

export const bulkDeletionRoutes: Route[] = [
  route({ method: 'POST', pattern: '/process-instance/delete', idempotent: true, handler: (ctx) => deleteAsync(ctx, 'runtime') }),
  route({ method: 'POST', pattern: '/process-instance/delete-historic-query-based', handler: (ctx) => deleteAsync(ctx, 'historic') }),
];
