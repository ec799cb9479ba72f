import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalFailure } from './errors.ts';
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
  /** The deployment's image of this process (Camunda's diagramResourceName), if it has one. */
  diagramResourceName?: string | null;
  /** Suspended: no instance starts (PUT /process-definition/{id}/suspended). Absent: active. */
  suspended?: boolean;
  /** camunda:historyTimeToLive, or as PUT …/history-time-to-live set it (absent on definitions stored before it was). */
  historyTimeToLive?: number | null;
  /**
   * Only on definitions stored before deployments were split across items: the XML is read from the
   * deployment's resource (definitionXml), which may be larger than one item.
   */
  xml?: string;
}

/** What a definition record holds, without the XML old items carry (names `key` and `name` are reserved words). */
const DEFINITION_FIELDS = 'pk, sk, id, #key, #name, version, deploymentId, resourceName, tenantId, versionTag, diagramResourceName, suspended, historyTimeToLive, pending';

/** How long a container takes a pending definition's deployment for uncommitted before it looks again. */
const UNCOMMITTED_MEMORY_MS = 2_000;

/** A resource is stored in parts of at most this many UTF-16 code units (at most 3 bytes each: under an item's 400 KB). */
export const RESOURCE_PART_CHARS = 100 * 1024;

export interface ResourceRecord {
  deploymentId: string;
  name: string;
  /** The content: text, or base64 for a binary resource (an image). */
  xml: string;
  /** Absent on resources stored before resources had ids: their name stands in. */
  id?: string;
  encoding?: 'base64';
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
   * Gives back a version a failed deployment reserved, if no deployment reserved one after it (then
   * the number stays used, as with a concurrent deployment in Camunda).
   */
  async releaseVersion(key: string, tenantId: string | null, version: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.definitionVersionCounter(key, tenantId ?? undefined),
          UpdateExpression: 'SET version = :previous',
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': version, ':previous': version - 1 },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /**
   * First half of a deployment: its resources (split into parts, whatever their size) and its
   * definitions, marked pending, in as many writes as they need. A pending definition is seen only
   * once its deployment item exists (visible), so none is seen before commitDeployment and none
   * ever if it fails; removeUncommitted then takes them back.
   */
  async writePending(resources: readonly ResourceRecord[], definitions: readonly DefinitionRecord[]): Promise<void> {
    const items = [...resources.flatMap((resource) => resourceItems(resource)), ...definitions.map((definition) => definitionItem(definition, true))];
    await this.batchWrite(items.map((Item) => ({ PutRequest: { Item } })));
  }

  /**
   * The commit: the deployment item, with the start event actions, in one transaction. From this
   * moment its definitions are seen (all of them); settleDeployment then clears their marks, so
   * reads no longer look the deployment up.
   */
  async commitDeployment(deployment: DeploymentRecord, startEventActions: Record<string, unknown>[] = []): Promise<void> {
    const item = { ...keys.deployment(deployment.id), kind: 'deployment', ...deployment, gsi1pk: 'DEPLOYMENT', gsi1sk: `${timeKey(deployment.deploymentTime)}#${deployment.id}` };
    await this.doc.send(
      new TransactWriteCommand({ TransactItems: [{ Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }, ...startEventActions] as never }),
    );
    this.committed.add(deployment.id);
  }

  /**
   * Clears the pending marks of a committed deployment's definitions (reads are right either way);
   * a definition deleted meanwhile (its deployment was) is not brought back.
   */
  async settleDeployment(definitions: readonly DefinitionRecord[]): Promise<void> {
    for (let i = 0; i < definitions.length; i += 25) {
      await Promise.all(
        definitions.slice(i, i + 25).map((definition) =>
          this.doc
            .send(new UpdateCommand({ TableName: this.tableName, Key: keys.definition(definition.id), UpdateExpression: 'REMOVE pending', ConditionExpression: 'attribute_exists(pk)' }))
            .catch((error: unknown) => {
              if (!isConditionalFailure(error)) throw error;
            }),
        ),
      );
    }
  }

  /** Whether the deployment item exists (read consistently): after a commit whose answer was lost, it tells whether it happened. */
  async deploymentExists(deploymentId: string): Promise<boolean> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.deployment(deploymentId), ConsistentRead: true, ProjectionExpression: 'pk' }));
    return item !== undefined;
  }

  /** Deployments known to be committed (forgotten when deleted here), and for a few seconds those known not to be. */
  private readonly committed = new Set<string>();
  private readonly uncommitted = new Map<string, number>();

  /** Whether a stored definition (of a process or a decision) is seen: settled, or pending in a committed deployment. */
  async visible(item: Item): Promise<boolean> {
    if (item.pending !== true) return true;
    const deploymentId = item.deploymentId as string;
    if (this.committed.has(deploymentId)) return true;
    // Orphans of a deployment that died before committing stay pending: they are not looked up on every read.
    if ((this.uncommitted.get(deploymentId) ?? 0) > Date.now()) return false;
    if (!(await this.deploymentExists(deploymentId))) {
      if (this.uncommitted.size > 1000) this.uncommitted.clear();
      this.uncommitted.set(deploymentId, Date.now() + UNCOMMITTED_MEMORY_MS);
      return false;
    }
    if (this.committed.size > 1000) this.committed.clear();
    this.committed.add(deploymentId);
    return true;
  }

  private async visibleDefinitions(items: Item[]): Promise<DefinitionRecord[]> {
    const seen = await Promise.all(items.map((item) => this.visible(item)));
    return items.filter((_, i) => seen[i]).map((item) => toDefinition(item));
  }

  /** Everything a deployment wrote before its commit failed: resources, their parts, pending definitions. */
  async removeUncommitted(deploymentId: string, definitionIds: readonly string[]): Promise<void> {
    const items = await this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `DEPLOYMENT#${deploymentId}` }, ProjectionExpression: 'pk, sk' });
    // Never the deployment item: a commit whose answer was lost may have written it, and then it stands.
    const resources = items.filter((item) => item.sk !== keys.deployment(deploymentId).sk);
    const keysToDelete = [...resources.map((item) => ({ pk: item.pk, sk: item.sk })), ...definitionIds.map((id) => keys.definition(id))];
    await this.batchWrite(keysToDelete.map((Key) => ({ DeleteRequest: { Key } })));
  }

  /** The XML a definition was parsed from: its resource, joined from its parts. */
  async definitionXml(definition: DefinitionRecord): Promise<string> {
    if (definition.xml !== undefined) return definition.xml;
    return this.resourceXml(definition.deploymentId, definition.resourceName);
  }

  /** A deployment's resource as text, joined from its parts. */
  async resourceXml(deploymentId: string, resourceName: string): Promise<string> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.resource(deploymentId, resourceName) }));
    if (!item) throw new Error(`Resource '${resourceName}' of deployment '${deploymentId}' is missing`);
    return this.joinParts(item as Item);
  }

  private async joinParts(item: Item): Promise<string> {
    const parts = (item.parts as number | undefined) ?? 1;
    if (parts <= 1) return item.xml as string;
    const prefix = resourcePartPrefix(item.name as string);
    // The prefix also begins the parts of a resource whose name continues with '#…': only four digits may follow it.
    const found = await this.query({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': item.pk, ':prefix': prefix } });
    const rest = found.filter((part) => /^\d{4}$/.test((part.sk as string).slice(prefix.length)));
    if (rest.length !== parts - 1) throw new Error(`Resource '${item.name as string}' has ${rest.length + 1} of its ${parts} parts`);
    return [item.xml as string, ...rest.sort((a, b) => (a.sk < b.sk ? -1 : 1)).map((part) => part.xml as string)].join('');
  }

  async batchWrite(requests: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: unknown = { [this.tableName]: requests.slice(i, i + 25) };
      for (let attempt = 0; pending && Object.keys(pending as object).length > 0; attempt++) {
        // Unprocessed items mean the table is throttling: back off before the next try, as AWS advises.
        if (attempt > 10) throw new Error('The store kept refusing part of a batch write (throttled)');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2)));
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: pending as never }));
        pending = result.UnprocessedItems;
      }
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
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `DEPLOYMENT#${deploymentId}`, ':prefix': 'RESOURCE#' },
    });
    return Promise.all(
      items.map(async (item) => ({
        deploymentId,
        name: item.name as string,
        xml: await this.joinParts(item),
        // Resources stored before they had ids: one derived from the name, safe in a URL path segment.
        id: (item.resourceId as string | undefined) ?? Buffer.from(item.name as string).toString('base64url'),
        ...(item.encoding === 'base64' ? { encoding: 'base64' as const } : {}),
      })),
    );
  }

  /** Whether a definition is suspended, read consistently: the one field of a definition that changes on starts. */
  async isSuspended(id: string): Promise<boolean> {
    return (await this.mutableFields(id)).suspended;
  }

  /** The fields of a definition that change (suspension, history time to live), read consistently: definitions are cached per container. */
  async mutableFields(id: string): Promise<{ suspended: boolean; historyTimeToLive: number | null }> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.definition(id), ConsistentRead: true, ProjectionExpression: 'suspended, historyTimeToLive' }));
    return { suspended: item?.suspended === true, historyTimeToLive: (item?.historyTimeToLive as number | null | undefined) ?? null };
  }

  /** PUT /process-definition/{id}/history-time-to-live, on a definition that exists. */
  async setHistoryTimeToLive(id: string, days: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.definition(id),
        UpdateExpression: 'SET historyTimeToLive = :days',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':days': days },
      }),
    );
  }

  /** Suspends or activates a definition that exists (a deleted one is left alone). */
  async setSuspended(id: string, suspended: boolean): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.definition(id),
          UpdateExpression: suspended ? 'SET suspended = :true' : 'REMOVE suspended',
          ConditionExpression: 'attribute_exists(pk)',
          ...(suspended ? { ExpressionAttributeValues: { ':true': true } } : {}),
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  async getDefinition(id: string): Promise<DefinitionRecord | undefined> {
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.definition(id) }));
    return item && (await this.visible(item as Item)) ? toDefinition(item as Item) : undefined;
  }

  /** The latest version of a key that is seen (a deployment still committing, or failed, has none). */
  async latestDefinition(key: string, tenantId: string | null): Promise<DefinitionRecord | undefined> {
    const versions = await this.query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `DEFKEY#${tenantId ?? ''}#${key}` },
        // Definitions stored before deployments were split carry their XML: not read here.
        ProjectionExpression: DEFINITION_FIELDS,
        ExpressionAttributeNames: { '#key': 'key', '#name': 'name' },
        ScanIndexForward: false,
        Limit: 5,
      },
      5,
    );
    const newest = await this.visibleDefinitions(versions);
    if (newest.length > 0 || versions.length < 5) return newest[0];
    // Several newer versions unseen: read them all.
    return (await this.definitionsOfKey(key, tenantId)).sort((a, b) => b.version - a.version)[0];
  }

  /** Every version of a key in one tenant (few per key: one Query). */
  async definitionsOfKey(key: string, tenantId: string | null): Promise<DefinitionRecord[]> {
    const items = await this.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `DEFKEY#${tenantId ?? ''}#${key}` } });
    return this.visibleDefinitions(items);
  }

  async listDefinitions(): Promise<DefinitionRecord[]> {
    return this.visibleDefinitions(await this.query({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': 'DEFINITION' } }));
  }

  /** The deployment and its definitions go first (one transaction, so it is gone at once), then its resources. */
  async deleteDeployment(deploymentId: string, definitionIds: string[]): Promise<void> {
    this.committed.delete(deploymentId);
    const deletes = [keys.deployment(deploymentId), ...definitionIds.map((id) => keys.definition(id))];
    for (let i = 0; i < deletes.length; i += 100) {
      await this.doc.send(new TransactWriteCommand({ TransactItems: deletes.slice(i, i + 100).map((Key) => ({ Delete: { TableName: this.tableName, Key } })) }));
    }
    await this.removeUncommitted(deploymentId, []);
  }

  /** Deletes definitions, their deployment left as it is (DELETE /process-definition/{id}). */
  async deleteDefinitions(definitionIds: readonly string[]): Promise<void> {
    for (let i = 0; i < definitionIds.length; i += 100) {
      const batch = definitionIds.slice(i, i + 100).map((id) => ({ Delete: { TableName: this.tableName, Key: keys.definition(id) } }));
      await this.doc.send(new TransactWriteCommand({ TransactItems: batch }));
    }
  }

  private query(input: Record<string, unknown>, max = Number.POSITIVE_INFINITY): Promise<Item[]> {
    return queryAllPages(this.doc, { TableName: this.tableName, ...input }, max);
  }
}

/** The sort key prefix of a resource's further parts: not under `RESOURCE#`, so listings see one item per resource. */
function resourcePartPrefix(name: string): string {
  return `RESOURCEPART#${name}#`;
}

/** A resource as items: the first holds the number of parts, each further part its own item. */
export function resourceItems(resource: ResourceRecord): Item[] {
  const parts: string[] = [];
  for (let i = 0; i < resource.xml.length; ) {
    let end = Math.min(i + RESOURCE_PART_CHARS, resource.xml.length);
    // Never between the two halves of a surrogate pair (a character outside the BMP): each part must be valid text.
    const last = resource.xml.charCodeAt(end - 1);
    if (end < resource.xml.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parts.push(resource.xml.slice(i, end));
    i = end;
  }
  if (parts.length === 0) parts.push('');
  const { deploymentId, name } = resource;
  const extra = { ...(resource.id ? { resourceId: resource.id } : {}), ...(resource.encoding ? { encoding: resource.encoding } : {}) };
  return [
    { ...keys.resource(deploymentId, name), kind: 'resource', deploymentId, name, parts: parts.length, xml: parts[0], ...extra },
    ...parts.slice(1).map((xml, i) => ({ pk: `DEPLOYMENT#${deploymentId}`, sk: `${resourcePartPrefix(name)}${String(i + 1).padStart(4, '0')}`, kind: 'resourcePart', xml })),
  ];
}

/** A definition's item: its record and index keys; `pending` until its deployment is committed and settled. */
function definitionItem(d: DefinitionRecord, pending: boolean): Item {
  return {
    ...keys.definition(d.id),
    kind: 'definition',
    ...d,
    ...(pending ? { pending: true } : {}),
    gsi1pk: `DEFKEY#${d.tenantId ?? ''}#${d.key}`,
    gsi1sk: versionKey(d.version),
    gsi2pk: 'DEFINITION',
    gsi2sk: `${d.key}#${versionKey(d.version)}#${d.id}`,
  };
}

function toDefinition(item: Item): DefinitionRecord {
  const { pending: _pending, ...record } = withoutKeys<DefinitionRecord & { pending?: boolean }>(item);
  return record;
}
