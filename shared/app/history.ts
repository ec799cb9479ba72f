import { deleteInstanceHistory } from '../service/history-deletion.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import { mayReadHistory } from './access.ts';
import type { AppContext } from './app-context.ts';
import { notFoundRequest } from './errors.ts';
import type { QueryItem } from './read-models.ts';
import { allOfStream, itemsNeeded, type Paging, pageOf, pageOfStream, type Sorting, sortItems } from './result-page.ts';

/** A historic process instance with the version of its definition (null once the definition is gone). */
export interface HistoricProcessInstance {
  item: QueryItem;
  definitionVersion: number | null;
}

export const HISTORIC_INSTANCE_SORT_KEYS = ['instanceId', 'definitionId', 'definitionKey', 'businessKey', 'startTime', 'endTime', 'duration', 'tenantId'] as const;

/** Camunda's HistoricProcessInstanceQuery, as far as this engine supports it. */
export interface HistoricInstanceFilter {
  processInstanceId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  processInstanceBusinessKey?: string;
  finished?: boolean;
  unfinished?: boolean;
  state?: string;
  /** Instances the given instance called. */
  superProcessInstanceId?: string;
  /** The instance that called the given instance. */
  subProcessInstanceId?: string;
  /** The instances of one call hierarchy, by its top instance. */
  rootProcessInstanceId?: string;
  /** Only instances no call activity started. */
  rootProcessInstances?: boolean;
}

const SORT_FIELD: Record<string, string> = {
  instanceId: 'id',
  definitionId: 'processDefinitionId',
  definitionKey: 'processDefinitionKey',
  businessKey: 'businessKey',
  startTime: 'startTime',
  endTime: 'endTime',
  tenantId: 'tenantId',
};

async function withVersion(app: AppContext, item: QueryItem): Promise<HistoricProcessInstance> {
  return { item, definitionVersion: (await app.engine.definition(item.processDefinitionId as string))?.version ?? null };
}

/**
 * The historic instances the caller may read (READ on HistoricProcessInstance or READ_HISTORY on the
 * definition) matching the filter, in start order from the narrowest history index, with the check
 * that remains.
 */
function readableHistory(app: AppContext, caller: AuthContext, filter: HistoricInstanceFilter & { processInstanceIds?: readonly string[] | null }, paging: Paging) {
  const {
    processInstanceId: id,
    processInstanceIds: ids,
    processDefinitionId: definitionId,
    processDefinitionKey: definitionKey,
    processInstanceBusinessKey: businessKey,
    finished,
    unfinished,
    state,
    superProcessInstanceId: superId,
    subProcessInstanceId: subId,
    rootProcessInstanceId: rootId,
    rootProcessInstances: onlyRoots,
  } = filter;
  const accept = async (i: QueryItem) =>
    (!id || i.id === id) &&
    (!ids || ids.includes(i.id as string)) &&
    (!definitionId || i.processDefinitionId === definitionId) &&
    (!definitionKey || i.processDefinitionKey === definitionKey) &&
    (!businessKey || i.businessKey === businessKey) &&
    (!finished || i.endTime !== null) &&
    (!unfinished || i.endTime === null) &&
    (!state || i.state === state) &&
    (!superId || i.superProcessInstanceId === superId) &&
    (!rootId || (i.rootProcessInstanceId ?? i.id) === rootId) &&
    (!onlyRoots || !i.superProcessInstanceId) &&
    (await mayReadHistory(caller, i));
  const { items } = app.engine.deps;
  if (superId || subId) return { stream: items.linkedHistoricInstances({ superProcessInstanceId: superId, subProcessInstanceId: subId }), accept };
  const stream = app.engine.deps.items.historicProcessInstances({ processInstanceId: id, processDefinitionId: definitionId, processDefinitionKey: definitionKey }, { expected: itemsNeeded(paging) });
  return { stream, accept };
}

/** Every readable historic instance matching the filter, in start order (also the historic query of a batch modification). */
export function findHistoricInstances(app: AppContext, caller: AuthContext, filter: HistoricInstanceFilter & { processInstanceIds?: readonly string[] | null }): Promise<QueryItem[]> {
  const { stream, accept } = readableHistory(app, caller, filter, {});
  return allOfStream(stream, accept);
}

function sortHistory(items: QueryItem[], sort: Sorting | undefined): QueryItem[] {
  return sortItems(items, sort, (i, by) => (by === 'duration' ? ((i.endTime as number) ?? 0) - (i.startTime as number) : (i[SORT_FIELD[by]!] as string | number | null)));
}

/** Historic process instances, sorted and paged (paging pushed down without a sort). */
export async function queryHistoricProcessInstances(app: AppContext, caller: AuthContext, input: HistoricInstanceFilter & Paging & { sort?: Sorting }): Promise<HistoricProcessInstance[]> {
  let page: QueryItem[];
  if (input.sort?.by === 'endTime' && input.finished) {
    page = pageOf(await finishedByEndTime(app, caller, input, input.sort.descending), input);
  } else if (input.sort) {
    page = pageOf(sortHistory(await findHistoricInstances(app, caller, input), input.sort), input);
  } else {
    const { stream, accept } = readableHistory(app, caller, input, input);
    page = await pageOfStream(stream, accept, input);
  }
  return Promise.all(page.map((item) => withVersion(app, item)));
}

/**
 * `finished=true` sorted by end time, from the end-time index, read only as far as the page needs:
 * up to the last of its end time, because the full sort orders equal end times by start (the order
 * it read them in), which the index, ordered by id within an end time, does not.
 */
