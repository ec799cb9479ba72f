import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { queryAllPages, withoutKeys } from './paging.ts';
import { keys, timeKey, versionKey } from './keys.ts';
import type { Item } from './projections.ts';

export interface DeploymentRecord {
  id: string;
  name: string | null;
  source: string | null;
  deploymentTime: number;
  tenantId: string | null;
}

export interface DefinitionRecord {
  id: string;
  key: string;
  name: string | null;
  version: number;
  deploymentId: string;
  resourceName: string;
  tenantId: string | null;
  /** The process's camunda:versionTag (absent on definitions deployed before it was recorded). */
  versionTag?: string | null;
  xml: string;
}

export interface ResourceRecord {
  deploymentId: string;
  name: string;
  xml: string;
}

/** Deployments, their BPMN resources and the process definitions they produced. */
export class DefinitionRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Reserves the next version of a key atomically (two concurrent deployments never share one). */
  async nextVersion(key: string, tenantId: string | null): Promise<number> {
    const result = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.definitionVersionCounter(key, tenantId ?? undefined),
        UpdateExpression: 'ADD version :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return result.Attributes?.version as number;
  }

  /**
   * Writes a deployment. `startEventActions` (put, delete and condition actions on the start event
   * items) come last: start events never point at a definition not written yet. A deployment that
   * fits in one transaction (100 actions) is all or nothing.
   */
  async saveDeployment(deployment: DeploymentRecord, resources: ResourceRecord[], definitions: DefinitionRecord[], startEventActions: Record<string, unknown>[] = []): Promise<void> {
    const puts: Item[] = [
      { ...keys.deployment(deployment.id), kind: 'deployment', ...deployment, gsi1pk: 'DEPLOYMENT', gsi1sk: `${timeKey(deployment.deploymentTime)}#${deployment.id}` },
      ...resources.map((r) => ({ ...keys.resource(r.deploymentId, r.name), kind: 'resource', ...r })),
      ...definitions.map((d) => ({
        ...keys.definition(d.id),
        kind: 'definition',
        ...d,
        gsi1pk: `DEFKEY#${d.tenantId ?? ''}#${d.key}`,
        gsi1sk: versionKey(d.version),
        gsi2pk: 'DEFINITION',
        gsi2sk: `${d.key}#${versionKey(d.version)}#${d.id}`,
      })),
    ];
    const actions = [...puts.map((Item) => ({ Put: { TableName: this.tableName, Item } })), ...startEventActions];
    for (let i = 0; i < actions.length; i += 100) {
      await this.doc.send(new TransactWriteCommand({ TransactItems: actions.slice(i, i + 100) as never }));
    }
  }

  async getDeployment(id: string): Promise<DeploymentRecord | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.deployment(id) }));
    return item ? withoutKeys<DeploymentRecord>(item as Item) : undefined;
  }

  async listDeployments(): Promise<DeploymentRecord[]> {
    return (await this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'DEPLOYMENT' } })).map((i) => withoutKeys<DeploymentRecord>(i));
  }

  async listResources(deploymentId: string): Promise<ResourceRecord[]> {
    return (
      await this.query({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `DEPLOYMENT#${deploymentId}`, ':prefix': 'RESOURCE#' },
      })
    ).map((i) => withoutKeys<ResourceRecord>(i));
  }

  async getDefinition(id: string): Promise<DefinitionRecord | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.definition(id) }));
    return item ? withoutKeys<DefinitionRecord>(item as Item) : undefined;
  }

  async latestDefinition(key: string, tenantId: string | null): Promise<DefinitionRecord | undefined> {
    const items = await this.query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `DEFKEY#${tenantId ?? ''}#${key}` },
        ScanIndexForward: false,
        Limit: 1,
      },
      1,
    );
    return items[0] ? withoutKeys<DefinitionRecord>(items[0]) : undefined;
  }

  /** Every version of a key in one tenant (few per key: one Query). */
  async definitionsOfKey(key: string, tenantId: string | null): Promise<DefinitionRecord[]> {
    const items = await this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `DEFKEY#${tenantId ?? ''}#${key}` } });
    return items.map((item) => withoutKeys<DefinitionRecord>(item));
  }

  async listDefinitions(): Promise<DefinitionRecord[]> {
    return (await this.query({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': 'DEFINITION' } })).map((i) => withoutKeys<DefinitionRecord>(i));
  }

  async deleteDeployment(deploymentId: string, definitionIds: string[]): Promise<void> {
    const resources = await this.listResources(deploymentId);
    const deletes = [keys.deployment(deploymentId), ...resources.map((r) => keys.resource(deploymentId, r.name)), ...definitionIds.map((id) => keys.definition(id))];
    for (let i = 0; i < deletes.length; i += 100) {
      await this.doc.send(new TransactWriteCommand({ TransactItems: deletes.slice(i, i + 100).map((Key) => ({ Delete: { TableName: this.tableName, Key } })) }));
    }
  }

  private query(input: Record<string, unknown>, max = Number.POSITIVE_INFINITY): Promise<Item[]> {
    return queryAllPages(this.doc, { TableName: this.tableName, ...input }, max);
  }
}
