import type { AuthContext } from '../auth/auth-context.ts';
import { type Batch, type BatchStatistics, batchStatistics, SET_EXTERNAL_TASK_RETRIES, SET_JOB_RETRIES } from '../batch/batch.ts';
import type { BatchElementOutcome } from '../store/batch-outcomes.ts';
import { canSeeBatch, filterAllowed } from './access.ts';
import type { AppContext } from './app-context.ts';
import { CATEGORY, type LoggedChange, logOperation, type PropertyChange, suspensionChange } from './operation-log.ts';
import { checkedRateLimit, notFoundRequest, RequestError } from './errors.ts';
import { type Paging, pageOf, type Sorting, sortItems } from './result-page.ts';

/** The filters every batch query takes (Camunda's BatchQuery). */
export interface BatchFilter {
  batchId?: string;
  type?: string;
  tenantIdIn?: string[];
  withoutTenantId?: boolean;
  suspended?: boolean;
}

/** The statistics query's further filters (Camunda's BatchStatisticsQuery). */
export interface BatchStatisticsFilter extends BatchFilter {
  createdBy?: string;
  startedBefore?: number;
  startedAfter?: number;
  withFailures?: boolean;
  withoutFailures?: boolean;
}

export interface BatchWithStatistics {
  batch: Batch;
  stats: BatchStatistics;
}

export const BATCH_SORT_KEYS = ['batchId', 'tenantId'] as const;
export const BATCH_STATISTICS_SORT_KEYS = ['batchId', 'tenantId', 'startTime'] as const;

function matches(filter: BatchFilter): (b: Batch) => boolean {
  const { batchId, type, tenantIdIn: tenants, withoutTenantId, suspended } = filter;
  return (b) =>
    (batchId === undefined || b.id === batchId) &&
    (type === undefined || b.type === type) &&
    (tenants === undefined || (b.tenantId !== null && tenants.includes(b.tenantId))) &&
    (!withoutTenantId || b.tenantId === null) &&
    (suspended === undefined || b.suspended === suspended);
}

async function matchingBatches(app: AppContext, caller: AuthContext, filter: BatchFilter): Promise<Batch[]> {
  return filterAllowed((await app.batches.repository.list()).filter(matches(filter)), (b) => canSeeBatch(caller, b));
}

/** The batches the caller may READ that match the filter, sorted and paged. */
export async function queryBatches(app: AppContext, caller: AuthContext, input: BatchFilter & Paging & { sort?: Sorting }): Promise<Batch[]> {
  return pageOf(
    sortItems(await matchingBatches(app, caller, input), input.sort, (b, by) => (by === 'batchId' ? b.id : b.tenantId)),
    input,
  );
}

export async function countBatches(app: AppContext, caller: AuthContext, input: BatchFilter): Promise<number> {
  return (await matchingBatches(app, caller, input)).length;
}

async function matchingStatistics(app: AppContext, caller: AuthContext, filter: BatchStatisticsFilter): Promise<BatchWithStatistics[]> {
  const { createdBy, startedBefore, startedAfter, withFailures, withoutFailures } = filter;
  const base = matches(filter);
  const listed = await filterAllowed(await app.batches.repository.list(), (b) => canSeeBatch(caller, b));
  const batches = listed.filter(
    (b) =>
      base(b) &&
      (createdBy === undefined || b.createUserId === createdBy) &&
      (startedBefore === undefined || b.startTime <= startedBefore) &&
      (startedAfter === undefined || b.startTime >= startedAfter),
  );
  const withStats = await Promise.all(batches.map((b) => consistentStatistics(app, b)));
  return withStats.filter(({ stats }) => (!withFailures || stats.failedJobs > 0) && (!withoutFailures || stats.failedJobs === 0));
}

/** Reads of a batch's jobs that a seed run may interleave with before the statistics give up waiting for a quiet moment. */
const STATISTICS_READS = 5;

/**
 * A batch's statistics from one consistent view: its jobs and its `jobsCreated`. A seed run writes
 * new jobs and the counter in one transaction, but the jobs are a query and the batch a separate
 * read, so a seed committing between the two was counted twice (negative completedJobs, issue #19).
 * The batch is read again after the jobs: an unchanged counter means no seed committed meanwhile.
 * Completions only remove jobs, which can never make the figures inconsistent.
 */
async function consistentStatistics(app: AppContext, listed: Batch): Promise<BatchWithStatistics> {
  let batch = listed;
  for (let read = 1; ; read++) {
    const jobs = await app.batches.repository.jobs(batch.id);
    const again = await app.batches.repository.get(batch.id);
    if (!again || again.jobsCreated === batch.jobsCreated || read === STATISTICS_READS) {
      const stats = batchStatistics(again ?? batch, jobs, await app.batches.repository.outcomes.counts(batch.id));
      return { batch: again ?? batch, stats: again && again.jobsCreated !== batch.jobsCreated ? clamp(stats, batch.totalJobs) : stats };
    }
    batch = again;
  }
}

/** Only when seeding never paused over STATISTICS_READS reads: figures kept within 0..totalJobs. */
function clamp(stats: BatchStatistics, total: number): BatchStatistics {
  const remainingJobs = Math.min(total, Math.max(0, stats.remainingJobs));
  return { ...stats, remainingJobs, completedJobs: total - remainingJobs };
}

/** The readable batches with their job statistics, sorted and paged. */
export async function queryBatchStatistics(app: AppContext, caller: AuthContext, input: BatchStatisticsFilter & Paging & { sort?: Sorting }): Promise<BatchWithStatistics[]> {
  const sorted = sortItems(await matchingStatistics(app, caller, input), input.sort, ({ batch }, by) => (by === 'batchId' ? batch.id : by === 'tenantId' ? batch.tenantId : batch.startTime));
  return pageOf(sorted, input);
}

