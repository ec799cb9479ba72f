/**
 * Historic task instances (Camunda's HistoricTaskInstanceQuery): every user task from its creation
 * to its completion or deletion, kept after its instance ends. Readable with READ on the historic
 * process instance or READ_HISTORY on its definition, within the caller's tenants.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { sqlLike } from '../query/sql-like.ts';
import type { HistoricTaskRecord } from '../store/task-history.ts';
import type { HistoricVariableRecord } from '../store/variable-history.ts';
import { type VariableCondition, variableMatches } from './variable-conditions.ts';
import { mayReadHistory } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { type Paging, pageOf } from './result-page.ts';
import { onceEach, within } from '../query/filters.ts';
import { sortKeepingTies } from '../query/sort.ts';

export type { HistoricTaskRecord };

export interface TaskHistoryFilter {
  taskId?: string;
  taskParentTaskId?: string;
  processInstanceId?: string;
  rootProcessInstanceId?: string;
  processInstanceBusinessKey?: string;
  processInstanceBusinessKeyIn?: readonly string[];
  processInstanceBusinessKeyLike?: string;
  executionId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  processDefinitionName?: string;
  caseInstanceId?: string;
  caseExecutionId?: string;
  caseDefinitionId?: string;
  caseDefinitionKey?: string;
  caseDefinitionName?: string;
  activityInstanceIdIn?: readonly string[];
  taskName?: string;
  taskNameLike?: string;
  taskDescription?: string;
  taskDescriptionLike?: string;
  taskDefinitionKey?: string;
  taskDefinitionKeyIn?: readonly string[];
  taskDeleteReason?: string;
  taskDeleteReasonLike?: string;
  taskAssignee?: string;
  taskAssigneeLike?: string;
  taskOwner?: string;
  taskOwnerLike?: string;
  taskPriority?: number;
  assigned?: boolean;
  unassigned?: boolean;
  finished?: boolean;
  unfinished?: boolean;
  processFinished?: boolean;
  processUnfinished?: boolean;
  taskDueDate?: number;
  taskDueDateBefore?: number;
  taskDueDateAfter?: number;
  withoutTaskDueDate?: boolean;
  taskFollowUpDate?: number;
  taskFollowUpDateBefore?: number;
  taskFollowUpDateAfter?: number;
  startedBefore?: number;
  startedAfter?: number;
  finishedBefore?: number;
  finishedAfter?: number;
  tenantIdIn?: readonly string[];
  withoutTenantId?: boolean;
  taskInvolvedUser?: string;
  taskInvolvedGroup?: string;
  taskHadCandidateUser?: string;
  taskHadCandidateGroup?: string;
  withCandidateGroups?: boolean;
  withoutCandidateGroups?: boolean;
  /** Conditions on the task's own variables (their last values in the variable history). */
  taskVariables?: readonly VariableCondition[];
  /** Conditions on its process instance's variables (those not of a task). */
  processVariables?: readonly VariableCondition[];
  variableNamesIgnoreCase?: boolean;
  variableValuesIgnoreCase?: boolean;
}

export const TASK_HISTORY_SORT_KEYS = [
  'taskId',
  'activityInstanceId',
  'processDefinitionId',
  'processInstanceId',
  'executionId',
  'duration',
  'endTime',
  'startTime',
  'taskName',
  'taskDescription',
  'assignee',
  'owner',
  'dueDate',
  'followUpDate',
  'deleteReason',
  'taskDefinitionKey',
  'priority',
  'caseDefinitionId',
  'caseInstanceId',
  'caseExecutionId',
  'tenantId',
] as const;
type SortKey = (typeof TASK_HISTORY_SORT_KEYS)[number];

const like = (pattern: string | undefined, value: string | null) => pattern === undefined || sqlLike(pattern)(value);
const atMost = (bound: number | undefined, value: number | null) => bound === undefined || (value !== null && value <= bound);
const atLeast = (bound: number | undefined, value: number | null) => bound === undefined || (value !== null && value >= bound);

