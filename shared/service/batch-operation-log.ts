/**
 * The trace of a modification batch in the user operation log (an extension, docs/api.md): each
 * instance a batch job modifies gets a ModifyProcessInstance entry naming the instance and the
 * batch, with the batch's creator as its user, written in the instance's own write. Camunda logs
 * only the batch's creation (without the batch id), so an instance's log could not tell which
 * batch changed it. Nothing is logged for a batch an unauthenticated caller created, as for every
 * operation of such a caller.
 */
import type { Batch } from '../batch/batch.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import type { EngineService } from './engine-service.ts';

export function batchModificationLogActions(engine: EngineService, batch: Batch, state: ProcessInstanceState): Record<string, unknown>[] {
  if (!batch.createUserId || !('instructions' in batch.configuration)) return [];
  const { env } = engine;
  const entry = {
    id: env.newId(),
    operationType: 'ModifyProcessInstance',
    entityType: 'ProcessInstance',
    category: 'Operator',
    property: null,
    orgValue: null,
    newValue: null,
    processInstanceId: state.id,
    processDefinitionId: state.definitionId,
    processDefinitionKey: state.definitionKey,
    rootProcessInstanceId: state.caller?.rootProcessInstanceId ?? state.id,
    tenantId: state.tenantId ?? null,
    batchId: batch.id,
  };
  const record = { operationId: env.newId(), userId: batch.createUserId, timestamp: env.now(), annotation: null, entries: [entry] };
  return [engine.deps.userOperations.putAction(record)];
}