async function finishedByEndTime(app: AppContext, caller: AuthContext, input: HistoricInstanceFilter & Paging, descending: boolean): Promise<QueryItem[]> {
  const need = itemsNeeded(input);
  const { accept } = readableHistory(app, caller, input, {});
  const taken: QueryItem[] = [];
  for await (const item of app.engine.deps.items.finishedHistoricInstances({ descending }, { expected: need })) {
    if (need !== undefined && taken.length >= need && item.endTime !== taken[taken.length - 1]!.endTime) break;
    if (await accept(item)) taken.push(item);
  }
  const startOrder = (i: QueryItem) => `${String(i.startTime).padStart(15, '0')}#${i.id as string}`;
  const ascending = taken.sort((a, b) => (a.endTime as number) - (b.endTime as number) || (startOrder(a) < startOrder(b) ? -1 : startOrder(a) > startOrder(b) ? 1 : 0));
  return descending ? ascending.reverse() : ascending;
}

export async function countHistoricProcessInstances(app: AppContext, caller: AuthContext, input: HistoricInstanceFilter): Promise<number> {
  return (await findHistoricInstances(app, caller, input)).length;
}

/** One historic process instance; one the caller may not read does not exist for them. */
export async function getHistoricProcessInstance(app: AppContext, caller: AuthContext, input: { id: string }): Promise<HistoricProcessInstance> {
  const item = await app.engine.deps.items.getHistoricInstance(input.id);
  if (!item || !(await mayReadHistory(caller, item))) throw notFoundRequest(`Historic process instance with id ${input.id} does not exist`);
  return withVersion(app, item);
}

/**
 * DELETE /history/process-instance/{id} (HistoryService#deleteHistoricProcessInstance): a finished
 * instance's history, its row and its comments; DELETE_HISTORY on its definition. Camunda's resource
 * answers every engine refusal (unknown, still running) with its 404; `failIfNotExists: false` makes
 * an unknown one no error.
 */
export async function deleteHistoricProcessInstance(app: AppContext, caller: AuthContext, input: { id: string; failIfNotExists: boolean }): Promise<void> {
  const missing = () => notFoundRequest(`Historic process instance with id ${input.id} does not exist`);
  const item = await app.engine.deps.items.getHistoricInstance(input.id);
  if (!item || !(await mayReadHistory(caller, item))) {
    if (input.failIfNotExists) throw missing();
    return;
  }
  await caller.require({ permission: 'DELETE_HISTORY', resource: 'ProcessDefinition', resourceId: String(item.processDefinitionKey) });
  if ((await deleteInstanceHistory(app.engine, input.id)) === 'running') throw missing();
}

export interface DurationReportInput {
  periodUnit: 'MONTH' | 'QUARTER';
  processDefinitionIdIn?: readonly string[];
  processDefinitionKeyIn?: readonly string[];
  startedBefore?: number;
  startedAfter?: number;
}

export interface DurationReportRow {
  period: number;
  periodUnit: 'MONTH' | 'QUARTER';
  minimum: number;
  maximum: number;
  average: number;
}

/**
 * GET /history/process-instance/report, report type duration (Camunda's
 * HistoricProcessInstanceReport#duration): the finished instances grouped by the month (1 to 12) or
 * quarter (1 to 4) of their start, whatever the year, with the shortest, longest and average
 * duration in milliseconds. READ_HISTORY on every definition, or on each one the filters name.
 */
export async function historicDurationReport(app: AppContext, caller: AuthContext, input: DurationReportInput): Promise<DurationReportRow[]> {
  const named = input.processDefinitionIdIn !== undefined || input.processDefinitionKeyIn !== undefined;
  if (!named) await caller.require({ permission: 'READ_HISTORY', resource: 'ProcessDefinition', resourceId: '*' });
  else {
    const keys = new Set(input.processDefinitionKeyIn ?? []);
    for (const id of input.processDefinitionIdIn ?? []) {
      const definition = await app.engine.definition(id);
      if (definition) keys.add(definition.key);
    }
    for (const key of keys) await caller.require({ permission: 'READ_HISTORY', resource: 'ProcessDefinition', resourceId: key });
  }
  if (input.startedAfter !== undefined && input.startedBefore !== undefined && input.startedAfter > input.startedBefore) return [];
  const finished = (await findHistoricInstances(app, caller, { finished: true })).filter(
    (item) =>
      (!input.processDefinitionIdIn?.length || input.processDefinitionIdIn.includes(item.processDefinitionId as string)) &&
      (!input.processDefinitionKeyIn?.length || input.processDefinitionKeyIn.includes(item.processDefinitionKey as string)) &&
      (input.startedBefore === undefined || (item.startTime as number) <= input.startedBefore) &&
      (input.startedAfter === undefined || (item.startTime as number) >= input.startedAfter),
  );
  const byPeriod = new Map<number, number[]>();
  for (const item of finished) {
    const month = new Date(item.startTime as number).getUTCMonth();
    const period = input.periodUnit === 'MONTH' ? month + 1 : Math.floor(month / 3) + 1;
    const durations = byPeriod.get(period) ?? [];
    durations.push((item.endTime as number) - (item.startTime as number));
    byPeriod.set(period, durations);
  }
  return [...byPeriod.entries()]
    .sort(([a], [b]) => a - b)
    .map(([period, durations]) => {
      // A loop, not Math.min(...): a period can hold more durations than a call takes arguments.
      let minimum = Number.POSITIVE_INFINITY;
      let maximum = Number.NEGATIVE_INFINITY;
      let sum = 0;
      for (const duration of durations) {
        minimum = Math.min(minimum, duration);
        maximum = Math.max(maximum, duration);
        sum += duration;
      }
      // SQL's AVG of a BIGINT read back as a long: the fraction is dropped.
      return { period, periodUnit: input.periodUnit, minimum, maximum, average: Math.trunc(sum / durations.length) };
    });
}
