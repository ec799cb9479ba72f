import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ProcessModel } from '../bpmn/model.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { ConcurrentModificationError, isConditionalFailure, isTransactionConflict } from './errors.ts';
import { historicInstanceItem } from './history-items.ts';
import { allShards, type IndexLayout, shardKey } from './index-layout.ts';
import { type IndexRange, IndexReader, type ReadHint } from './index-reader.ts';
import { keys, timeKey } from './keys.ts';
import { queryAllPages } from './paging.ts';
import { decodeState, encodeState } from './state-codec.ts';
import { diffInstanceItems, diffItems, type Item, projectQueryItems } from './projections.ts';

/** A stored instance with the version its next conditional write must match. */
export interface StoredInstance {
  state: ProcessInstanceState;
  version: number;
  /** Set while a change too large for one transaction is still writing its query items. */
  itemsIncomplete?: boolean;
}

export interface InstanceSummary {
  id: string;
  definitionId: string;
  tenantId: string | null;
}

/** What the instance lists show of a running instance: its listing item, never its state. */
export interface InstanceListing {
  id: string;
  definitionId: string;
  definitionKey: string;
  businessKey: string | null;
  tenantId: string | null;
  startTime: number;
  /** The caller, for an instance a call activity started. */
  superProcessInstanceId: string | null;
  /** The top of its call hierarchy (itself when no call activity started it). */
  rootProcessInstanceId: string;
  suspended: boolean;
}

/** The filters an instance index answers; the list reads the narrowest one that is given. */
export interface ListingFilter {
  processDefinitionId?: string | null;
  processDefinitionKey?: string | null;
  businessKey?: string | null;
}

/** DynamoDB allows 100 actions per transaction; the instance write takes one. */
const TRANSACTION_LIMIT = 100;

type WriteAction = Record<string, unknown>;

/** History items rewritten whenever their subject changes: a later writer's copy must not be overwritten by an older one. */
const SNAPSHOT_KINDS = new Set(['historicTask', 'historicVariableValue', 'historicIncident']);

/**
 * Process instances: the engine state as one item with a version, plus its query items and its
 * history row, all changed in one TransactWriteItems guarded by the version (optimistic locking).
 */
