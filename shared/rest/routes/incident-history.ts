import { countHistoricIncidents, HISTORIC_INCIDENT_SORT_KEYS, type HistoricIncidentView, queryHistoricIncidents } from '../../app/incident-history.ts';
import { formatDate } from '../dates.ts';
import { historyQueryRoutes } from '../history-query-routes.ts';
import { typedFilters } from '../query-params.ts';
import type { Route } from '../router.ts';

/** Camunda's HistoricIncidentQueryDto (a GET query only), by the type of each parameter. */
const TEXT = [
  'incidentId',
  'incidentType',
  'incidentMessage',
  'incidentMessageLike',
  'processDefinitionId',
  'processDefinitionKey',
  'processInstanceId',
  'executionId',
  'activityId',
  'failedActivityId',
  'causeIncidentId',
  'rootCauseIncidentId',
  'configuration',
  'historyConfiguration',
] as const;
const LISTS = ['processDefinitionKeyIn', 'tenantIdIn', 'jobDefinitionIdIn'] as const;
const FLAGS = ['open', 'resolved', 'deleted', 'withoutTenantId'] as const;
const DATES = ['createTimeBefore', 'createTimeAfter', 'endTimeBefore', 'endTimeAfter'] as const;

const FilterParams = typedFilters({ text: TEXT, lists: LISTS, flags: FLAGS, dates: DATES }).query;

/** Camunda's HistoricIncidentDto. */
function historicIncidentDto(record: HistoricIncidentView) {
  return {
    id: record.id,
    processDefinitionKey: record.processDefinitionKey,
    processDefinitionId: record.processDefinitionId,
    processInstanceId: record.processInstanceId,
    executionId: record.executionId,
    rootProcessInstanceId: record.rootProcessInstanceId,
    createTime: formatDate(record.createTime),
    endTime: formatDate(record.endTime),
    removalTime: null,
    incidentType: record.incidentType,
    activityId: record.activityId,
    failedActivityId: record.activityId,
    causeIncidentId: record.causeIncidentId,
    rootCauseIncidentId: record.rootCauseIncidentId,
    configuration: record.configuration,
    historyConfiguration: record.configuration,
    incidentMessage: record.incidentMessage,
    tenantId: record.tenantId,
    jobDefinitionId: null,
    open: record.state === 'open',
    deleted: record.state === 'deleted',
    resolved: record.state === 'resolved',
    annotation: record.annotation,
  };
}

export const incidentHistoryRoutes: Route[] = historyQueryRoutes({
  path: '/history/incident',
  sortKeys: HISTORIC_INCIDENT_SORT_KEYS,
  filterParams: FilterParams,
  query: queryHistoricIncidents,
  count: countHistoricIncidents,
  dto: historicIncidentDto,
});
