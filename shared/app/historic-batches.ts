import type { AuthContext } from '../auth/auth-context.ts';
import type { HistoricBatch } from '../batch/batch.ts';
import { canSeeBatch, filterAllowed } from './access.ts';
import type { AppContext } from './app-context.ts';
import { notFoundRequest, RequestError } from './errors.ts';
import { type Paging, pageOf, type Sorting, sortItems } from './result-page.ts';

export const HISTORIC_BATCH_SORT_KEYS = ['batchId', 'startTime', 'endTime', 'tenantId'] as const;

/** Camunda's HistoricBatchQuery. */
export interface HistoricBatchFilter {
  batchId?: string;
  type?: string;
  completed?: boolean;
  tenantIdIn?: string[];
  withoutTenantId?: boolean;
}

/** The historic batches the caller may READ_HISTORY that match the filter. */
async function matchingHistoricBatches(app: AppContext, caller: AuthContext, filter: HistoricBatchFilter): Promise<HistoricBatch[]> {
  const { batchId, type, completed, tenantIdIn: tenants, withoutTenantId } = filter;
  const readable = await filterAllowed(await app.batches.repository.listHistoric(), (h) => canSeeBatch(caller, h, 'READ_HISTORY'));
  return readable.filter(
    (h) =>
      (batchId === undefined || h.id === batchId) &&
      (type === undefined || h.type === type) &&
      (completed === undefined || (h.endTime !== null) === completed) &&
      (tenants === undefined || (h.tenantId !== null && tenants.includes(h.tenantId))) &&
      (!withoutTenantId || h.tenantId === null),
  );
}

export async function queryHistoricBatches(app: AppContext, caller: AuthContext, input: HistoricBatchFilter & Paging & { sort?: Sorting }): Promise<HistoricBatch[]> {
  const sorted = sortItems(await matchingHistoricBatches(app, caller, input), input.sort, (h, by) =>
    by === 'batchId' ? h.id : by === 'tenantId' ? h.tenantId : by === 'startTime' ? h.startTime : h.endTime,
  );
  return pageOf(sorted, input);
}

export async function countHistoricBatches(app: AppContext, caller: AuthContext, input: HistoricBatchFilter): Promise<number> {
  return (await matchingHistoricBatches(app, caller, input)).length;
}

/** One historic batch; one the caller may not READ_HISTORY does not exist for them. */
export async function getHistoricBatch(app: AppContext, caller: AuthContext, input: { id: string }): Promise<HistoricBatch> {
  const historic = await app.batches.repository.getHistoric(input.id);
  if (!historic || !(await canSeeBatch(caller, historic, 'READ_HISTORY'))) throw notFoundRequest(`Historic batch with id '${input.id}' does not exist`);
  return historic;
}

/** Deletes a batch's history (DELETE_HISTORY on Batch). */
export async function deleteHistoricBatch(app: AppContext, caller: AuthContext, input: { id: string }): Promise<void> {
  const historic = await app.batches.repository.getHistoric(input.id);
  if (!historic || !caller.canSeeTenant(historic.tenantId)) throw new RequestError(400, `Unable to delete historic batch with id '${input.id}'`, 'InvalidRequestException', 0);
  await caller.require({ permission: 'DELETE_HISTORY', resource: 'Batch', resourceId: historic.id });
  await app.batches.repository.deleteHistoric(historic.id);
  await app.batches.repository.outcomes.deleteOf(historic.id);
}