export class InstanceRepository {
  private readonly reader: IndexReader;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly layout: IndexLayout,
  ) {
    this.reader = new IndexReader(doc, tableName);
  }

  async get(id: string): Promise<StoredInstance | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.instance(id), ConsistentRead: true }));
    if (!item) return undefined;
    return { state: decodeState(item.state as string), version: item.version as number, itemsIncomplete: item.itemsIncomplete === true };
  }

  /**
   * What identifies a running instance without its state: for requests that only need to know it
   * exists and to whom it belongs (an async modification), whatever the size of the state.
   */
  async summary(id: string): Promise<InstanceSummary | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.instance(id), ConsistentRead: true, ProjectionExpression: 'definitionId, tenantId' }));
    if (!item) return undefined;
    return { id, definitionId: item.definitionId as string, tenantId: (item.tenantId as string | null) ?? null };
  }

  /** The query items actually stored for an instance (used when a previous change may not have finished them). */
  async storedItems(processInstanceId: string): Promise<Item[]> {
    const items = await queryAllPages(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `PI#${processInstanceId}` },
    });
    return items.filter((item) => item.kind !== 'instance');
  }

  /** Puts of further items (the activity history) that join an instance's write. */
  putActions(items: readonly Item[]): WriteAction[] {
    return items.map((item) => ({ Put: { TableName: this.tableName, Item: item } }));
  }

  /**
   * Writes a new instance (and its history row); an ended-at-start instance only leaves history.
   * `extra` actions (a timer start job's replacement) join its transaction; `trailing` ones (the
   * activity history) come after its items, so they are the first to go to a later transaction.
   */
  async create(state: ProcessInstanceState, model: ProcessModel, extra: WriteAction[] = [], trailing: WriteAction[] = []): Promise<StoredInstance> {
    const history = { Put: { TableName: this.tableName, Item: historicInstanceItem(state, model, this.layout) } };
    if (state.status !== 'ACTIVE') {
      await this.write(state.id, [history, ...calledLink(state, this.tableName), ...extra, ...trailing], undefined, new Set(trailing));
      return { state, version: 1 };
    }
    const actions: WriteAction[] = [
      { Put: { TableName: this.tableName, Item: this.instanceItem(state, 1), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...calledLink(state, this.tableName),
      { Put: { TableName: this.tableName, Item: listingItem(state, this.layout) } },
      history,
      ...extra,
      ...projectQueryItems(state, model, this.layout).map((item) => ({ Put: { TableName: this.tableName, Item: item } })),
      ...trailing,
    ];
    await this.write(state.id, actions, 1, new Set(trailing));
    return { state, version: 1 };
  }

  /**
   * Replaces `previous` with `next` if nobody changed it meanwhile; throws ConcurrentModificationError
   * otherwise. `extra` actions (e.g. a batch job's completion) join the same transaction; `trailing`
   * ones (the activity history) come after the item changes.
   */
  async save(previous: StoredInstance, next: ProcessInstanceState, model: ProcessModel, extra: WriteAction[] = [], trailing: WriteAction[] = []): Promise<StoredInstance> {
    const version = previous.version + 1;
    const guard = { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': previous.version } };
    const actions: WriteAction[] = [];
    if (next.status === 'ACTIVE') {
      actions.push({ Put: { TableName: this.tableName, Item: this.instanceItem(next, version), ...guard } });
    } else {
      actions.push({ Delete: { TableName: this.tableName, Key: keys.instance(next.id), ...guard } });
    }
    actions.push(...extra);
    if (
      previous.state.status !== next.status ||
      previous.state.businessKey !== next.businessKey ||
      previous.state.caller?.processInstanceId !== next.caller?.processInstanceId ||
      Boolean(previous.state.suspended) !== Boolean(next.suspended)
    ) {
      actions.push({ Put: { TableName: this.tableName, Item: historicInstanceItem(next, model, this.layout) } });
      // The listing changes only here: modifications, the bulk of all writes, leave it (and its four index entries) alone.
      if (next.status === 'ACTIVE') actions.push({ Put: { TableName: this.tableName, Item: listingItem(next, this.layout) } });
      else actions.push({ Delete: { TableName: this.tableName, Key: keys.instanceListing(next.id) } });
    }
    // After a change that did not finish its items, diff against what is really stored.
    const changes = previous.itemsIncomplete ? diffItems(await this.storedItems(next.id), projectQueryItems(next, model, this.layout)) : diffInstanceItems(previous.state, next, model, this.layout);
    for (const item of changes.puts) actions.push({ Put: { TableName: this.tableName, Item: item } });
    for (const key of changes.deletes) actions.push({ Delete: { TableName: this.tableName, Key: key } });
    actions.push(...trailing);
    await this.write(next.id, actions, next.status === 'ACTIVE' ? version : undefined, new Set(trailing));
    return { state: next, version };
  }

  /**
   * Running instances oldest first (start time, then id), from the narrowest index the filter names:
   * business key, definition id, definition key, or all. Lazy: a consumer that stops early reads
   * about one page per shard.
   */
  listings(filter: ListingFilter = {}, hint: ReadHint = {}): AsyncGenerator<InstanceListing> {
    return mapItems(this.reader.ordered(this.listingRange(filter), hint), toListing);
  }

  /** The listings of the running instances among `ids`, oldest first (a few ids: one read each). */
  async listingsOf(ids: readonly string[]): Promise<InstanceListing[]> {
    const items = await Promise.all(ids.map((id) => this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.instanceListing(id) }))));
    return items.flatMap(({ Item: item }) => (item ? [toListing(item as Item)] : [])).sort((a, b) => a.startTime - b.startTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** How many running instances the narrowest index of the filter holds (counted by DynamoDB). */
  countListings(filter: ListingFilter = {}): Promise<number> {
    return this.reader.count(this.listingRange(filter));
  }

  /** The filters of `filter` that listings(filter) answered by its index; the caller checks the others. */
  static indexedBy(filter: ListingFilter): keyof ListingFilter | undefined {
    if (filter.businessKey) return 'businessKey';
    if (filter.processDefinitionId) return 'processDefinitionId';
    if (filter.processDefinitionKey) return 'processDefinitionKey';
    return undefined;
  }

  private listingRange(filter: ListingFilter): IndexRange {
    const by = InstanceRepository.indexedBy(filter);
    if (by === 'businessKey') return { index: 'gsi4', partitions: [`PIBK#${filter.businessKey}`] };
    if (by === 'processDefinitionId') return { index: 'gsi2', partitions: allShards(`PIDEF#${filter.processDefinitionId}`, this.layout) };
    if (by === 'processDefinitionKey') return { index: 'gsi3', partitions: allShards(`PIKEY#${filter.processDefinitionKey}`, this.layout) };
    return { index: 'gsi1', partitions: allShards('PI', this.layout) };
  }

  private instanceItem(state: ProcessInstanceState, version: number): Item {
    return {
      ...keys.instance(state.id),
      kind: 'instance',
      version,
      state: encodeState(state),
      definitionId: state.definitionId,
      definitionKey: state.definitionKey,
      businessKey: state.businessKey ?? null,
      tenantId: state.tenantId ?? null,
    };
  }

  /**
   * One transaction for the guarded instance write and as many item changes as fit. A larger change
   * marks the instance `itemsIncomplete` and writes the rest in further transactions, each guarded by
   * the new version; the last one clears the mark. If another writer moves the instance on first,
   * the remaining query item changes are dropped and that writer reconciles against the stored
   * items instead; the remaining `history` puts are written anyway (nothing else would write them),
   * but for the snapshots (SNAPSHOT_KINDS), which that writer's own history may have replaced.
   */
  private async write(instanceId: string, actions: WriteAction[], newVersion?: number, history: ReadonlySet<WriteAction> = new Set()): Promise<void> {
    const split = actions.length > TRANSACTION_LIMIT && newVersion !== undefined;
    const first = actions.slice(0, TRANSACTION_LIMIT);
    if (split) (first[0] as { Put: { Item: Item } }).Put.Item.itemsIncomplete = true;
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: first as never }));
    } catch (error) {
      if (isConditionalFailure(error) || isTransactionConflict(error)) throw new ConcurrentModificationError(instanceId);
      throw error;
    }
    if (!split) {
      await this.writeUnguarded(actions.slice(TRANSACTION_LIMIT));
      return;
    }
    const rest = actions.slice(TRANSACTION_LIMIT);
    const chunk = TRANSACTION_LIMIT - 1;
    for (let i = 0; i < rest.length; i += chunk) {
      const last = i + chunk >= rest.length;
      const guard = {
        Update: {
          TableName: this.tableName,
          Key: keys.instance(instanceId),
          UpdateExpression: last ? 'REMOVE itemsIncomplete' : 'SET itemsIncomplete = :t',
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: last ? { ':v': newVersion } : { ':v': newVersion, ':t': true },
        },
      };
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: [guard, ...rest.slice(i, i + chunk)] as never }));
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        // The history of the committed version is still due (the writer that got in reconciles only
        // query items): the records each written once are; the snapshots rewritten on every change
        // (a task, a variable's value) are not, as that writer may have written a newer one already.
        await this.writeUnguarded(rest.slice(i).filter((action) => history.has(action) && !SNAPSHOT_KINDS.has(String((action.Put as { Item?: Item } | undefined)?.Item?.kind))));
        return;
      }
    }
  }

  /** Items of an instance that just ended (no instance item left to guard): idempotent deletes. */
  private async writeUnguarded(actions: WriteAction[]): Promise<void> {
    for (let i = 0; i < actions.length; i += 25) {
      const requests = actions
        .slice(i, i + 25)
        .map((action) => ('Put' in action ? { PutRequest: { Item: (action.Put as { Item: Item }).Item } } : { DeleteRequest: { Key: (action.Delete as { Key: unknown }).Key } }));
      let pending: unknown = { [this.tableName]: requests };
      while (pending && Object.keys(pending as object).length > 0) {
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: pending as never }));
        pending = result.UnprocessedItems;
      }
    }
  }
}

