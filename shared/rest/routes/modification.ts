import * as z from 'zod/v4';
import { executeModification, executeModificationAsync, type MultipleModification, modifyProcessInstanceAsync } from '../../app/modification.ts';
import { validateModification, validateModifications, type ValidationResult } from '../../app/modification-validation.ts';
import { batchDto } from '../batch-dto.ts';
import { invalidRequest, toErrorResponse } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { InstructionDto, ModificationBody, toInstructions, toMultipleInstructions } from '../modification-dto.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { ProcessInstanceQuery } from './process-instance.ts';

/** POST /modification/execute(Async): many instances of one definition (reference §1.8). */
const MultipleModificationBody = z
  .object({
    processDefinitionId: z.string().nullish(),
    instructions: z.array(InstructionDto).nullish(),
    processInstanceIds: z.array(z.string().nullable()).nullish(),
    processInstanceQuery: ProcessInstanceQuery.nullish(),
    historicProcessInstanceQuery: z
      .object({
        processInstanceIds: z.array(z.string()).nullish(),
        processDefinitionId: z.string().nullish(),
        processDefinitionKey: z.string().nullish(),
        finished: z.boolean().nullish(),
        unfinished: z.boolean().nullish(),
      })
      .passthrough()
      .nullish(),
    skipCustomListeners: z.boolean().nullish(),
    skipIoMappings: z.boolean().nullish(),
    annotation: z.string().nullish(),
    /** An extension of executeAsync (docs/api.md): instances that ended meanwhile are skipped. */
    skipEndedInstances: z.boolean().nullish(),
    /** An extension of executeAsync (docs/api.md): the batch's rate limit. */
    maxInstancesPerSecond: z.number().nullish(),
  })
  .passthrough();

/** The body as the use case's input; Camunda's builder checks the definition id before the instructions. */
function readMultiple(ctx: RouteContext): MultipleModification {
  const body = readBody(ctx.req, MultipleModificationBody);
  if (!body.processDefinitionId) throw invalidRequest('processDefinitionId is null');
  return {
    processDefinitionId: body.processDefinitionId,
    instructions: toMultipleInstructions(body.instructions ?? []),
    processInstanceIds: body.processInstanceIds,
    processInstanceQuery: body.processInstanceQuery,
    historicProcessInstanceQuery: body.historicProcessInstanceQuery,
    skipCustomListeners: body.skipCustomListeners ?? false,
    skipIoMappings: body.skipIoMappings ?? false,
    annotation: body.annotation ?? null,
    skipEndedInstances: body.skipEndedInstances ?? false,
    maxInstancesPerSecond: body.maxInstancesPerSecond ?? null,
  };
}

/** A dry run's answer for one instance: valid, or the error the real run would raise with the status it would answer. */
function validationDto(result: ValidationResult) {
  if (result.valid) return { processInstanceId: result.processInstanceId, valid: true };
  const { status, body } = toErrorResponse(result.error);
  return { processInstanceId: result.processInstanceId, valid: false, status, error: body };
}

export const modificationRoutes: Route[] = [
  // Extensions (docs/api.md, "Dry run"): the modification requests, applied in memory only.
  route({
    method: 'POST',
    pattern: '/process-instance/{id}/modification/validate',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ModificationBody);
      const result = await validateModification(ctx.app, ctx.auth, {
        processInstanceId: ctx.params.id,
        instructions: toInstructions(body.instructions ?? []),
        skipCustomListeners: body.skipCustomListeners ?? false,
        skipIoMappings: body.skipIoMappings ?? false,
      });
      return json(200, result.valid ? { ...validationDto(result), activityInstanceTree: result.activityInstanceTree ?? null } : validationDto(result));
    },
  }),
  route({
    method: 'POST',
    pattern: '/modification/validate',
    handler: async (ctx) => {
      const outcome = await validateModifications(ctx.app, ctx.auth, readMultiple(ctx));
      return json(200, 'batch' in outcome ? batchDto(outcome.batch) : outcome.results.map(validationDto));
    },
  }),
  route({
    method: 'POST',
    pattern: '/process-instance/{id}/modification-async',
    idempotent: true,
    handler: async (ctx) => {
      const body = readBody(ctx.req, ModificationBody);
      const instructions = toInstructions(body.instructions ?? []);
      const batch = await modifyProcessInstanceAsync(ctx.app, ctx.auth, {
        processInstanceId: ctx.params.id,
        instructions,
        skipCustomListeners: body.skipCustomListeners ?? false,
        skipIoMappings: body.skipIoMappings ?? false,
        annotation: body.annotation ?? null,
        skipEndedInstances: body.skipEndedInstances ?? false,
        maxInstancesPerSecond: body.maxInstancesPerSecond ?? null,
      });
      return json(200, batchDto(batch));
    },
  }),
  route({ method: 'POST', pattern: '/modification/executeAsync', idempotent: true, handler: async (ctx) => json(200, batchDto(await executeModificationAsync(ctx.app, ctx.auth, readMultiple(ctx)))) }),
  route({
    method: 'POST',
    pattern: '/modification/execute',
    idempotent: true,
    handler: async (ctx) => {
      await executeModification(ctx.app, ctx.auth, readMultiple(ctx));
      return noContent();
    },
  }),
];
