import * as z from 'zod/v4';
import type { ModificationInstruction } from '../../engine/modification/instructions.ts';
import { definitionMismatch, instanceCannotBeModified, modifyProcessInstance } from '../../engine/modification/modify.ts';
import { EngineError } from '../../engine/errors.ts';
import { batchDto } from '../batch-dto.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { InstructionDto, ModificationBody, toInstructions } from '../modification-dto.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { ConcurrentModificationError } from '../../store/errors.ts';
import { filterAllowed, mayReadHistory, requireInstance } from '../access.ts';
import { ProcessInstanceQuery, queryProcessInstances } from './process-instance.ts';
import { count, METRIC } from '../../observability/metrics.ts';

/** POST /modification/execute(Async): many instances of one definition (reference §1.8). */
const MultipleModificationBody = z
  .object({
    processDefinitionId: z.string().nullish(),
    instructions: z.array(InstructionDto).nullish(),
    processInstanceIds: z.array(z.string().nullable()).nullish(),
    processInstanceQuery: ProcessInstanceQuery.nullish(),
    historicProcessInstanceQuery: z
      .object({ processInstanceIds: z.array(z.string()).nullish(), processDefinitionId: z.string().nullish(), processDefinitionKey: z.string().nullish(), finished: z.boolean().nullish(), unfinished: z.boolean().nullish() })
      .passthrough()
      .nullish(),
    skipCustomListeners: z.boolean().nullish(),
    skipIoMappings: z.boolean().nullish(),
    annotation: z.string().nullish(),
  })
  .passthrough();

/** The multi-instance builder has no variables, no ancestors and cancels only by activity id. */
function toMultipleInstructions(dtos: z.infer<typeof InstructionDto>[]): ModificationInstruction[] {
  return dtos.map((dto) => {
    if (dto.type === 'cancel' && !dto.activityId) throw invalidRequest(`For instruction type 'cancel': 'activityId' must be set`);
    const [instruction] = toInstructions([{ ...dto, variables: undefined, ancestorActivityInstanceId: undefined, activityInstanceId: undefined, transitionInstanceId: undefined }]);
    return instruction!;
  });
}

/** Engine-side validation of §1.8 in Camunda's order; each failure a 400 with the engine's message. */
async function resolveMultiple(ctx: RouteContext) {
  const body = readBody(ctx.req, MultipleModificationBody);
  const fail = (message: string) => invalidRequest(message);
  // Camunda's builder constructor checks the definition id before the instructions are applied.
  if (!body.processDefinitionId) throw fail('processDefinitionId is null');
  const instructions = toMultipleInstructions(body.instructions ?? []);
  if (instructions.length === 0) throw fail('Modification instructions cannot be empty is empty');
  const ids = new Set<string | null>(body.processInstanceIds ?? []);
  if (body.processInstanceQuery) for (const s of await queryProcessInstances(ctx, body.processInstanceQuery)) ids.add(s.id);
  if (body.historicProcessInstanceQuery) {
    const h = body.historicProcessInstanceQuery;
    // Like Camunda's historic query: only the history the caller may read (READ_HISTORY, tenants).
    for (const item of await filterAllowed(await ctx.service.deps.items.byKind('HPI'), (i) => mayReadHistory(ctx, i))) {
      if (h.processInstanceIds && !h.processInstanceIds.includes(item.id as string)) continue;
      if (h.processDefinitionId && item.processDefinitionId !== h.processDefinitionId) continue;
      if (h.processDefinitionKey && item.processDefinitionKey !== h.processDefinitionKey) continue;
      if (h.finished && item.endTime === null) continue;
      if (h.unfinished && item.endTime !== null) continue;
      ids.add(item.id as string);
    }
  }
  if (ids.size === 0) throw fail('Process instance ids cannot be empty: Process instance ids is empty');
  if (ids.has(null)) throw fail('Process instance ids cannot be null: Process instance ids contains null value');
  const definition = await ctx.service.definition(body.processDefinitionId);
  if (!definition) throw fail(`no deployed process definition found with id '${body.processDefinitionId}': processDefinition is null`);
  return { body, instructions, definition, processInstanceIds: [...ids] as string[] };
}

export const modificationRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/process-instance/{id}/modification-async',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ModificationBody);
      const instructions = toInstructions(body.instructions ?? []);
      if (instructions.length === 0) throw invalidRequest('The provided instuctions are invalid.');
      // Existence, definition and tenant are all the batch needs: the state is read by the job.
      const instance = await ctx.service.summary(ctx.params.id);
      if (!instance) throw instanceCannotBeModified(ctx.params.id);
      // Camunda checks only the batch permission here; instance permissions are not checked by the job executor.
      await ctx.auth.require({ permission: 'CREATE_BATCH_MODIFY_PROCESS_INSTANCES', resource: 'Batch' }, { permission: 'CREATE', resource: 'Batch' });
      const batch = await ctx.batches.createModificationBatch({
        configuration: {
          processDefinitionId: instance.definitionId,
          processInstanceIds: [instance.id],
          instructions,
          skipCustomListeners: body.skipCustomListeners ?? false,
          skipIoMappings: body.skipIoMappings ?? false,
        },
        tenantId: instance.tenantId,
        createUserId: ctx.auth.userId,
        singleInstance: true,
      });
      return json(200, batchDto(batch));
    },
  }),
  route({
    method: 'POST',
    pattern: '/modification/executeAsync',
    handler: async (ctx) => {
      const { body, instructions, definition, processInstanceIds } = await resolveMultiple(ctx);
      await ctx.auth.require({ permission: 'CREATE_BATCH_MODIFY_PROCESS_INSTANCES', resource: 'Batch' }, { permission: 'CREATE', resource: 'Batch' });
      const batch = await ctx.batches.createModificationBatch({
        configuration: { processDefinitionId: definition.id, processInstanceIds, instructions, skipCustomListeners: body.skipCustomListeners ?? false, skipIoMappings: body.skipIoMappings ?? false },
        tenantId: definition.tenantId,
        createUserId: ctx.auth.userId,
        singleInstance: false,
      });
      return json(200, batchDto(batch));
    },
  }),
  route({
    method: 'POST',
    pattern: '/modification/execute',
    handler: async (ctx) => {
      const { body, instructions, definition, processInstanceIds } = await resolveMultiple(ctx);
      // Everything is computed first, so an engine error on any instance changes none of them.
      const planned = [];
      for (const id of processInstanceIds) {
        const loaded = await ctx.service.load(id);
        if (!loaded) throw instanceCannotBeModified(id);
        await requireInstance(ctx, loaded.stored.state, 'UPDATE');
        if (loaded.stored.state.definitionId !== definition.id) {
          throw definitionMismatch(id, loaded.stored.state.definitionId, definition.id);
        }
        const result = modifyProcessInstance(loaded.stored.state, loaded.model, { instructions, skipCustomListeners: body.skipCustomListeners ?? false, skipIoMappings: body.skipIoMappings ?? false }, ctx.service.env);
        if (result.state.status !== 'ACTIVE') await requireInstance(ctx, loaded.stored.state, 'DELETE');
        planned.push({ loaded, result });
      }
      for (const { loaded, result } of planned) {
        try {
          await ctx.service.deps.instances.save(loaded.stored, result.state, loaded.model);
        } catch (error) {
          throw error instanceof ConcurrentModificationError ? new EngineError('OptimisticLockingException', error.message, 1) : error;
        }
        count(METRIC.instancesModified);
        await ctx.service.dispatchNewJobs(loaded.stored.state, result.state);
      }
      return noContent();
    },
  }),
];
