/**
 * Historic decision instances (Camunda's HistoricDecisionInstanceQuery): every decision evaluated,
 * by a business-rule task or over REST, with its inputs and outputs. Readable with READ_HISTORY on
 * the decision definition (its key), within the caller's tenants.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { sqlLike } from '../query/sql-like.ts';
import type { HistoricDecisionRecord, HistoricDecisionValue } from '../store/decision-history.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { notFoundRequest } from './errors.ts';
import { type Paging, pageOf } from './result-page.ts';
import { within } from '../query/filters.ts';
import { sortKeepingTies } from '../query/sort.ts';

export type { HistoricDecisionRecord, HistoricDecisionValue };

export interface DecisionHistoryFilter {
  decisionInstanceId?: string;
  decisionInstanceIdIn?: readonly string[];
  decisionDefinitionId?: string;
  decisionDefinitionIdIn?: readonly string[];
  decisionDefinitionKey?: string;
  decisionDefinitionKeyIn?: readonly string[];
  decisionDefinitionName?: string;
  decisionDefinitionNameLike?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  processInstanceId?: string;
  /** No case instances exist here: a case filter matches nothing. */
  caseDefinitionId?: string;
  caseDefinitionKey?: string;
  caseInstanceId?: string;
  activityIdIn?: readonly string[];
  activityInstanceIdIn?: readonly string[];
  tenantIdIn?: readonly string[];
  withoutTenantId?: boolean;
  evaluatedBefore?: number;
  evaluatedAfter?: number;
  userId?: string;
  rootDecisionInstanceId?: string;
  rootDecisionInstancesOnly?: boolean;
  decisionRequirementsDefinitionId?: string;
  decisionRequirementsDefinitionKey?: string;
}

export const DECISION_HISTORY_SORT_KEYS = ['evaluationTime', 'tenantId'] as const;
type SortKey = (typeof DECISION_HISTORY_SORT_KEYS)[number];

function matches(record: HistoricDecisionRecord, filter: DecisionHistoryFilter): boolean {
  const equal = <K extends keyof HistoricDecisionRecord>(key: K, wanted: HistoricDecisionRecord[K] | undefined) => wanted === undefined || record[key] === wanted;
  return (
    equal('id', filter.decisionInstanceId) &&
    within(filter.decisionInstanceIdIn, record.id) &&
    equal('decisionDefinitionId', filter.decisionDefinitionId) &&
    within(filter.decisionDefinitionIdIn, record.decisionDefinitionId) &&
    equal('decisionDefinitionKey', filter.decisionDefinitionKey) &&
    within(filter.decisionDefinitionKeyIn, record.decisionDefinitionKey) &&
    equal('decisionDefinitionName', filter.decisionDefinitionName) &&
    (filter.decisionDefinitionNameLike === undefined || sqlLike(filter.decisionDefinitionNameLike)(record.decisionDefinitionName)) &&
    equal('processDefinitionId', filter.processDefinitionId) &&
    equal('processDefinitionKey', filter.processDefinitionKey) &&
    equal('processInstanceId', filter.processInstanceId) &&
    filter.caseDefinitionId === undefined &&
    filter.caseDefinitionKey === undefined &&
    filter.caseInstanceId === undefined &&
    within(filter.activityIdIn, record.activityId) &&
    within(filter.activityInstanceIdIn, record.activityInstanceId) &&
    (!filter.tenantIdIn?.length || within(filter.tenantIdIn, record.tenantId)) &&
    (!filter.withoutTenantId || record.tenantId === null) &&
    (filter.evaluatedBefore === undefined || record.evaluationTime <= filter.evaluatedBefore) &&
    (filter.evaluatedAfter === undefined || record.evaluationTime >= filter.evaluatedAfter) &&
    equal('userId', filter.userId) &&
    // Camunda: the root itself (no root of its own) or a decision it required.
    (filter.rootDecisionInstanceId === undefined ||
      record.rootDecisionInstanceId === filter.rootDecisionInstanceId ||
      (record.rootDecisionInstanceId === null && record.id === filter.rootDecisionInstanceId)) &&
    (!filter.rootDecisionInstancesOnly || record.rootDecisionInstanceId === null) &&
    equal('decisionRequirementsDefinitionId', filter.decisionRequirementsDefinitionId) &&
    equal('decisionRequirementsDefinitionKey', filter.decisionRequirementsDefinitionKey)
  );
}

const readable = async (caller: AuthContext, record: HistoricDecisionRecord) =>
  caller.canSeeTenant(record.tenantId) && (await caller.isAllowed({ permission: 'READ_HISTORY', resource: 'DecisionDefinition', resourceId: record.decisionDefinitionKey }));

async function find(app: AppContext, caller: AuthContext, filter: DecisionHistoryFilter): Promise<HistoricDecisionRecord[]> {
  const history = app.engine.deps.decisionHistory;
  const candidates = await history.candidates({ id: filter.decisionInstanceId, processInstanceId: filter.processInstanceId });
  const found: HistoricDecisionRecord[] = [];
  for await (const record of candidates) if (matches(record, filter) && (await readable(caller, record))) found.push(record);
  return found;
}

/** GET/POST /history/decision-instance: sorted as asked (ties by evaluation), else in evaluation order. */
export const queryDecisionHistory: UseCase<{ filter: DecisionHistoryFilter; sort?: { by: SortKey; descending: boolean } } & Paging, HistoricDecisionRecord[]> = async (app, caller, query) => {
  const found = await find(app, caller, query.filter);
  return pageOf(
    sortKeepingTies(found, query.sort ?? { by: 'evaluationTime', descending: false }, (record, by) => record[by]),
    query,
  );
};

export const countDecisionHistory: UseCase<DecisionHistoryFilter, number> = async (app, caller, filter) => (await find(app, caller, filter)).length;

export const getDecisionHistory: UseCase<{ id: string }, HistoricDecisionRecord> = async (app, caller, { id }) => {
  const record = await app.engine.deps.decisionHistory.get(id);
  if (!record || !(await readable(caller, record))) throw notFoundRequest(`Historic decision instance with id '${id}' does not exist`);
  return record;
};
