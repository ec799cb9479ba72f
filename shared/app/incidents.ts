import type { AuthContext } from '../auth/auth-context.ts';
import type { Batch, BatchJob } from '../batch/batch.ts';
import { canSeeBatch, filterAllowed, mayInstanceItem } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import type { QueryItem } from './read-models.ts';

/** An incident as the caller sees it: an instance's (its query item) or a failed batch execution job. */
export type IncidentView = { kind: 'instance'; item: QueryItem } | { kind: 'batch'; job: BatchJob; batch: Batch };

export interface IncidentQuery {
  processInstanceId?: string;
  incidentType?: string;
}

/** Failed batch execution jobs (retries 0) of batches the caller may read surface as failedJob incidents. */
async function batchIncidents(app: AppContext, caller: AuthContext): Promise<IncidentView[]> {
  const incidents: IncidentView[] = [];
  for (const batch of await filterAllowed(await app.batches.repository.list(), (b) => canSeeBatch(caller, b))) {
    for (const job of await app.batches.repository.jobs(batch.id)) if (job.retries === 0) incidents.push({ kind: 'batch', job, batch });
  }
  return incidents;
}

/** Incidents of instances the caller may read, then (unless filtered out) those of readable batches. */
export const queryIncidents: UseCase<IncidentQuery, IncidentView[]> = async (app, caller, { processInstanceId, incidentType }) => {
  const items = app.engine.deps.items;
  const listed = processInstanceId ? await items.incidentsOfInstance(processInstanceId) : await items.incidents({ incidentType });
  const readable = (await filterAllowed(listed, (item) => mayInstanceItem(caller, item, 'READ'))).filter((item) => !incidentType || item.incidentType === incidentType);
  const incidents: IncidentView[] = readable.map((item) => ({ kind: 'instance', item }));
  if (!processInstanceId && (!incidentType || incidentType === 'failedJob')) incidents.push(...(await batchIncidents(app, caller)));
  return incidents;
};

/** How many incidents, of instances and of batches, the caller may read; the count takes no filters. */
export const countIncidents: UseCase<Record<string, never>, number> = async (app, caller) => {
  const readable = await filterAllowed(await app.engine.deps.items.incidents(), (item) => mayInstanceItem(caller, item, 'READ'));
  return readable.length + (await batchIncidents(app, caller)).length;
};
