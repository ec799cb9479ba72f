/**
 * The historic job log (Camunda's HistoricJobLogQuery): what happened to each job of an instance
 * (created, failed, succeeded, deleted). Readable with READ on the historic process instance or
 * READ_HISTORY on its definition, within the caller's tenants.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { jobHandlerType } from '../engine/job-operations.ts';
import type { JobLogRecord } from '../store/job-log.ts';
import { mayReadHistory } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { ResourceNotFound } from './errors.ts';
import { jobDefinitionId } from './job-definitions.ts';
import { type Paging, pageOf } from './result-page.ts';
import { within } from '../query/filters.ts';
import { sortKeepingTies } from '../query/sort.ts';

/** A job log entry as shown: the record with its job definition and deployment. */
export interface JobLogView extends JobLogRecord {
  jobDefinitionId: string;
  jobDefinitionType: string;
  jobDefinitionConfiguration: string | null;
  deploymentId: string | null;
}

export interface JobLogFilter {
  logId?: string;
  jobId?: string;
  jobExceptionMessage?: string;
  jobDefinitionId?: string;
  jobDefinitionType?: string;
  jobDefinitionConfiguration?: string;
  activityIdIn?: readonly string[];
  failedActivityIdIn?: readonly string[];
  executionIdIn?: readonly string[];
  processInstanceId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  deploymentId?: string;
  tenantIdIn?: readonly string[];
  withoutTenantId?: boolean;
  /** No host names are recorded: a hostname filter matches nothing. */
  hostname?: string;
  jobPriorityLowerThanOrEquals?: number;
  jobPriorityHigherThanOrEquals?: number;
  creationLog?: boolean;
  failureLog?: boolean;
  successLog?: boolean;
  deletionLog?: boolean;
}

export const JOB_LOG_SORT_KEYS = [
  'timestamp',
  'jobId',
  'jobDefinitionId',
  'jobDueDate',
  'jobRetries',
  'jobPriority',
  'activityId',
  'executionId',
  'processInstanceId',
  'processDefinitionId',
  'processDefinitionKey',
  'deploymentId',
  'hostname',
  'occurrence',
  'tenantId',
] as const;
type SortKey = (typeof JOB_LOG_SORT_KEYS)[number];

function matches(view: JobLogView, filter: JobLogFilter): boolean {
  const equal = <K extends keyof JobLogView>(key: K, wanted: JobLogView[K] | undefined) => wanted === undefined || view[key] === wanted;
  return (
    equal('id', filter.logId) &&
    equal('jobId', filter.jobId) &&
    equal('jobExceptionMessage', filter.jobExceptionMessage) &&
    equal('jobDefinitionId', filter.jobDefinitionId) &&
    equal('jobDefinitionType', filter.jobDefinitionType) &&
    equal('jobDefinitionConfiguration', filter.jobDefinitionConfiguration) &&
    within(filter.activityIdIn, view.activityId) &&
    within(filter.failedActivityIdIn, view.kind === 'failure' ? view.activityId : null) &&
    within(filter.executionIdIn, view.executionId) &&
    equal('processInstanceId', filter.processInstanceId) &&
    equal('processDefinitionId', filter.processDefinitionId) &&
    equal('processDefinitionKey', filter.processDefinitionKey) &&
    equal('deploymentId', filter.deploymentId) &&
    (!filter.tenantIdIn?.length || within(filter.tenantIdIn, view.tenantId)) &&
    (!filter.withoutTenantId || view.tenantId === null) &&
    filter.hostname === undefined &&
    (filter.jobPriorityLowerThanOrEquals === undefined || view.jobPriority <= filter.jobPriorityLowerThanOrEquals) &&
    (filter.jobPriorityHigherThanOrEquals === undefined || view.jobPriority >= filter.jobPriorityHigherThanOrEquals) &&
    (!filter.creationLog || view.kind === 'creation') &&
    (!filter.failureLog || view.kind === 'failure') &&
    (!filter.successLog || view.kind === 'success') &&
    (!filter.deletionLog || view.kind === 'deletion')
  );
}

/** The view of a record: its job definition (derived, as the job definitions' ids are) and its definition's deployment. */
async function viewOf(app: AppContext, record: JobLogRecord): Promise<JobLogView> {
  const definition = await app.engine.definition(record.processDefinitionId);
  return {
    ...record,
    jobDefinitionId: jobDefinitionId(record.processDefinitionId, record.activityId, record.jobKind),
    jobDefinitionType: jobHandlerType({ kind: record.jobKind }),
    jobDefinitionConfiguration: record.jobKind === 'timer' ? null : record.jobKind,
    deploymentId: definition?.deploymentId ?? null,
  };
}

const readable = (caller: AuthContext, record: JobLogRecord) => mayReadHistory(caller, { id: record.processInstanceId, processDefinitionKey: record.processDefinitionKey, tenantId: record.tenantId });

async function find(app: AppContext, caller: AuthContext, filter: JobLogFilter): Promise<JobLogView[]> {
  const log = app.engine.deps.jobLog;
  const candidates = await log.candidates({ id: filter.logId, processInstanceId: filter.processInstanceId });
  const found: JobLogView[] = [];
  for await (const record of candidates) {
    const view = await viewOf(app, record);
    if (matches(view, filter) && (await readable(caller, record))) found.push(view);
  }
  return found;
}

function sortValue(view: JobLogView, by: SortKey): string | number | null {
  if (by === 'hostname') return null;
  return view[by];
}

/** GET/POST /history/job-log: sorted as asked (ties in the order the entries were written), else in that order. */
export const queryJobLog: UseCase<{ filter: JobLogFilter; sort?: { by: SortKey; descending: boolean } } & Paging, JobLogView[]> = async (app, caller, query) => {
  const found = await find(app, caller, query.filter);
  found.sort((a, b) => (a.occurrence < b.occurrence ? -1 : a.occurrence > b.occurrence ? 1 : 0));
  return pageOf(sortKeepingTies(found, query.sort, sortValue), query);
};

export const countJobLog: UseCase<JobLogFilter, number> = async (app, caller, filter) => (await find(app, caller, filter)).length;

/** GET /history/job-log/{id}: HistoricJobLogResourceImpl's 404 for an unknown or unreadable one. */
export const getJobLog: UseCase<{ id: string }, JobLogView> = async (app, caller, { id }) => {
  const record = await app.engine.deps.jobLog.get(id);
  if (!record || !(await readable(caller, record))) throw new ResourceNotFound(`Historic job log with id ${id} does not exist`);
  return viewOf(app, record);
};

/** GET /history/job-log/{id}/stacktrace: the failure's message (no stack traces here); undefined for an entry without one. */
export const getJobLogStacktrace: UseCase<{ id: string }, string | undefined> = async (app, caller, { id }) => {
  const record = await app.engine.deps.jobLog.get(id);
  if (!record || !(await readable(caller, record))) throw new ResourceNotFound(`No historic job log found with id ${id}: historicJobLog is null`);
  return record.jobExceptionMessage ?? undefined;
};
