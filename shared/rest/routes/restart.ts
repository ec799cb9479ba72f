import * as z from 'zod/v4';
import { RequestError } from '../../app/errors.ts';
import { type RestartRequest, restartProcessInstances, restartProcessInstancesAsync } from '../../app/restart.ts';
import { EngineError } from '../../engine/errors.ts';
import type { StartInstruction } from '../../engine/index.ts';
import { invalidRequest } from '../errors.ts';
import { batchDto } from '../batch-dto.ts';
import { json, noContent } from '../http.ts';
import { InstructionDto, toInstructions } from '../modification-dto.ts';
import { onlyKnownFilters } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { fromQueryBody, HistoryQueryBody } from './history.ts';

/** Camunda's RestartProcessInstanceDto. */
const RestartBody = z
  .object({
    processInstanceIds: z.array(z.string()).nullish(),
    historicProcessInstanceQuery: HistoryQueryBody.nullish(),
    skipCustomListeners: z.boolean().nullish(),
    skipIoMappings: z.boolean().nullish(),
    initialVariables: z.boolean().nullish(),
    withoutBusinessKey: z.boolean().nullish(),
    instructions: z.array(InstructionDto).nullish(),
  })
  .passthrough();

/** A restart instruction starts before, after or on a transition; Jackson knows no other subtype there. */
function restartInstructions(dtos: readonly InstructionDto[]): StartInstruction[] {
  if (dtos.some((dto) => dto.type === 'cancel')) throw invalidRequest('');
  return toInstructions(dtos.map((dto) => ({ ...dto, ancestorActivityInstanceId: undefined, variables: undefined }))) as StartInstruction[];
}

/** The body as the use cases' request. */
function restartRequest(ctx: RouteContext): RestartRequest {
  const body = readBody(ctx.req, RestartBody);
  const historic = body.historicProcessInstanceQuery ? onlyKnownFilters(body.historicProcessInstanceQuery, HistoryQueryBody.shape, 'historic process instance query') : undefined;
  return {
    ...(body.processInstanceIds ? { processInstanceIds: body.processInstanceIds } : {}),
    ...(historic ? { historicProcessInstanceQuery: (({ sort: _sort, ...filter }) => filter)(fromQueryBody(historic)) } : {}),
    instructions: restartInstructions(body.instructions ?? []),
    skipCustomListeners: body.skipCustomListeners ?? false,
    skipIoMappings: body.skipIoMappings ?? false,
    withoutBusinessKey: body.withoutBusinessKey ?? false,
    initialVariables: body.initialVariables ?? false,
  };
}

/** ProcessDefinitionResourceImpl answers a BadUserRequestException (and its NotValidException) of either restart as a 400 InvalidRequestException. */
async function asInvalidRequest<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof EngineError && (error.type === 'BadUserRequestException' || error.type === 'NotValidException')) throw new RequestError(400, error.message);
    throw error;
  }
}

export const restartRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/process-definition/{id}/restart',
    idempotent: true,
    handler: async (ctx) => {
      const request = restartRequest(ctx);
      await asInvalidRequest(() => restartProcessInstances(ctx.app, ctx.auth, { definitionId: ctx.params.id, request }));
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/process-definition/{id}/restart-async',
    idempotent: true,
    handler: async (ctx) => {
      const request = restartRequest(ctx);
      return json(200, batchDto(await asInvalidRequest(() => restartProcessInstancesAsync(ctx.app, ctx.auth, { definitionId: ctx.params.id, request }))));
    },
  }),
];
