import type { ModificationInstruction } from '../engine/modification/instructions.ts';
import type { StartInstruction } from '../engine/modification/instantiate.ts';
import type { Variables } from '../engine/state.ts';

/** Camunda's batch type for process instance modification. */
export const INSTANCE_MODIFICATION = 'instance-modification';
/** Camunda's batch type for deleting process instances (POST /process-instance/delete). */
export const INSTANCE_DELETION = 'instance-deletion';

/** How a deletion batch deletes each instance (Camunda's DeleteProcessInstancesDto). */
export interface InstanceDeletion {
  deleteReason: string | null;
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
  skipSubprocesses: boolean;
}

/** Camunda's batch types of the other operations (POST /process-instance/suspended-async, …/job-retries, …/variables-async). */
export const INSTANCE_SUSPENSION = 'instance-update-suspension-state';
export const SET_JOB_RETRIES = 'set-job-retries';
export const SET_VARIABLES = 'set-variables';
/** … and of POST /external-task/retries-async and POST /history/process-instance/delete. */
export const SET_EXTERNAL_TASK_RETRIES = 'set-external-task-retries';
export const HISTORIC_INSTANCE_DELETION = 'historic-instance-deletion';
/** An extension's (POST /modification/validate over many instances): a dry run, nothing written. */
export const MODIFICATION_VALIDATION = 'instance-modification-validation';
/** … and of POST /process-definition/{id}/restart-async. */
export const INSTANCE_RESTART = 'instance-restart';

/** How a restart batch starts each ended instance again (Camunda's RestartProcessInstancesBatchConfiguration). */
export interface InstanceRestart {
  processDefinitionId: string;
  instructions: StartInstruction[];
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
  withoutBusinessKey: boolean;
  initialVariables: boolean;
}

/** A set-job-retries batch's change to each job (Camunda's SetJobRetriesBatchConfiguration). */
export interface JobRetriesChange {
  retries: number;
  /** The new due date (null: due at once), applied only when `dueDateSet`. */
  dueDate: number | null;
  dueDateSet: boolean;
}

/**
 * What a batch does to each of its elements besides modifying an instance: exactly one of these.
 * The elements are process instance ids, except for `jobRetries` (job ids, as Camunda's
 * set-job-retries batch collects the jobs of the instances when it is created),
 * `externalTaskRetries` (external task ids), `historyDeletion` and `restart` (historic process
 * instance ids).
 */
export type InstanceOperation =
  | { deletion: InstanceDeletion }
  | { suspension: { suspended: boolean } }
  | { jobRetries: JobRetriesChange }
  /** Set on each instance's own scope, as Camunda's SetExecutionVariablesCmd. */
  | { variables: Variables }
  | { externalTaskRetries: { retries: number } }
  /** A finished instance's history goes; one that is gone is passed by (Camunda's failIfNotExists false). */
  | { historyDeletion: { deleteReason: string | null } }
  /** An ended instance starts again as a new one (its history stays). */
  | { restart: InstanceRestart }
  /** The modification is applied in memory only; an instance it cannot take is reported (an extension). */
  | { validation: Omit<ModificationBatchConfiguration, 'processInstanceIds' | 'skipEndedInstances'> };

/** A batch of one of those operations, as requested: its elements (see above), and the operation. */
export type InstanceOperationBatchConfiguration = { processInstanceIds: string[] } & InstanceOperation;

/** A modification batch as requested: the instances, and what to apply to each. */
export interface ModificationBatchConfiguration {
  processDefinitionId: string;
  processInstanceIds: string[];
  instructions: ModificationInstruction[];
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
  /**
   * An extension (docs/api.md): an instance that ended before its job ran is passed by, counted
   * and reported as skipped, instead of failing its job.
   */
  skipEndedInstances?: boolean;
}

/**
 * What an execution job applies to each of its process instances. The instance ids are not part of
 * it: a large batch stores them in chunks of their own (`targetChunks`), read by the seed runs only,
 * so the batch item every execution run reads stays small whatever the batch size (DynamoDB items
 * end at 400 KB). A small batch keeps them on the batch (`targetIds`), one item less to write.
 */
export type BatchModification = Omit<ModificationBatchConfiguration, 'processInstanceIds'>;

/** What a batch's execution jobs do to each instance: modify it, or one of the other operations. */
export type BatchOperation = BatchModification | InstanceOperation;

export const isModification = (configuration: BatchOperation): configuration is BatchModification => 'instructions' in configuration;

/** Camunda's type name of a batch's operation. */
export function batchTypeOf(configuration: BatchOperation): string {
  if (isModification(configuration)) return INSTANCE_MODIFICATION;
  if ('deletion' in configuration) return INSTANCE_DELETION;
  if ('suspension' in configuration) return INSTANCE_SUSPENSION;
  if ('jobRetries' in configuration) return SET_JOB_RETRIES;
  if ('externalTaskRetries' in configuration) return SET_EXTERNAL_TASK_RETRIES;
  if ('historyDeletion' in configuration) return HISTORIC_INSTANCE_DELETION;
  if ('restart' in configuration) return INSTANCE_RESTART;
  if ('validation' in configuration) return MODIFICATION_VALIDATION;
  return SET_VARIABLES;
}

/** Instance ids per stored chunk: about 40 KB. */
export const TARGET_CHUNK_SIZE = 1000;

