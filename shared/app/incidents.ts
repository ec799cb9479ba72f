import type { AuthContext } from '../auth/auth-context.ts';
import type { Batch, BatchJob } from '../batch/batch.ts';
import { resolveCustomIncident } from '../engine/executions.ts';
import { setIncidentAnnotation as setIncidentAnnotationOf } from '../engine/incident-operations.ts';
import { canSeeBatch, filterAllowed, mayInstanceItem, requireInstanceItem } from './access.ts';
import { invalidRequest, ResourceNotFound } from './errors.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { CATEGORY, instanceOperation, loggedWithInstance } from './operation-log.ts';
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

const noMatchingIncident = (id: string) => new ResourceNotFound(`No matching incident with id ${id}`);

/** Batch job incidents are named after their job (see shared/rest/batch-dto.ts). */
const BATCH_INCIDENT_SUFFIX = '-incident';

/**
 * One incident the caller may read. Camunda's IncidentResource looks it up with the authorized
 * query, so an unreadable incident is as missing as an unknown one.
 */
export const getIncident: UseCase<{ incidentId: string }, IncidentView> = async (app, caller, { incidentId }) => {
  const item = await app.engine.deps.items.getIncident(incidentId);
  if (item && (await mayInstanceItem(caller, item, 'READ'))) return { kind: 'instance', item };
  if (incidentId.endsWith(BATCH_INCIDENT_SUFFIX)) {
    const batchIncident = (await batchIncidents(app, caller)).find((view) => view.kind === 'batch' && `${view.job.id}${BATCH_INCIDENT_SUFFIX}` === incidentId);
    if (batchIncident) return batchIncident;
  }
  throw noMatchingIncident(incidentId);
};

/**
 * DELETE /incident/{id}: Camunda resolves only incidents of custom types (UPDATE on the instance);
 * a failed job or external task is resolved by giving it retries.
 */
export const resolveIncident: UseCase<{ incidentId: string }, void> = async (app, caller, { incidentId }) => {
  const view = await getIncident(app, caller, { incidentId });
  const type = view.kind === 'batch' ? 'failedJob' : (view.item.incidentType as string);
  if (view.kind === 'batch' || type === 'failedJob' || type === 'failedExternalTask') throw invalidRequest(`Cannot resolve an incident of type ${type}`);
  await requireInstanceItem(caller, view.item, 'UPDATE');
  await app.engine.update(
    view.item.processInstanceId as string,
    (state) => resolveCustomIncident(state, incidentId) ?? state,
    () => noMatchingIncident(incidentId),
    loggedWithInstance(app, caller, instanceOperation('Resolve', [{ property: 'incidentId', newValue: incidentId }])),
  );
};

/** PUT and DELETE /incident/{id}/annotation: UPDATE on the instance or UPDATE_INSTANCE on its definition. */
export const setIncidentAnnotation: UseCase<{ incidentId: string; annotation: string | null }, void> = async (app, caller, { incidentId, annotation }) => {
  const view = await getIncident(app, caller, { incidentId });
  if (view.kind === 'batch') throw invalidRequest(`Incident ${incidentId} of a batch job cannot be annotated`);
  await requireInstanceItem(caller, view.item, 'UPDATE');
  await app.engine.update(
    view.item.processInstanceId as string,
    (state) => setIncidentAnnotationOf(state, incidentId, annotation),
    () => noMatchingIncident(incidentId),
    // Camunda names only the incident's tenant in this entry.
    loggedWithInstance(app, caller, (before) => ({
      operationType: annotation === null ? 'ClearAnnotation' : 'SetAnnotation',
      entityType: 'Incident',
      category: CATEGORY.operator,
      context: { tenantId: before.tenantId ?? null },
      changes: [{ property: 'incidentId', newValue: incidentId }],
    })),
  );
};