/**
 * The listing item of a running instance: what the lists show, under every index they read. The
 * state item carries no index keys: DynamoDB copies an item into an index on every write, and the
 * state is rewritten (often at hundreds of KB) by every command.
 */
export function listingItem(state: ProcessInstanceState, layout: IndexLayout): Item {
  const started = `${timeKey(state.startTime)}#${state.id}`;
  return {
    ...keys.instanceListing(state.id),
    kind: 'instanceListing',
    id: state.id,
    definitionId: state.definitionId,
    definitionKey: state.definitionKey,
    businessKey: state.businessKey ?? null,
    tenantId: state.tenantId ?? null,
    startTime: state.startTime,
    superProcessInstanceId: state.caller?.processInstanceId ?? null,
    rootProcessInstanceId: state.caller?.rootProcessInstanceId ?? state.id,
    suspended: state.suspended === true,
    gsi1pk: shardKey('PI', state.id, layout),
    gsi1sk: started,
    gsi2pk: shardKey(`PIDEF#${state.definitionId}`, state.id, layout),
    gsi2sk: started,
    gsi3pk: shardKey(`PIKEY#${state.definitionKey}`, state.id, layout),
    gsi3sk: started,
    // Few instances share a business key, so its partition is not sharded: one Query answers it.
    gsi4pk: state.businessKey ? `PIBK#${state.businessKey}` : undefined,
    gsi4sk: state.businessKey ? started : undefined,
  };
}

/**
 * A called instance's entry under its caller's history row: the historic query by super instance
 * finds the instances an instance called (ended or not) in one Query, whatever the caller's state.
 */
function calledLink(state: ProcessInstanceState, tableName: string): WriteAction[] {
  if (!state.caller) return [];
  return [{ Put: { TableName: tableName, Item: { ...keys.calledInstanceLink(state.caller.processInstanceId, state.id), kind: 'calledInstanceLink', id: state.id } } }];
}

function toListing(item: Item): InstanceListing {
  return {
    id: item.id as string,
    definitionId: item.definitionId as string,
    definitionKey: item.definitionKey as string,
    businessKey: (item.businessKey as string | null) ?? null,
    tenantId: (item.tenantId as string | null) ?? null,
    startTime: item.startTime as number,
    superProcessInstanceId: (item.superProcessInstanceId as string | null) ?? null,
    rootProcessInstanceId: (item.rootProcessInstanceId as string | undefined) ?? (item.id as string),
    suspended: item.suspended === true,
  };
}

async function* mapItems<T>(items: AsyncIterable<Item>, map: (item: Item) => T): AsyncGenerator<T> {
  for await (const item of items) yield map(item);
}
