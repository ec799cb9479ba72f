/**
 * POST /process-instance/delete and …/delete-historic-query-based (Camunda's
 * RuntimeService#deleteProcessInstancesAsync): a batch that deletes the instances named by id and
 * found by the queries. As in Camunda, the batch permission governs: creating it needs CREATE (or
 * CREATE_BATCH_DELETE_RUNNING_PROCESS_INSTANCES) on Batch; the queries find what the caller may
 * read; ids named directly are taken as given, and one that is gone fails its job.
 */
import type { Batch, InstanceDeletion } from '../batch/batch.ts';
import { badUserRequest } from '../engine/errors.ts';
import type { UseCase } from './app-context.ts';
import { CATEGORY, logOperation } from './operation-log.ts';
import { findHistoricInstances, type HistoricInstanceFilter } from './history.ts';
import { findProcessInstances, type ProcessInstanceFilter } from './process-instances.ts';

export interface BulkDeletion extends InstanceDeletion {
  processInstanceIds?: readonly string[];
  processInstanceQuery?: ProcessInstanceFilter;
  historicProcessInstanceQuery?: HistoricInstanceFilter;
}

export const deleteProcessInstancesAsync: UseCase<BulkDeletion, Batch> = async (app, caller, input) => {
  const ids = new Set(input.processInstanceIds ?? []);
  if (input.processInstanceQuery) for (const listing of await findProcessInstances(app, caller, input.processInstanceQuery)) ids.add(listing.id);
  if (input.historicProcessInstanceQuery) for (const item of await findHistoricInstances(app, caller, input.historicProcessInstanceQuery)) ids.add(item.id as string);
  if (ids.size === 0) throw badUserRequest('processInstanceIds is empty');
  await caller.require({ permission: 'CREATE_BATCH_DELETE_RUNNING_PROCESS_INSTANCES', resource: 'Batch' }, { permission: 'CREATE', resource: 'Batch' });
  const { deleteReason, skipCustomListeners, skipIoMappings, skipSubprocesses } = input;
  const batch = await app.batches.startBatch({
    configuration: { processInstanceIds: [...ids], deletion: { deleteReason, skipCustomListeners, skipIoMappings, skipSubprocesses } },
    tenantId: null,
    createUserId: caller.userId,
    singleInstance: false,
  });
  await logOperation(app, caller, {
    operationType: 'Delete',
    entityType: 'ProcessInstance',
    category: CATEGORY.operator,
    changes: [
      { property: 'nrOfInstances', newValue: ids.size },
      { property: 'async', newValue: true },
      { property: 'deleteReason', newValue: deleteReason },
    ],
  });
  return batch;
};