/** Whether the record passes the filters that need nothing but itself. */
function matches(record: HistoricTaskRecord, filter: TaskHistoryFilter): boolean {
  const equal = <K extends keyof HistoricTaskRecord>(key: K, wanted: HistoricTaskRecord[K] | undefined) => wanted === undefined || record[key] === wanted;
  const involvedUsers = [record.assignee, record.owner, ...record.candidateUsers, ...record.linkedUsers];
  const involvedGroups = [...record.candidateGroups, ...record.linkedGroups];
  return (
    equal('id', filter.taskId) &&
    // Tasks here have no parent task, and there are no cases.
    filter.taskParentTaskId === undefined &&
    [filter.caseInstanceId, filter.caseExecutionId, filter.caseDefinitionId, filter.caseDefinitionKey, filter.caseDefinitionName].every((value) => value === undefined) &&
    equal('processInstanceId', filter.processInstanceId) &&
    equal('rootProcessInstanceId', filter.rootProcessInstanceId) &&
    equal('businessKey', filter.processInstanceBusinessKey) &&
    within(filter.processInstanceBusinessKeyIn, record.businessKey) &&
    like(filter.processInstanceBusinessKeyLike, record.businessKey) &&
    equal('executionId', filter.executionId) &&
    equal('processDefinitionId', filter.processDefinitionId) &&
    equal('processDefinitionKey', filter.processDefinitionKey) &&
    equal('processDefinitionName', filter.processDefinitionName) &&
    within(filter.activityInstanceIdIn, record.activityInstanceId) &&
    equal('name', filter.taskName) &&
    like(filter.taskNameLike, record.name) &&
    equal('description', filter.taskDescription) &&
    like(filter.taskDescriptionLike, record.description) &&
    equal('taskDefinitionKey', filter.taskDefinitionKey) &&
    within(filter.taskDefinitionKeyIn, record.taskDefinitionKey) &&
    equal('deleteReason', filter.taskDeleteReason) &&
    like(filter.taskDeleteReasonLike, record.deleteReason) &&
    equal('assignee', filter.taskAssignee) &&
    like(filter.taskAssigneeLike, record.assignee) &&
    equal('owner', filter.taskOwner) &&
    like(filter.taskOwnerLike, record.owner) &&
    equal('priority', filter.taskPriority) &&
    (!filter.assigned || record.assignee !== null) &&
    (!filter.unassigned || record.assignee === null) &&
    (!filter.finished || record.endTime !== null) &&
    (!filter.unfinished || record.endTime === null) &&
    equal('due', filter.taskDueDate) &&
    atMost(filter.taskDueDateBefore, record.due) &&
    atLeast(filter.taskDueDateAfter, record.due) &&
    (!filter.withoutTaskDueDate || record.due === null) &&
    equal('followUp', filter.taskFollowUpDate) &&
    atMost(filter.taskFollowUpDateBefore, record.followUp) &&
    atLeast(filter.taskFollowUpDateAfter, record.followUp) &&
    atMost(filter.startedBefore, record.startTime) &&
    atLeast(filter.startedAfter, record.startTime) &&
    atMost(filter.finishedBefore, record.endTime) &&
    atLeast(filter.finishedAfter, record.endTime) &&
    (!filter.tenantIdIn?.length || within(filter.tenantIdIn, record.tenantId)) &&
    (!filter.withoutTenantId || record.tenantId === null) &&
    (filter.taskInvolvedUser === undefined || involvedUsers.includes(filter.taskInvolvedUser)) &&
    (filter.taskInvolvedGroup === undefined || involvedGroups.includes(filter.taskInvolvedGroup)) &&
    (filter.taskHadCandidateUser === undefined || record.candidateUsers.includes(filter.taskHadCandidateUser)) &&
    (filter.taskHadCandidateGroup === undefined || record.candidateGroups.includes(filter.taskHadCandidateGroup)) &&
    (!filter.withCandidateGroups || record.candidateGroups.length > 0) &&
    (!filter.withoutCandidateGroups || record.candidateGroups.length === 0)
  );
}

/** Whether some variable meets each condition (Camunda's variable value conditions: a variable of that name and value exists). */
function variablesMeet(variables: readonly HistoricVariableRecord[], conditions: readonly VariableCondition[], filter: TaskHistoryFilter): boolean {
  const fold = (name: string) => (filter.variableNamesIgnoreCase ? name.toLowerCase() : name);
  return conditions.every((condition) =>
    variables.some(
      (variable) =>
        variable.state === 'CREATED' && variable.value !== null && fold(variable.name) === fold(condition.name) && variableMatches(variable.value, condition, filter.variableValuesIgnoreCase),
    ),
  );
}

async function find(app: AppContext, caller: AuthContext, filter: TaskHistoryFilter): Promise<HistoricTaskRecord[]> {
  const { taskHistory, items, variableHistory } = app.engine.deps;
  // Each instance's variable history, read once per query (only when variables are filtered on).
  const instanceVariables = onceEach((id) => variableHistory.ofInstance(id));
  const variablesMatch = async (record: HistoricTaskRecord) => {
    if (!filter.taskVariables?.length && !filter.processVariables?.length) return true;
    const variables = await instanceVariables(record.processInstanceId);
    return (
      variablesMeet(
        variables.filter((variable) => variable.taskId === record.id),
        filter.taskVariables ?? [],
        filter,
      ) &&
      variablesMeet(
        variables.filter((variable) => variable.taskId === null),
        filter.processVariables ?? [],
        filter,
      )
    );
  };
  const candidates = await taskHistory.candidates({ id: filter.taskId, processInstanceId: filter.processInstanceId });
  // Whether each instance has ended, read once per instance (processFinished / processUnfinished).
  const instanceEnded = onceEach((id) => items.getHistoricInstance(id).then((row) => row?.endTime !== null && row?.endTime !== undefined));
  const found: HistoricTaskRecord[] = [];
  for await (const record of candidates) {
    if (!matches(record, filter)) continue;
    if ((filter.processFinished || filter.processUnfinished) && (await instanceEnded(record.processInstanceId)) !== Boolean(filter.processFinished)) continue;
    if (!(await variablesMatch(record))) continue;
    if (await mayReadHistory(caller, { id: record.processInstanceId, processDefinitionKey: record.processDefinitionKey, tenantId: record.tenantId })) found.push(record);
  }
  return found;
}

function sortValue(record: HistoricTaskRecord, by: SortKey): string | number | null {
  switch (by) {
    case 'taskId':
      return record.id;
    case 'duration':
      return record.endTime === null ? null : record.endTime - record.startTime;
    case 'taskName':
      return record.name;
    case 'taskDescription':
      return record.description;
    case 'dueDate':
      return record.due;
    case 'followUpDate':
      return record.followUp;
    case 'caseDefinitionId':
    case 'caseInstanceId':
    case 'caseExecutionId':
      return null;
    default:
      return record[by];
  }
}

/** GET/POST /history/task: sorted as asked (ties by start), else by start. */
export const queryTaskHistory: UseCase<{ filter: TaskHistoryFilter; sort?: { by: SortKey; descending: boolean } } & Paging, HistoricTaskRecord[]> = async (app, caller, query) => {
  const found = await find(app, caller, query.filter);
  return pageOf(sortKeepingTies(found, query.sort ?? { by: 'startTime', descending: false }, sortValue), query);
};

export const countTaskHistory: UseCase<TaskHistoryFilter, number> = async (app, caller, filter) => (await find(app, caller, filter)).length;
