/**
 * Camunda's EventSubscriptionQuery: the message, signal, conditional and compensation subscriptions
 * of running instances, read from the narrowest index (one subscription, one instance, or all in
 * creation order) and filtered by the caller's READ on the instance. A definition's start event
 * subscriptions (message start events) are not listed: they are kept per process key, not as
 * subscriptions (shared/store/start-event-items.ts).
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { mayInstanceItem } from './access.ts';
import type { AppContext } from './app-context.ts';
import type { QueryItem } from './read-models.ts';
import { itemsNeeded, type Paging, pageOfIndex, type Sorting, streamOf } from './result-page.ts';

export const EVENT_SUBSCRIPTION_SORT_KEYS = ['created', 'tenantId'] as const;
export type EventSubscriptionSortKey = (typeof EVENT_SUBSCRIPTION_SORT_KEYS)[number];

export interface EventSubscriptionFilter {
  eventSubscriptionId?: string;
  eventName?: string;
  eventType?: string;
  executionId?: string;
  processInstanceId?: string;
  activityId?: string;
  tenantIdIn?: readonly string[];
  withoutTenantId?: boolean;
  includeEventSubscriptionsWithoutTenantId?: boolean;
}

function matches(item: QueryItem, filter: EventSubscriptionFilter): boolean {
  const equal: [string, unknown][] = [
    ['id', filter.eventSubscriptionId],
    ['eventName', filter.eventName],
    ['eventType', filter.eventType],
    ['executionId', filter.executionId],
    ['processInstanceId', filter.processInstanceId],
    ['activityId', filter.activityId],
  ];
  if (!equal.every(([field, value]) => value === undefined || item[field] === value)) return false;
  const tenantId = (item.tenantId as string | null) ?? null;
  if (filter.withoutTenantId === true && tenantId !== null) return false;
  if (filter.tenantIdIn !== undefined) {
    const withoutTenant = filter.includeEventSubscriptionsWithoutTenantId === true && tenantId === null;
    if (!withoutTenant && !filter.tenantIdIn.includes(tenantId as string)) return false;
  }
  return true;
}

function candidates(app: AppContext, filter: EventSubscriptionFilter, paging: Paging): AsyncIterable<QueryItem> {
  const items = app.engine.deps.items;
  if (filter.eventSubscriptionId !== undefined) return streamOf(items.getSubscription(filter.eventSubscriptionId));
  if (filter.processInstanceId !== undefined) return streamOf(items.subscriptionsOfInstance(filter.processInstanceId));
  return items.allSubscriptions({ expected: itemsNeeded(paging) });
}

export async function findEventSubscriptions(app: AppContext, caller: AuthContext, query: EventSubscriptionFilter & Paging & { sort?: Sorting<EventSubscriptionSortKey> }): Promise<QueryItem[]> {
  const accept = async (item: QueryItem) => matches(item, query) && (await mayInstanceItem(caller, item, 'READ'));
  return pageOfIndex(
    (paging) => candidates(app, query, paging),
    accept,
    query,
    (item, by) => item[by] as string | number | null | undefined,
  );
}

export async function countEventSubscriptions(app: AppContext, caller: AuthContext, filter: EventSubscriptionFilter): Promise<number> {
  return (await findEventSubscriptions(app, caller, filter)).length;
}
