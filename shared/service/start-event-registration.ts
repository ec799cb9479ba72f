import type { ProcessModel } from '../bpmn/model.ts';
import type { EngineEnvironment } from '../engine/environment.ts';
import { badUserRequest } from '../engine/errors.ts';
import { conditionalStartEvents, messageStartEvents, scheduleTimerStart, signalStartEvents, timerStartEvents } from '../engine/start-events.ts';
import { signalStartItem } from '../store/signal-items.ts';
import type { DefinitionRecord } from '../store/definition-repository.ts';
import type { EngineService } from './engine-service.ts';
import type { IndexLayout } from '../store/index-layout.ts';
import type { Item } from '../store/projections.ts';
import { conditionalStartItem, messageStartItem, type StartEventRepository, startEventSetItem, timerStartJobItem } from '../store/start-event-items.ts';

interface Stores {
  startEvents: StartEventRepository;
  layout: IndexLayout;
}

/**
 * The write actions that make `definitions` (each the new latest version of its key) the ones whose
 * start events listen: their message start items and timer start jobs are put, the previous
 * version's are deleted, and each key's set item records what was written. Camunda refuses a
 * message start event whose name another process (of the same tenant) already listens to; so do the
 * conditions here, also against a concurrent deployment.
 */
export async function startEventActions(stores: Stores, definitions: { definition: DefinitionRecord; model: ProcessModel }[], env: EngineEnvironment): Promise<Record<string, unknown>[]> {
  const { tableName } = stores.startEvents;
  const actions: Record<string, unknown>[] = [];
  const claimed = new Map<string, string>();
  const keysSeen = new Set<string>();
  for (const { definition, model } of definitions) {
    const scope = `${definition.tenantId ?? ''}\u0000${definition.key}`;
    if (keysSeen.has(scope)) throw badUserRequest(`The deployment contains definitions with the same key '${definition.key}' (id attribute), this is not allowed`);
    keysSeen.add(scope);
    const tenantId = definition.tenantId;
    const items: Item[] = [];
    for (const start of messageStartEvents(model)) {
      const claimKey = `${tenantId ?? ''}\u0000${start.messageName}`;
      const holder = claimed.get(claimKey) ?? (await stores.startEvents.messageStarts(start.messageName, { tenantId }))[0]?.definitionKey;
      if (holder !== undefined && holder !== definition.key) throw alreadySubscribed(definition, start.messageName);
      claimed.set(claimKey, definition.key);
      items.push(messageStartItem({ messageName: start.messageName, tenantId, definitionId: definition.id, definitionKey: definition.key, activityId: start.activityId }));
    }
    const signalNames = new Set<string>();
    for (const start of signalStartEvents(model)) {
      if (signalNames.has(start.signalName)) throw badUserRequest(`Cannot have more than one signal event subscription with name '${start.signalName}' for scope '${definition.key}'`);
      signalNames.add(start.signalName);
      items.push(signalStartItem({ signalName: start.signalName, tenantId, definitionId: definition.id, definitionKey: definition.key, activityId: start.activityId }));
    }
    for (const start of conditionalStartEvents(model)) {
      items.push(conditionalStartItem({ tenantId, definitionId: definition.id, definitionKey: definition.key, activityId: start.id }));
    }
    for (const start of timerStartEvents(model)) {
      const schedule = scheduleTimerStart(start, env.now());
      items.push(
        timerStartJobItem(
          {
            id: env.newId(),
            processDefinitionId: definition.id,
            processDefinitionKey: definition.key,
            tenantId,
            activityId: start.id,
            dueDate: schedule.dueDate,
            retries: env.defaultRetries ?? 3,
            created: env.now(),
            repeat: schedule.repeat,
          },
          stores.layout,
        ),
      );
    }
    const previous = await stores.startEvents.set(definition.key, tenantId);
    if (items.length === 0 && !previous) continue;
    const written = new Set(items.map((item) => `${item.pk}\u0000${item.sk}`));
    for (const key of previous?.itemKeys ?? []) {
      if (!written.has(`${key.pk}\u0000${key.sk}`)) actions.push({ Delete: { TableName: tableName, Key: key } });
    }
    for (const item of items) {
      const messageName = item.kind === 'messageStart' ? (item.messageName as string) : undefined;
      actions.push(
        messageName === undefined
          ? { Put: { TableName: tableName, Item: item } }
          : {
              Put: {
                TableName: tableName,
                Item: item,
                ConditionExpression: 'attribute_not_exists(pk) OR definitionKey = :key',
                ExpressionAttributeValues: { ':key': definition.key },
              },
            },
      );
    }
    // Guarded on the set as read: a concurrent deployment of the key that wrote its own set first makes
    // this one fail (and retry), so no version's items are ever left unlisted.
    const set = startEventSetItem(definition.key, tenantId, { definitionId: definition.id, version: definition.version, itemKeys: items.map(({ pk, sk }) => ({ pk, sk })) });
    actions.push({
      Put: previous
        ? { TableName: tableName, Item: set, ConditionExpression: 'version = :read', ExpressionAttributeValues: { ':read': previous.version } }
        : { TableName: tableName, Item: set, ConditionExpression: 'attribute_not_exists(pk)' },
    });
  }
  return actions;
}

function alreadySubscribed(definition: DefinitionRecord, messageName: string): Error {
  return badUserRequest(`Cannot deploy process definition '${definition.resourceName}': there already is a message event subscription for the message with name '${messageName}'.`);
}

/**
 * After definitions were deleted: a key whose listening version was among them falls back to its
 * latest remaining version, whose start events listen again (Camunda re-registers them); without one
 * the key's start events are gone. Two steps: the old items go first, then the fallback's are written.
 */
export async function restoreStartEventsAfterDeletion(engine: EngineService, deleted: readonly DefinitionRecord[]): Promise<void> {
  const { startEvents, definitions } = engine.deps;
  const deletedIds = new Set(deleted.map((d) => d.id));
  const seen = new Set<string>();
  for (const { key, tenantId } of deleted) {
    const scope = `${tenantId ?? ''}\u0000${key}`;
    if (seen.has(scope)) continue;
    seen.add(scope);
    const set = await startEvents.set(key, tenantId);
    if (!set || !deletedIds.has(set.definitionId)) continue;
    await startEvents.remove(key, tenantId, set);
    const fallback = await definitions.latestDefinition(key, tenantId);
    if (!fallback) continue;
    const actions = await startEventActions(engine.deps, [{ definition: fallback, model: await engine.model(fallback) }], engine.env);
    if (actions.length > 0) await startEvents.write(actions);
  }
}
