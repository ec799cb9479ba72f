import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ProcessModel } from '../bpmn/model.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { ConcurrentModificationError, isConditionalFailure } from './errors.ts';
import { historicInstanceItem } from './history-items.ts';
import { keys, timeKey } from './keys.ts';
import { queryAllPages } from './paging.ts';
import { diffItems, type Item, projectQueryItems } from './projections.ts';

/** A stored instance with the version its next conditional write must match. */
export interface StoredInstance {
  state: ProcessInstanceState;
  version: number;
}

/** DynamoDB allows 100 actions per transaction; the instance write takes one. */
const TRANSACTION_LIMIT = 100;

type WriteAction = Record<string, unknown>;

/**
 * Process instances: the engine state as one item with a version, plus its query items and its
 * history row, all changed in one TransactWriteItems guarded by the version (optimistic locking).
 */
export class InstanceRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<StoredInstance | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.instance(id), ConsistentRead: true }));
    if (!item) return undefined;
    return { state: JSON.parse(item.state as string) as ProcessInstanceState, version: item.version as number };
  }

  /** Writes a new instance (and its history row); an ended-at-start instance only leaves history. */
  async create(state: ProcessInstanceState, model: ProcessModel): Promise<StoredInstance> {
    const actions: WriteAction[] = [{ Put: { TableName: this.tableName, Item: historicInstanceItem(state, model) } }];
    if (state.status === 'ACTIVE') {
      actions.push({ Put: { TableName: this.tableName, Item: this.instanceItem(state, 1), ConditionExpression: 'attribute_not_exists(pk)' } });
      for (const item of projectQueryItems(state, model)) actions.push({ Put: { TableName: this.tableName, Item: item } });
    }
    await this.write(state.id, actions);
    return { state, version: 1 };
  }

  /**
   * Replaces `previous` with `next` if nobody changed it meanwhile; throws ConcurrentModificationError
   * otherwise. `extra` actions (e.g. a batch job's completion) join the same transaction.
   */
  async save(previous: StoredInstance, next: ProcessInstanceState, model: ProcessModel, extra: WriteAction[] = []): Promise<StoredInstance> {
    const version = previous.version + 1;
    const guard = { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': previous.version } };
    const actions: WriteAction[] = [];
    if (next.status === 'ACTIVE') {
      actions.push({ Put: { TableName: this.tableName, Item: this.instanceItem(next, version), ...guard } });
    } else {
      actions.push({ Delete: { TableName: this.tableName, Key: keys.instance(next.id), ...guard } });
    }
    actions.push(...extra);
    if (previous.state.status !== next.status || previous.state.businessKey !== next.businessKey) {
      actions.push({ Put: { TableName: this.tableName, Item: historicInstanceItem(next, model) } });
    }
    const changes = diffItems(projectQueryItems(previous.state, model), projectQueryItems(next, model));
    for (const item of changes.puts) actions.push({ Put: { TableName: this.tableName, Item: item } });
    for (const key of changes.deletes) actions.push({ Delete: { TableName: this.tableName, Key: key } });
    await this.write(next.id, actions);
    return { state: next, version };
  }

  /** Instances of a definition (or all), newest first, from the instance index. */
  async list(filter: { processDefinitionId?: string } = {}): Promise<StoredInstance[]> {
    const byDefinition = filter.processDefinitionId !== undefined;
    const items = await this.queryAll({
      IndexName: byDefinition ? 'gsi2' : 'gsi1',
      KeyConditionExpression: byDefinition ? 'gsi2pk = :pk' : 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': byDefinition ? `PIDEF#${filter.processDefinitionId}` : 'PI' },
    });
    return items.map((item) => ({ state: JSON.parse(item.state as string) as ProcessInstanceState, version: item.version as number }));
  }

  queryAll(input: Record<string, unknown>): Promise<Item[]> {
    return queryAllPages(this.doc, { TableName: this.tableName, ...input });
  }

  private instanceItem(state: ProcessInstanceState, version: number): Item {
    return {
      ...keys.instance(state.id),
      kind: 'instance',
      version,
      state: JSON.stringify(state),
      definitionId: state.definitionId,
      definitionKey: state.definitionKey,
      businessKey: state.businessKey ?? null,
      tenantId: state.tenantId ?? null,
      gsi1pk: 'PI',
      gsi1sk: `${timeKey(state.startTime)}#${state.id}`,
      gsi2pk: `PIDEF#${state.definitionId}`,
      gsi2sk: `${timeKey(state.startTime)}#${state.id}`,
    };
  }

  /**
   * One transaction for the guarded instance write and as many item changes as fit; the rest are
   * idempotent query-item puts/deletes written right after (only very large changes need that).
   */
  private async write(instanceId: string, actions: WriteAction[]): Promise<void> {
    const first = actions.slice(0, TRANSACTION_LIMIT);
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: first as never }));
    } catch (error) {
      if (isConditionalFailure(error)) throw new ConcurrentModificationError(instanceId);
      throw error;
    }
    const rest = actions.slice(TRANSACTION_LIMIT);
    for (let i = 0; i < rest.length; i += 25) {
      const requests = rest.slice(i, i + 25).map((action) =>
        'Put' in action ? { PutRequest: { Item: (action.Put as { Item: Item }).Item } } : { DeleteRequest: { Key: (action.Delete as { Key: unknown }).Key } },
      );
      let pending: unknown = { [this.tableName]: requests };
      while (pending && Object.keys(pending as object).length > 0) {
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: pending as never }));
        pending = result.UnprocessedItems;
      }
    }
  }
}
