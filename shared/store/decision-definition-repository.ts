import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DefinitionRepository } from './definition-repository.ts';
import { isConditionalFailure } from './errors.ts';
import { queryAllPages, withoutKeys } from './paging.ts';
import { versionKey } from './keys.ts';
import type { Item } from './projections.ts';

/** A deployed decision (Camunda's DecisionDefinitionEntity); its DMN is its deployment's resource. */
export interface DecisionDefinitionRecord {
  id: string;
  key: string;
  name: string | null;
  /** The namespace of the DMN `definitions` it came from (Camunda's category). */
  category: string | null;
  version: number;
  deploymentId: string;
  resourceName: string;
  tenantId: string | null;
  /** Set only when its resource holds several decisions (Camunda persists no graph for a single one). */
  decisionRequirementsDefinitionId: string | null;
  decisionRequirementsDefinitionKey: string | null;
  historyTimeToLive: number | null;
  versionTag: string | null;
  diagramResourceName: string | null;
}

const decisionKey = (id: string) => ({ pk: `DECISION#${id}`, sk: 'DECISION' });
/** Version counters of decision keys and of decision requirements graph keys: their own families beside processes'. */
const counterKey = (family: 'DECKEY' | 'DRDKEY', key: string, tenantId: string | null) => ({ pk: `${family}#${tenantId ?? ''}#${key}`, sk: 'COUNTER' });

/**
 * Decision definitions, written and seen as process definitions are: pending until their deployment
 * commits (DefinitionRepository decides what is visible), by key and version through gsi1, all of
 * them through gsi2.
 */
export class DecisionDefinitionRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly definitions: DefinitionRepository,
  ) {}

  /** Reserves the next version of a decision key, or of a decision requirements graph key. */
  async nextVersion(family: 'DECKEY' | 'DRDKEY', key: string, tenantId: string | null): Promise<number> {
    const result = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: counterKey(family, key, tenantId),
        UpdateExpression: 'ADD version :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return result.Attributes?.version as number;
  }

  /** Gives back a version a failed deployment reserved, unless a later one was reserved meanwhile. */
  async releaseVersion(family: 'DECKEY' | 'DRDKEY', key: string, tenantId: string | null, version: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: counterKey(family, key, tenantId),
          UpdateExpression: 'SET version = :previous',
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': version, ':previous': version - 1 },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /** Written before the deployment commits, marked pending: seen only once it has. */
  async writePending(decisions: readonly DecisionDefinitionRecord[]): Promise<void> {
    await this.definitions.batchWrite(decisions.map((decision) => ({ PutRequest: { Item: decisionItem(decision, true) } })));
  }

  async settle(decisions: readonly DecisionDefinitionRecord[]): Promise<void> {
    for (const decision of decisions) {
      await this.doc
        .send(new UpdateCommand({ TableName: this.tableName, Key: decisionKey(decision.id), UpdateExpression: 'REMOVE pending', ConditionExpression: 'attribute_exists(pk)' }))
        .catch((error: unknown) => {
          if (!isConditionalFailure(error)) throw error;
        });
    }
  }

  async remove(ids: readonly string[]): Promise<void> {
    await this.definitions.batchWrite(ids.map((id) => ({ DeleteRequest: { Key: decisionKey(id) } })));
  }

  async get(id: string): Promise<DecisionDefinitionRecord | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: decisionKey(id) }));
    return item && (await this.definitions.visible(item as Item)) ? toRecord(item as Item) : undefined;
  }

  async list(): Promise<DecisionDefinitionRecord[]> {
    return this.visible(await this.query({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': 'DECISION' } }));
  }

  /** Every version of a key in one tenant. */
  async ofKey(key: string, tenantId: string | null): Promise<DecisionDefinitionRecord[]> {
    return this.visible(await this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `DECKEY#${tenantId ?? ''}#${key}` } }));
  }

  async latest(key: string, tenantId: string | null): Promise<DecisionDefinitionRecord | undefined> {
    return (await this.ofKey(key, tenantId)).sort((a, b) => b.version - a.version)[0];
  }

  /** PUT …/history-time-to-live: the one field of a decision definition that changes. */
  async setHistoryTimeToLive(id: string, days: number | null): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: decisionKey(id),
              ...(days === null
                ? { UpdateExpression: 'SET historyTimeToLive = :null', ExpressionAttributeValues: { ':null': null } }
                : { UpdateExpression: 'SET historyTimeToLive = :days', ExpressionAttributeValues: { ':days': days } }),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ],
      }),
    );
  }

  private async visible(items: Item[]): Promise<DecisionDefinitionRecord[]> {
    const seen = await Promise.all(items.map((item) => this.definitions.visible(item)));
    return items.filter((_, i) => seen[i]).map(toRecord);
  }

  private query(input: Record<string, unknown>): Promise<Item[]> {
    return queryAllPages(this.doc, { TableName: this.tableName, ...input });
  }
}

function decisionItem(d: DecisionDefinitionRecord, pending: boolean): Item {
  return {
    ...decisionKey(d.id),
    kind: 'decisionDefinition',
    ...d,
    ...(pending ? { pending: true } : {}),
    gsi1pk: `DECKEY#${d.tenantId ?? ''}#${d.key}`,
    gsi1sk: versionKey(d.version),
    gsi2pk: 'DECISION',
    gsi2sk: `${d.key}#${versionKey(d.version)}#${d.id}`,
  };
}

function toRecord(item: Item): DecisionDefinitionRecord {
  const { pending: _pending, kind: _kind, ...record } = withoutKeys<DecisionDefinitionRecord & { pending?: boolean; kind?: string }>(item);
  return record;
}
