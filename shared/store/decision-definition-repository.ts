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

/** A decision requirements graph (Camunda's DecisionRequirementsDefinitionEntity): a DMN resource with several decisions. */
export interface DecisionRequirementsRecord {
  id: string;
  key: string;
  name: string | null;
  category: string | null;
  version: number;
  deploymentId: string;
  resourceName: string;
  tenantId: string | null;
  diagramResourceName: string | null;
}

/** Where each family lives: its items, its index by key and version (gsi1), its list (gsi2). */
const FAMILIES = {
  decision: { prefix: 'DECISION', keyIndex: 'DECKEY', list: 'DECISION', kind: 'decisionDefinition' },
  graph: { prefix: 'DRD', keyIndex: 'DRDKEY', list: 'DRD', kind: 'decisionRequirementsDefinition' },
} as const;
type Family = (typeof FAMILIES)[keyof typeof FAMILIES];

const itemKey = (family: Family, id: string) => ({ pk: `${family.prefix}#${id}`, sk: family.prefix });
const decisionKey = (id: string) => itemKey(FAMILIES.decision, id);
/** Version counters of decision keys and of decision requirements graph keys: their own families beside processes'. */
const counterKey = (family: 'DECKEY' | 'DRDKEY', key: string, tenantId: string | null) => ({ pk: `${family}#${tenantId ?? ''}#${key}`, sk: 'COUNTER' });

/**
 * Decision definitions and decision requirements graphs, written and seen as process definitions
 * are: pending until their deployment commits (DefinitionRepository decides what is visible), by key
 * and version through gsi1, all of a family through gsi2.
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
  async writePending(decisions: readonly DecisionDefinitionRecord[], graphs: readonly DecisionRequirementsRecord[] = []): Promise<void> {
    const items = [...decisions.map((d) => familyItem(FAMILIES.decision, d, true)), ...graphs.map((g) => familyItem(FAMILIES.graph, g, true))];
    await this.definitions.batchWrite(items.map((Item) => ({ PutRequest: { Item } })));
  }

  async settle(decisions: readonly DecisionDefinitionRecord[], graphs: readonly DecisionRequirementsRecord[] = []): Promise<void> {
    const keys = [...decisions.map((d) => decisionKey(d.id)), ...graphs.map((g) => itemKey(FAMILIES.graph, g.id))];
    for (const key of keys) {
      await this.doc.send(new UpdateCommand({ TableName: this.tableName, Key: key, UpdateExpression: 'REMOVE pending', ConditionExpression: 'attribute_exists(pk)' })).catch((error: unknown) => {
        if (!isConditionalFailure(error)) throw error;
      });
    }
  }

  async remove(ids: readonly string[], graphIds: readonly string[] = []): Promise<void> {
    const keys = [...ids.map((id) => decisionKey(id)), ...graphIds.map((id) => itemKey(FAMILIES.graph, id))];
    await this.definitions.batchWrite(keys.map((Key) => ({ DeleteRequest: { Key } })));
  }

  get(id: string): Promise<DecisionDefinitionRecord | undefined> {
    return this.getOf<DecisionDefinitionRecord>(FAMILIES.decision, id);
  }

  list(): Promise<DecisionDefinitionRecord[]> {
    return this.listOf<DecisionDefinitionRecord>(FAMILIES.decision);
  }

  /** Every version of a key in one tenant. */
  ofKey(key: string, tenantId: string | null): Promise<DecisionDefinitionRecord[]> {
    return this.ofKeyOf<DecisionDefinitionRecord>(FAMILIES.decision, key, tenantId);
  }

  async latest(key: string, tenantId: string | null): Promise<DecisionDefinitionRecord | undefined> {
    return (await this.ofKey(key, tenantId)).sort((a, b) => b.version - a.version)[0];
  }

  getGraph(id: string): Promise<DecisionRequirementsRecord | undefined> {
    return this.getOf<DecisionRequirementsRecord>(FAMILIES.graph, id);
  }

  listGraphs(): Promise<DecisionRequirementsRecord[]> {
    return this.listOf<DecisionRequirementsRecord>(FAMILIES.graph);
  }

  async latestGraph(key: string, tenantId: string | null): Promise<DecisionRequirementsRecord | undefined> {
    return (await this.ofKeyOf<DecisionRequirementsRecord>(FAMILIES.graph, key, tenantId)).sort((a, b) => b.version - a.version)[0];
  }

  private async getOf<T>(family: Family, id: string): Promise<T | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: itemKey(family, id) }));
    return item && (await this.definitions.visible(item as Item)) ? toRecord<T>(item as Item) : undefined;
  }

  private async listOf<T>(family: Family): Promise<T[]> {
    return this.visible<T>(await this.query({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': family.list } }));
  }

  private async ofKeyOf<T>(family: Family, key: string, tenantId: string | null): Promise<T[]> {
    return this.visible<T>(await this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `${family.keyIndex}#${tenantId ?? ''}#${key}` } }));
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

  private async visible<T>(items: Item[]): Promise<T[]> {
    const seen = await Promise.all(items.map((item) => this.definitions.visible(item)));
    return items.filter((_, i) => seen[i]).map((item) => toRecord<T>(item));
  }

  private query(input: Record<string, unknown>): Promise<Item[]> {
    return queryAllPages(this.doc, { TableName: this.tableName, ...input });
  }
}

function familyItem(family: Family, d: { id: string; key: string; version: number; tenantId: string | null }, pending: boolean): Item {
  return {
    ...itemKey(family, d.id),
    kind: family.kind,
    ...d,
    ...(pending ? { pending: true } : {}),
    gsi1pk: `${family.keyIndex}#${d.tenantId ?? ''}#${d.key}`,
    gsi1sk: versionKey(d.version),
    gsi2pk: family.list,
    gsi2sk: `${d.key}#${versionKey(d.version)}#${d.id}`,
  };
}

function toRecord<T>(item: Item): T {
  const { pending: _pending, kind: _kind, ...record } = withoutKeys<Record<string, unknown>>(item);
  return record as T;
}
