/**
 * The historic job log (Camunda's ACT_HI_JOB_LOG): one entry per event of a job of an instance,
 * written in the instance's own transaction, from the jobs as the states before and after an
 * operation hold them, and the operation's job events. A job that appears is created; one the
 * operation ran (its jobExecuted event) succeeded; one whose run failed (its jobFailed event) failed,
 * with the retries it had before; one that vanished otherwise (its activity cancelled, its instance
 * deleted) was deleted.
 */
import type { EngineEvent } from '../engine/events.ts';
import { executionIdOf } from '../engine/execution-facade.ts';
import type { ActivityInstanceState, JobState, ProcessInstanceState } from '../engine/state.ts';
import type { IndexLayout } from './index-layout.ts';
import { timeKey } from './keys.ts';
import type { Item } from './projections.ts';
import { instanceFieldsOf } from './state-walk.ts';
import { logEntryItem, logEntryOf, type LogKind, logKeysOf } from './log-entries.ts';

export const jobLogKeys = logKeysOf('HJL');

export type JobLogKind = LogKind;

/** What a historic job log entry shows (Camunda's HistoricJobLogDto, without derived fields). */
export interface JobLogRecord {
  id: string;
  kind: JobLogKind;
  timestamp: number;
  /** The entry's place among the operation's entries (Camunda's sequence counter, for `occurrence`). */
  occurrence: string;
  jobId: string;
  jobKind: JobState['kind'];
  jobDueDate: number | null;
  jobRetries: number;
  jobPriority: number;
  jobExceptionMessage: string | null;
  activityId: string;
  executionId: string;
  processInstanceId: string;
  rootProcessInstanceId: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  tenantId: string | null;
}

interface JobAt {
  owner: ActivityInstanceState;
  job: JobState;
}

function jobsOf(state: ProcessInstanceState | undefined): Map<string, JobAt> {
  const jobs = new Map<string, JobAt>();
  if (!state) return jobs;
  const stack = [state.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const job of node.jobs ?? []) jobs.set(job.id, { owner: node, job });
    for (const child of node.children ?? []) stack.push(child);
  }
  return jobs;
}

/** The entries an operation adds to the job log, in the order: deletions and successes, failures, creations. */
export function jobLogItems(events: readonly EngineEvent[], before: ProcessInstanceState | undefined, after: ProcessInstanceState, layout: IndexLayout, now: number, newId: () => string): Item[] {
  const previous = jobsOf(before);
  const current = jobsOf(after);
  if (previous.size === 0 && current.size === 0) return [];
  const executed = new Set(events.flatMap((event) => (event.type === 'jobExecuted' ? [event.jobId] : [])));
  const failed = new Map(events.flatMap((event) => (event.type === 'jobFailed' ? [[event.jobId, event] as const] : [])));
  const entries: { kind: JobLogKind; at: JobAt; state: ProcessInstanceState }[] = [];
  for (const [id, at] of previous) {
    if (executed.has(id)) entries.push({ kind: 'success', at, state: before! });
    else if (!current.has(id)) entries.push({ kind: 'deletion', at, state: before! });
  }
  for (const [id, at] of current) {
    const old = previous.get(id);
    // The run failed (its jobFailed event): logged with the retries it had before, as Camunda's FailedJobListener does.
    const failure = failed.get(id);
    if (failure) entries.push({ kind: 'failure', at: { ...at, job: { ...at.job, retries: failure.retries, exceptionMessage: failure.message } }, state: after });
    // A timer cycle's next run keeps its job: created again once it ran.
    if (!old || executed.has(id)) entries.push({ kind: 'creation', at, state: after });
  }
  return entries.map(({ kind, at, state }, index) => {
    const { job, owner } = at;
    const record: JobLogRecord = {
      id: newId(),
      kind,
      timestamp: now,
      occurrence: `${timeKey(now)}#${String(index).padStart(4, '0')}`,
      jobId: job.id,
      jobKind: job.kind,
      jobDueDate: job.dueDate ?? null,
      jobRetries: job.retries,
      jobPriority: job.priority ?? 0,
      jobExceptionMessage: kind === 'failure' ? (job.exceptionMessage ?? null) : null,
      activityId: job.activityId,
      executionId: executionIdOf(owner, state.id),
      ...instanceFieldsOf(state),
    };
    return logEntryItem(jobLogKeys, 'jobLog', record, layout);
  });
}

export function jobLogOf(item: Item): JobLogRecord {
  return logEntryOf<JobLogRecord>(item);
}