/** Up to this many instance ids (about 4 KB) stay on the batch item itself. */
export const INLINE_TARGET_LIMIT = 100;

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
  configuration: BatchOperation;
  /** How many process instance ids the batch targets. */
  targetCount: number;
  /** The ids themselves when there are at most INLINE_TARGET_LIMIT; otherwise stored in chunks of TARGET_CHUNK_SIZE. */
  targetIds?: string[];
  /**
   * Jobs counted as completed by the execution runs (absent until the first). A lower bound (a run
   * that stops between its jobs and this count loses its share), so only a trigger for the monitor;
   * statistics come from the jobs themselves.
   */
  jobsCompleted?: number;
  /** An extension: the batch has (or had) a rate limit, so its executions claim a slot per element (docs/api.md). */
  rateLimited?: boolean;
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
  configuration: ModificationBatchConfiguration | InstanceOperationBatchConfiguration;
  tenantId: string | null;
  createUserId: string | null;
  now: number;
  settings: BatchSettings;
  /** Single-instance async modification always has exactly one job, whatever invocationsPerBatchJob says. */
  singleInstance: boolean;
}

export function createBatch(input: NewBatchInput): Batch {
  const { processInstanceIds, ...configuration } = input.configuration;
  const ids = processInstanceIds.length;
  const invocations = Math.max(1, input.settings.invocationsPerBatchJob);
  return {
    id: input.id,
    type: batchTypeOf(configuration),
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
    configuration,
    targetCount: ids,
    ...(ids <= INLINE_TARGET_LIMIT ? { targetIds: processInstanceIds } : {}),
  };
}

/** The instance ids cut into the chunks they are stored in. */
export function targetChunks(processInstanceIds: readonly string[]): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < processInstanceIds.length; i += TARGET_CHUNK_SIZE) chunks.push(processInstanceIds.slice(i, i + TARGET_CHUNK_SIZE));
  return chunks;
}

/** Some consecutive instance ids of a batch: `ids[0]` is the id at position `offset`. */
export interface TargetWindow {
  offset: number;
  ids: readonly string[];
}

/** The chunk numbers a seed run needs: those holding the ids of its jobs (none if the batch holds them). */
export function seedChunkNumbers(batch: Batch): number[] {
  const { first, end } = seedJobRange(batch);
  if (end <= first || batch.targetIds) return [];
  const from = Math.floor((first * batch.invocationsPerBatchJob) / TARGET_CHUNK_SIZE);
  const to = Math.floor((Math.min(batch.targetCount, end * batch.invocationsPerBatchJob) - 1) / TARGET_CHUNK_SIZE);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function seedJobRange(batch: Batch): { first: number; end: number } {
  return { first: batch.jobsCreated, end: Math.min(batch.totalJobs, batch.jobsCreated + batch.batchJobsPerSeed) };
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

/**
 * The jobs one seed run creates: the next `batchJobsPerSeed` chunks of `invocationsPerBatchJob` ids,
 * taken from `targets`, which must cover them (the chunks `seedChunkNumbers` names).
 */
export function planSeed(batch: Batch, targets: TargetWindow, now: number, defaultRetries: number): { jobs: BatchJob[]; jobsCreated: number; more: boolean } {
  const { first, end } = seedJobRange(batch);
  const jobs: BatchJob[] = [];
  for (let index = first; index < end; index++) {
    const from = index * batch.invocationsPerBatchJob;
    const to = Math.min(batch.targetCount, from + batch.invocationsPerBatchJob);
    if (from < targets.offset || to - targets.offset > targets.ids.length) throw new Error(`ids ${from}..${to} of batch '${batch.id}' were not loaded`);
    jobs.push({
      id: batchJobId(batch.id, index),
      batchId: batch.id,
      index,
      processInstanceIds: targets.ids.slice(from - targets.offset, to - targets.offset),
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
  /**
   * Extensions (docs/api.md): the batch's elements done (for a validation batch: found valid),
   * passed by as ended, and failing now (or found invalid).
   */
  instancesModified: number;
  instancesSkipped: number;
  instancesFailed: number;
}

/** What the statistics need of the batch's failure report. */
export interface OutcomeCounts {
  failed: number;
  /** Instances a validation batch found the modification would fail on (done, but not valid). */
  invalid: number;
  skipped: number;
}

/** Camunda's statistics: remaining = existing jobs + not yet created; failed = existing with 0 retries. */
export function batchStatistics(batch: Batch, existingJobs: readonly Pick<BatchJob, 'retries' | 'index' | 'done'>[], outcomes: OutcomeCounts = { failed: 0, invalid: 0, skipped: 0 }): BatchStatistics {
  const remainingJobs = existingJobs.length + (batch.totalJobs - batch.jobsCreated);
  // A job is deleted once all its elements are done: the created jobs that are gone were done whole.
  const existing = new Set(existingJobs.map((job) => job.index));
  let processed = existingJobs.reduce((sum, job) => sum + job.done.length, 0);
  for (let index = 0; index < batch.jobsCreated; index++) {
    if (!existing.has(index)) processed += Math.min(batch.invocationsPerBatchJob, batch.targetCount - index * batch.invocationsPerBatchJob);
  }
  return {
    remainingJobs,
    completedJobs: batch.totalJobs - remainingJobs,
    failedJobs: existingJobs.filter((j) => j.retries === 0).length,
    instancesModified: Math.max(0, processed - outcomes.skipped - outcomes.invalid),
    instancesSkipped: outcomes.skipped,
    instancesFailed: outcomes.failed + outcomes.invalid,
  };
}

/** A batch is complete once every job was created and none is left (a failed job keeps it open). */
export function isBatchComplete(batch: Batch, existingJobs: number): boolean {
  return batch.jobsCreated >= batch.totalJobs && existingJobs === 0;
}
