/**
 * Camunda's process definition statistics (GET /process-definition/statistics) and activity
 * statistics (GET /process-definition/{id}/statistics): running instances, failed jobs and
 * incidents, per definition or per activity. They read every running instance, job and incident
 * item of the scope they count: fine for an operator's dashboard, not for a hot path.
 */
import { AuthContext } from '../auth/auth-context.ts';
import { nullValue } from '../engine/errors.ts';
import { countActiveTokens } from '../engine/activity-statistics.ts';
import { filterAllowed, mayInstanceItem, requireDefinition } from './access.ts';
import type { AppContext } from './app-context.ts';
import { getProcessDefinition, queryProcessDefinitions, type DefinitionRef } from './process-definitions.ts';
import { findProcessInstances } from './process-instances.ts';
import type { DefinitionRecord, QueryItem } from './read-models.ts';

export interface StatisticsOptions {
  failedJobs?: boolean;
  incidents?: boolean;
  incidentsForType?: string;
  /** Only incidents that are their own root cause (not the copies a caller's call activity holds). */
  rootIncidents?: boolean;
}

export interface IncidentCount {
  incidentType: string;
  incidentCount: number;
}

export interface DefinitionStatistics {
  definition: DefinitionRecord;
  instances: number;
  failedJobs: number;
  incidents: IncidentCount[];
}

export interface ActivityStatistics {
  activityId: string;
  instances: number;
  failedJobs: number;
  incidents: IncidentCount[];
}

const wantsIncidents = (options: StatisticsOptions) => options.incidents === true || options.incidentsForType !== undefined || options.rootIncidents === true;

/** The incident items the options count (by type, only root causes). */
function countedIncidents(items: readonly QueryItem[], options: StatisticsOptions): QueryItem[] {
  return items.filter(
    (item) =>
      (options.incidentsForType === undefined || item.incidentType === options.incidentsForType) &&
      (options.rootIncidents !== true || item.causeIncidentId === null || item.causeIncidentId === undefined),
  );
}

function groupIncidents(items: readonly QueryItem[]): IncidentCount[] {
  const byType = new Map<string, number>();
  for (const item of items) byType.set(item.incidentType as string, (byType.get(item.incidentType as string) ?? 0) + 1);
  return [...byType.entries()].map(([incidentType, incidentCount]) => ({ incidentType, incidentCount }));
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/**
 * Every version of every definition the caller may READ, ordered by id, with its running instances
 * and (when asked) failed jobs and incidents. As in Camunda, the counts are the definition's, not
 * filtered by the caller's permissions on each instance.
 */
export async function definitionStatistics(app: AppContext, caller: AuthContext, options: StatisticsOptions): Promise<DefinitionStatistics[]> {
  const definitions = (await queryProcessDefinitions(app, caller, {})).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const instances = countBy(await findProcessInstances(app, AuthContext.anonymous(), {}), (instance) => instance.definitionId);
  const items = app.engine.deps.items;
  const failed = options.failedJobs
    ? countBy(
        (await items.jobs()).filter((job) => job.retries === 0),
        (job) => job.processDefinitionId as string,
      )
    : new Map<string, number>();
  const incidents = wantsIncidents(options) ? countedIncidents(await items.incidents(), options) : [];
  return definitions.map((definition) => ({
    definition,
    instances: instances.get(definition.id) ?? 0,
    failedJobs: failed.get(definition.id) ?? 0,
    incidents: groupIncidents(incidents.filter((incident) => incident.processDefinitionId === definition.id)),
  }));
}

/**
 * The activities of one definition with running tokens (and, when asked, those with failed jobs or
 * incidents only). READ on the definition; the instances counted are those the caller may read. An
 * unknown id is an empty list without authentication and Camunda's NullValueException with it.
 */
export async function activityStatistics(app: AppContext, caller: AuthContext, ref: DefinitionRef, options: StatisticsOptions): Promise<ActivityStatistics[]> {
  let definition: DefinitionRecord;
  if ('id' in ref) {
    const found = await app.engine.definition(ref.id);
    if (!found) {
      if (!caller.enabled) return [];
      throw nullValue(`no deployed process definition found with id '${ref.id}': processDefinition is null`);
    }
    await requireDefinition(caller, found, 'READ');
    definition = found;
  } else {
    definition = await getProcessDefinition(app, caller, ref);
  }
  const instances = new Map<string, number>();
  for (const listing of await findProcessInstances(app, caller, { processDefinitionId: definition.id })) {
    const loaded = await app.engine.load(listing.id);
    if (loaded && loaded.stored.state.status === 'ACTIVE') countActiveTokens(loaded.stored.state, loaded.model, instances);
  }
  const items = app.engine.deps.items;
  const ofDefinition = async (list: QueryItem[]) =>
    filterAllowed(
      list.filter((item) => item.processDefinitionId === definition.id),
      (item) => (item.processInstanceId ? mayInstanceItem(caller, item, 'READ') : Promise.resolve(true)),
    );
  const failed = options.failedJobs
    ? countBy(
        (await ofDefinition(await items.jobs())).filter((job) => job.retries === 0),
        (job) => job.activityId as string,
      )
    : new Map<string, number>();
  const incidents = wantsIncidents(options) ? countedIncidents(await ofDefinition(await items.incidents()), options) : [];
  const activityIds = new Set([...instances.keys(), ...failed.keys(), ...incidents.map((incident) => incident.activityId as string)]);
  return [...activityIds].sort().map((activityId) => ({
    activityId,
    instances: instances.get(activityId) ?? 0,
    failedJobs: failed.get(activityId) ?? 0,
    incidents: groupIncidents(incidents.filter((incident) => incident.activityId === activityId)),
  }));
}
