import type { ModificationInstruction } from '../engine/modification/instructions.ts';

/** Camunda's batch type for process instance modification. */
export const INSTANCE_MODIFICATION = 'instance-modification';

/** What an execution job applies to each of its process instances. */
export interface ModificationBatchConfiguration {
  processDefinitionId: string;
  processInstanceIds: string[];
  instructions: ModificationInstruction[];
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
}

/** The runtime batch, as stored (and as BatchDto shows it). */
export interface Batch {
  id: string;
  type: string;
  totalJobs: number;
  jobsCreated: number;
  batchJobsPerSeed: number;
  invocationsPerBatchJob: number;
  seedJobDefinitionId: string;
  monitorJobDefinitionId: string;
  batchJobDefinitionId: string;
  suspended: boolean;
  tenantId: string | null;
  createUserId: string | null;
  startTime: number;
  executionStartTime: number | null;
  configuration: ModificationBatchConfiguration;
}

/** The historic batch: a copy at creation, executionStartTime and endTime filled in later. */
export interface HistoricBatch {
  id: string;
  type: string;
  totalJobs: number;
  batchJobsPerSeed: number;
  invocationsPerBatchJob: number;
  seedJobDefinitionId: string;
  monitorJobDefinitionId: string;
  batchJobDefinitionId: string;
  tenantId: string | null;
  createUserId: string | null;
  startTime: number;
  endTime: number | null;
  executionStartTime: number | null;
}

/** One execution job: the instances it modifies; `done` records instances already modified. */
export interface BatchJob {
  id: string;
  batchId: string;
  index: number;
  processInstanceIds: string[];
  done: string[];
  retries: number;
  exceptionMessage: string | null;
  created: number;
  tenantId: string | null;
}

export interface BatchSettings {
  batchJobsPerSeed: number;
  invocationsPerBatchJob: number;
}

export interface NewBatchInput {
  id: string;
  jobDefinitionIds: [seed: string, monitor: string, execution: string];
  configuration: ModificationBatchConfiguration;
  tenantId: string | null;
  createUserId: string | null;
  now: number;
  settings: BatchSettings;
  /** Single-instance async modification always has exactly one job, whatever invocationsPerBatchJob says. */
  singleInstance: boolean;
}

export function createBatch(input: NewBatchInput): Batch {
  const ids = input.configuration.processInstanceIds.length;
  const invocations = Math.max(1, input.settings.invocationsPerBatchJob);
  return {
    id: input.id,
    type: INSTANCE_MODIFICATION,
    totalJobs: input.singleInstance ? 1 : Math.ceil(ids / invocations),
    jobsCreated: 0,
    batchJobsPerSeed: input.settings.batchJobsPerSeed,
    invocationsPerBatchJob: invocations,
    seedJobDefinitionId: input.jobDefinitionIds[0],
    monitorJobDefinitionId: input.jobDefinitionIds[1],
    batchJobDefinitionId: input.jobDefinitionIds[2],
    suspended: false,
    tenantId: input.tenantId,
    createUserId: input.createUserId,
    startTime: input.now,
    executionStartTime: null,
    configuration: input.configuration,
  };
}

export function historicBatchOf(batch: Batch): HistoricBatch {
  return {
    id: batch.id,
    type: batch.type,
    totalJobs: batch.totalJobs,
    batchJobsPerSeed: batch.batchJobsPerSeed,
    invocationsPerBatchJob: batch.invocationsPerBatchJob,
    seedJobDefinitionId: batch.seedJobDefinitionId,
    monitorJobDefinitionId: batch.monitorJobDefinitionId,
    batchJobDefinitionId: batch.batchJobDefinitionId,
    tenantId: batch.tenantId,
    createUserId: batch.createUserId,
    startTime: batch.startTime,
    endTime: null,
    executionStartTime: batch.executionStartTime,
  };
}

/** Deterministic job ids: a redelivered seed message recreates the same ids, never duplicates. */
export function batchJobId(batchId: string, index: number): string {
  return `${batchId}-${String(index).padStart(6, '0')}`;
}

/** The jobs one seed run creates: the next `batchJobsPerSeed` chunks of `invocationsPerBatchJob` ids. */
export function planSeed(batch: Batch, now: number, defaultRetries: number): { jobs: BatchJob[]; jobsCreated: number; more: boolean } {
  const end = Math.min(batch.totalJobs, batch.jobsCreated + batch.batchJobsPerSeed);
  const ids = batch.configuration.processInstanceIds;
  const jobs: BatchJob[] = [];
  for (let index = batch.jobsCreated; index < end; index++) {
    jobs.push({
      id: batchJobId(batch.id, index),
      batchId: batch.id,
      index,
      processInstanceIds: ids.slice(index * batch.invocationsPerBatchJob, (index + 1) * batch.invocationsPerBatchJob),
      done: [],
      retries: defaultRetries,
      exceptionMessage: null,
      created: now,
      tenantId: batch.tenantId,
    });
  }
  return { jobs, jobsCreated: end, more: end < batch.totalJobs };
}

export interface BatchStatistics {
  remainingJobs: number;
  completedJobs: number;
  failedJobs: number;
}

/** Camunda's statistics: remaining = existing jobs + not yet created; failed = existing with 0 retries. */
export function batchStatistics(batch: Batch, existingJobs: readonly Pick<BatchJob, 'retries'>[]): BatchStatistics {
  const remainingJobs = existingJobs.length + (batch.totalJobs - batch.jobsCreated);
  return { remainingJobs, completedJobs: batch.totalJobs - remainingJobs, failedJobs: existingJobs.filter((j) => j.retries === 0).length };
}

/** A batch is complete once every job was created and none is left (a failed job keeps it open). */
export function isBatchComplete(batch: Batch, existingJobs: number): boolean {
  return batch.jobsCreated >= batch.totalJobs && existingJobs === 0;
}
