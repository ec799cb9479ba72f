import { countIdentityLinkLog, IDENTITY_LINK_LOG_SORT_KEYS, type IdentityLinkLogView, queryIdentityLinkLog } from '../../app/identity-link-log.ts';
import { formatDate } from '../dates.ts';
import { historyQueryRoutes } from '../history-query-routes.ts';
import { typedFilters } from '../query-params.ts';
import type { Route } from '../router.ts';

/** Camunda's HistoricIdentityLinkLogQueryDto (a GET query only), by the type of each parameter. */
const TEXT = ['type', 'userId', 'groupId', 'taskId', 'processDefinitionId', 'processDefinitionKey', 'operationType', 'assignerId'] as const;

const FilterParams = typedFilters({ text: TEXT, lists: ['tenantIdIn'], flags: ['withoutTenantId'], dates: ['dateBefore', 'dateAfter'] }).query;

/** Camunda's HistoricIdentityLinkLogDto. */
function identityLinkLogDto(view: IdentityLinkLogView) {
  return {
    id: view.id,
    time: formatDate(view.time),
    type: view.type,
    userId: view.userId,
    groupId: view.groupId,
    taskId: view.taskId,
    processDefinitionId: view.processDefinitionId,
    processDefinitionKey: view.processDefinitionKey,
    operationType: view.operationType,
    assignerId: null,
    tenantId: view.tenantId,
    removalTime: null,
    rootProcessInstanceId: view.rootProcessInstanceId,
  };
}

export const identityLinkLogRoutes: Route[] = historyQueryRoutes({
  path: '/history/identity-link-log',
  sortKeys: IDENTITY_LINK_LOG_SORT_KEYS,
  filterParams: FilterParams,
  query: queryIdentityLinkLog,
  count: countIdentityLinkLog,
  dto: identityLinkLogDto,
});