export async function countBatchStatistics(app: AppContext, caller: AuthContext, input: BatchStatisticsFilter): Promise<number> {
  return (await matchingStatistics(app, caller, input)).length;
}

/** One batch: read through the authorization-filtered query, so an unreadable batch is a 404 (reference §1.9). */
export async function getBatch(app: AppContext, caller: AuthContext, input: { id: string }): Promise<Batch> {
  const batch = await app.batches.repository.get(input.id);
  if (!batch || !(await canSeeBatch(caller, batch))) throw notFoundRequest(`Batch with id '${input.id}' does not exist`);
  return batch;
}

/** Suspends or activates a batch (UPDATE on Batch). */
export async function setBatchSuspended(app: AppContext, caller: AuthContext, input: { id: string; suspended: boolean }): Promise<void> {
  const batch = await app.batches.repository.get(input.id);
  if (!batch || !caller.canSeeTenant(batch.tenantId)) throw new RequestError(400, `Unable to ${input.suspended ? 'suspend' : 'activate'} batch with id '${input.id}'`, 'InvalidRequestException', 0);
  await caller.require({ permission: 'UPDATE', resource: 'Batch', resourceId: batch.id });
  await app.batches.setSuspended(batch.id, input.suspended);
  await logOperation(app, caller, batchOperation(batch, input.suspended ? 'SuspendBatch' : 'ActivateBatch', suspensionChange(input.suspended)));
}

/** Deletes a batch and its jobs, with its history on cascade (DELETE on Batch). */
export async function deleteBatch(app: AppContext, caller: AuthContext, input: { id: string; cascade: boolean }): Promise<void> {
  const batch = await app.batches.repository.get(input.id);
  if (!batch || !caller.canSeeTenant(batch.tenantId)) throw new RequestError(400, `Unable to delete batch with id '${input.id}'`, 'InvalidRequestException', 0);
  await caller.require({ permission: 'DELETE', resource: 'Batch', resourceId: batch.id });
  await app.batches.repository.remove(batch, app.engine.env.now(), input.cascade);
  // Its failure report goes with its history.
  if (input.cascade) await app.batches.repository.outcomes.deleteOf(batch.id);
  await logOperation(app, caller, batchOperation(batch, 'Delete', { property: 'cascadeToHistory', newValue: input.cascade }));
}

/** An operation on a batch: Camunda names only the batch and its tenant. */
function batchOperation(batch: Batch, operationType: string, change: PropertyChange): LoggedChange {
  return { operationType, entityType: 'Batch', category: CATEGORY.operator, context: { batchId: batch.id, tenantId: batch.tenantId }, changes: [change] };
}

/** An element of a batch that failed or was skipped (docs/api.md, "Batch failure report"). */
export type BatchElementReport = BatchElementOutcome & { elementsAreInstances: boolean };

/**
 * GET /batch/{id}/failures and /history/batch/{id}/failures (extensions): the batch's elements that
 * failed (their latest failure, while it stands) and those skipped as ended, in element order,
 * paged. READ on the batch, or READ_HISTORY on it for the historic form; an unknown or unreadable
 * batch is the 404 of GET /batch/{id}.
 */
export async function batchFailures(app: AppContext, caller: AuthContext, input: { id: string; historic: boolean } & Paging): Promise<BatchElementReport[]> {
  const { repository } = app.batches;
  const batch = input.historic ? await repository.getHistoric(input.id) : await repository.get(input.id);
  if (!batch || !(await canSeeBatch(caller, batch, input.historic ? 'READ_HISTORY' : 'READ'))) {
    throw notFoundRequest(`${input.historic ? 'Historic batch' : 'Batch'} with id '${input.id}' does not exist`);
  }
  const elementsAreInstances = ![SET_JOB_RETRIES, SET_EXTERNAL_TASK_RETRIES].includes(batch.type);
  return pageOf(
    (await repository.outcomes.list(batch.id)).map((outcome) => ({ ...outcome, elementsAreInstances })),
    input,
  );
}

/**
 * PUT /batch/{id}/rate-limit (an extension): sets (or with null lifts) the batch's rate limit while
 * it runs; UPDATE on the batch. Executions see a new limit at their next element, a first limit
 * from their next run.
 */
export async function setBatchRateLimit(app: AppContext, caller: AuthContext, input: { id: string; maxInstancesPerSecond: number | null }): Promise<void> {
  const limit = input.maxInstancesPerSecond === null ? null : checkedRateLimit(input.maxInstancesPerSecond);
  const batch = await app.batches.repository.get(input.id);
  if (!batch || !(await canSeeBatch(caller, batch))) throw notFoundRequest(`Batch with id '${input.id}' does not exist`);
  await caller.require({ permission: 'UPDATE', resource: 'Batch', resourceId: batch.id });
  await app.batches.repository.rateLimits.set(batch.id, limit, app.engine.env.now());
  if (limit !== null && !batch.rateLimited && !(await app.batches.repository.markRateLimited(batch.id))) {
    // The batch ended meanwhile: its limit goes with it.
    await app.batches.repository.rateLimits.set(batch.id, null, app.engine.env.now());
    throw notFoundRequest(`Batch with id '${input.id}' does not exist`);
  }
}

/** GET /batch/{id}/rate-limit (an extension): the batch's limit now, null when it has none; READ on the batch. */
export async function getBatchRateLimit(app: AppContext, caller: AuthContext, input: { id: string }): Promise<number | null> {
  const batch = await getBatch(app, caller, input);
  return batch.rateLimited ? ((await app.batches.repository.rateLimits.limit(batch.id)) ?? null) : null;
}
