import type { AuthContext } from '../auth/auth-context.ts';
import { filterAllowed, mayReadHistory } from './access.ts';
import type { AppContext } from './app-context.ts';
import { notFoundRequest } from './errors.ts';
import type { QueryItem } from './read-models.ts';
import { type Paging, pageOf, type Sorting, sortItems } from './result-page.ts';

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

/** The historic instances the caller may read (READ on HistoricProcessInstance or READ_HISTORY on the definition) matching the filter. */
async function matchingHistory(app: AppContext, caller: AuthContext, filter: HistoricInstanceFilter): Promise<QueryItem[]> {
  const { processInstanceId: id, processDefinitionId: definitionId, processDefinitionKey: definitionKey, processInstanceBusinessKey: businessKey, finished, unfinished, state } = filter;
  const readable = await filterAllowed(await app.engine.deps.items.historicProcessInstances(), (i) => mayReadHistory(caller, i));
  return readable.filter(
    (i) =>
      (!id || i.id === id) &&
      (!definitionId || i.processDefinitionId === definitionId) &&
      (!definitionKey || i.processDefinitionKey === definitionKey) &&
      (!businessKey || i.businessKey === businessKey) &&
      (!finished || i.endTime !== null) &&
      (!unfinished || i.endTime === null) &&
      (!state || i.state === state),
  );
}

/** Historic process instances, sorted and paged. */
export async function queryHistoricProcessInstances(app: AppContext, caller: AuthContext, input: HistoricInstanceFilter & Paging & { sort?: Sorting }): Promise<HistoricProcessInstance[]> {
  const sorted = sortItems(await matchingHistory(app, caller, input), input.sort, (i, by) =>
    by === 'duration' ? ((i.endTime as number) ?? 0) - (i.startTime as number) : (i[SORT_FIELD[by]!] as string | number | null),
  );
  return Promise.all(pageOf(sorted, input).map((item) => withVersion(app, item)));
}

export async function countHistoricProcessInstances(app: AppContext, caller: AuthContext, input: HistoricInstanceFilter): Promise<number> {
  return (await matchingHistory(app, caller, input)).length;
}

/** One historic process instance; one the caller may not read does not exist for them. */
export async function getHistoricProcessInstance(app: AppContext, caller: AuthContext, input: { id: string }): Promise<HistoricProcessInstance> {
  const item = await app.engine.deps.items.getHistoricInstance(input.id);
  if (!item || !(await mayReadHistory(caller, item))) throw notFoundRequest(`Historic process instance with id ${input.id} does not exist`);
  return withVersion(app, item);
}
