import * as z from 'zod/v4';
import { countEventSubscriptions, EVENT_SUBSCRIPTION_SORT_KEYS, findEventSubscriptions } from '../../app/event-subscriptions.ts';
import type { QueryItem } from '../../app/read-models.ts';
import { formatDate } from '../dates.ts';
import { json } from '../http.ts';
import { pagingParams, qs, readQuery, sorted, sortingParams } from '../query-params.ts';
import { route, type Route } from '../router.ts';

const EventSubscriptionFilterParams = z.object({
  eventSubscriptionId: qs.string(),
  eventName: qs.string(),
  eventType: qs.string(),
  executionId: qs.string(),
  processInstanceId: qs.string(),
  activityId: qs.string(),
  tenantIdIn: qs.list(),
  withoutTenantId: qs.boolean(),
  includeEventSubscriptionsWithoutTenantId: qs.boolean(),
});
const EventSubscriptionListParams = z.object({ ...EventSubscriptionFilterParams.shape, ...sortingParams(EVENT_SUBSCRIPTION_SORT_KEYS), ...pagingParams });

export function eventSubscriptionDto(item: QueryItem) {
  return {
    id: item.id,
    eventType: item.eventType,
    eventName: item.eventName,
    executionId: item.executionId,
    processInstanceId: item.processInstanceId,
    activityId: item.activityId,
    createdDate: formatDate(item.created as number),
    tenantId: item.tenantId ?? null,
  };
}

export const eventSubscriptionRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/event-subscription',
    handler: async (ctx) => json(200, (await findEventSubscriptions(ctx.app, ctx.auth, sorted(readQuery(ctx.req, EventSubscriptionListParams)))).map(eventSubscriptionDto)),
  }),
  route({
    method: 'GET',
    pattern: '/event-subscription/count',
    handler: async (ctx) => json(200, { count: await countEventSubscriptions(ctx.app, ctx.auth, readQuery(ctx.req, EventSubscriptionFilterParams)) }),
  }),
];
