import type { BatchElementReport } from '../app/batches.ts';
import type { Batch, BatchJob, BatchStatistics, HistoricBatch } from '../batch/batch.ts';
import { formatDate } from './dates.ts';

/** Camunda's BatchDto. */
export function batchDto(b: Batch) {
  return {
    id: b.id,
    type: b.type,
    totalJobs: b.totalJobs,
    jobsCreated: b.jobsCreated,
    batchJobsPerSeed: b.batchJobsPerSeed,
    invocationsPerBatchJob: b.invocationsPerBatchJob,
    seedJobDefinitionId: b.seedJobDefinitionId,
    monitorJobDefinitionId: b.monitorJobDefinitionId,
    batchJobDefinitionId: b.batchJobDefinitionId,
    suspended: b.suspended,
    tenantId: b.tenantId,
    createUserId: b.createUserId,
    startTime: formatDate(b.startTime),
    executionStartTime: formatDate(b.executionStartTime),
  };
}

export function batchStatisticsDto(b: Batch, statistics: BatchStatistics) {
  return { ...batchDto(b), ...statistics };
}

export function historicBatchDto(h: HistoricBatch) {
  return {
    id: h.id,
    type: h.type,
    totalJobs: h.totalJobs,
    batchJobsPerSeed: h.batchJobsPerSeed,
    invocationsPerBatchJob: h.invocationsPerBatchJob,
    seedJobDefinitionId: h.seedJobDefinitionId,
    monitorJobDefinitionId: h.monitorJobDefinitionId,
    batchJobDefinitionId: h.batchJobDefinitionId,
    tenantId: h.tenantId,
    createUserId: h.createUserId,
    startTime: formatDate(h.startTime),
    endTime: formatDate(h.endTime),
    removalTime: null,
    executionStartTime: formatDate(h.executionStartTime),
  };
}

/** A batch execution job as Camunda's JobDto: no process relation, the batch job definition. */
export function batchJobDto(job: BatchJob, batch: Pick<Batch, 'batchJobDefinitionId' | 'suspended'> | undefined) {
  return {
    id: job.id,
    jobDefinitionId: batch?.batchJobDefinitionId ?? null,
    dueDate: null,
    processInstanceId: null,
    executionId: null,
    processDefinitionId: null,
    processDefinitionKey: null,
    retries: job.retries,
    exceptionMessage: job.exceptionMessage,
    failedActivityId: null,
    suspended: batch?.suspended ?? false,
    priority: 0,
    tenantId: job.tenantId,
    createTime: formatDate(job.created),
    batchId: job.batchId,
  };
}

/** A batch job without retries is an incident (failedJob) without process relation, as in Camunda. */
export function batchJobIncidentDto(job: BatchJob, batch: Pick<Batch, 'batchJobDefinitionId'>) {
  return {
    id: `${job.id}-incident`,
    processDefinitionId: null,
    processInstanceId: null,
    executionId: null,
    incidentTimestamp: formatDate(job.created),
    incidentType: 'failedJob',
    activityId: null,
    failedActivityId: null,
    causeIncidentId: `${job.id}-incident`,
    rootCauseIncidentId: `${job.id}-incident`,
    configuration: job.id,
    tenantId: job.tenantId,
    incidentMessage: job.exceptionMessage,
    jobDefinitionId: batch.batchJobDefinitionId,
    annotation: null,
  };
}

/** An element of the batch failure report (an extension, docs/api.md). */
export function batchElementReportDto(report: BatchElementReport) {
  return {
    elementId: report.elementId,
    processInstanceId: report.elementsAreInstances ? report.elementId : null,
    outcome: report.outcome,
    jobId: report.jobId,
    exceptionMessage: report.message,
    time: formatDate(report.time),
    retriesLeft: report.retriesLeft,
  };
}
