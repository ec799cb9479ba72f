import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { createDocumentClient } from '../../shared/store/client.ts';
import { DefinitionRepository } from '../../shared/store/definition-repository.ts';
import { type KeyMigrationDeps, migrateKeys } from '../../shared/store/migrate-keys.ts';
import type { Item } from '../../shared/store/projections.ts';
import { QueryItemRepository } from '../../shared/store/query-items.ts';
import { ModelCache } from '../../shared/service/model-cache.ts';
import { fourWaitStatesModel } from '../e2e/inline-bpmn.ts';
import { eventually, restClient, startTestRuntime } from '../support/runtime.ts';

/** A user task, an external task, a timer job and a message subscription per instance. */
const MODEL = fourWaitStatesModel('migratedProcess', { topic: 'charge', messageName: 'ping', taskName: 'Approve' });

const INDEX_ATTRIBUTES = ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk'];

/**
 * Rewrites an item as the first (unsharded) layout stored it: one partition per kind, no gsi3/gsi4,
 * the instance's index keys on its state item and no listing item.
 */
function legacyOf(item: Item, listings: Map<string, Item>): Item | undefined {
  if (item.kind === 'instanceListing' || item.pk === 'IDENTITYSTAMP') return undefined;
  const legacy: Item = { ...item };
  // Authorizations were only listed (gsi1 AUTH), never looked up by owner.
  if (item.kind === 'authorization') for (const name of ['gsi2pk', 'gsi2sk']) delete legacy[name];
  for (const name of ['gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk']) delete legacy[name];
  for (const name of ['gsi1pk', 'gsi2pk']) if (typeof legacy[name] === 'string') legacy[name] = (legacy[name] as string).replace(/@\d+$/, '');
  if (item.kind === 'instance') {
    const listing = listings.get(item.pk)!;
    Object.assign(legacy, { gsi1pk: 'PI', gsi1sk: listing.gsi1sk, gsi2pk: `PIDEF#${listing.definitionId}`, gsi2sk: listing.gsi1sk });
  }
  return legacy;
}

describe('npm run migrate-keys: data written with earlier index keys', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let doc: DynamoDBDocumentClient;
  let deps: KeyMigrationDeps;

  const scanAll = async (): Promise<Item[]> => {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: runtime.resources.tableName, ExclusiveStartKey: startKey }));
      items.push(...((page.Items ?? []) as Item[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  };

  /** What clients see: the lists and counts the migration must leave exactly as they were. */
  const snapshot = async () => {
    const paths = [
      '/task',
      '/task?assignee=demo',
      '/task?processDefinitionKey=migratedProcess&firstResult=2&maxResults=3',
      '/task/count?assignee=demo',
      '/process-instance',
      '/process-instance?businessKey=order-3',
      '/process-instance?processDefinitionKey=migratedProcess&maxResults=4',
      '/process-instance/count',
      '/history/process-instance',
      '/history/process-instance?finished=true',
      '/external-task?topicName=charge',
      '/job',
    ];
    const answers: Record<string, unknown> = {};
    for (const path of paths) {
      const response = await api.get(path);
      expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(200);
      answers[path] = response.body;
    }
    return answers;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
    doc = createDocumentClient({ region: process.env.AWS_REGION ?? 'us-east-1', endpoint: runtime.endpoint });
    const definitions = new DefinitionRepository(doc, runtime.resources.tableName);
    const models = new ModelCache((definition) => definitions.definitionXml(definition));
    deps = {
      doc,
      tableName: runtime.resources.tableName,
      layout: { shards: runtime.config.indexShards },
      model: async (id) => {
        const definition = await definitions.getDefinition(id);
        return definition ? models.get(definition) : undefined;
      },
    };
    expect((await api.deploy({ 'migrated.bpmn': MODEL })).status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const started = await api.post('/process-definition/key/migratedProcess/start', { businessKey: `order-${i % 5}` });
      expect(started.status).toBe(200);
      ids.push(started.body.id);
    }
    const tasks = (await api.get('/task')).body as { id: string }[];
    for (const task of tasks.slice(0, 5)) expect((await api.post(`/task/${task.id}/claim`, { userId: 'demo' })).status).toBe(204);
    for (const id of ids.slice(0, 3)) expect((await api.delete(`/process-instance/${id}`)).status).toBe(204);
    const locked = await api.post('/external-task/fetchAndLock', { workerId: 'w', maxTasks: 2, topics: [{ topicName: 'charge', lockDuration: 60_000 }] });
    expect(locked.body).toHaveLength(2);
    const granted = await api.post('/authorization/create', { type: 1, permissions: ['READ'], userId: 'demo', groupId: null, resourceType: 8, resourceId: '*' });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
  });
  afterAll(async () => runtime?.stop());

  it('re-keys every item so every list answers as before, reports a dry run without writing, and is idempotent', async () => {
    const before = await snapshot();
    expect((before['/task'] as unknown[]).length).toBe(9);

    // given the table as the unsharded layout wrote it
    const items = await scanAll();
    const listings = new Map(items.filter((i) => i.kind === 'instanceListing').map((i) => [i.pk, i]));
    for (const item of items) {
      const legacy = legacyOf(item, listings);
      if (legacy) await doc.send(new PutCommand({ TableName: runtime.resources.tableName, Item: legacy }));
      else await doc.send(new DeleteCommand({ TableName: runtime.resources.tableName, Key: { pk: item.pk, sk: item.sk } }));
    }
    await eventually(async () => expect((await api.get('/task')).body).toEqual([]));

    // a dry run reports the work and changes nothing
    const dry = await migrateKeys(deps, { dryRun: true });
    expect(dry.instancesReprojected).toBe(9);
    expect(dry.rekeyed).toBeGreaterThan(9 * 4);
    expect((await api.get('/task')).body).toEqual([]);

    // when the migration runs (in parallel segments)
    const report = await migrateKeys(deps, { segments: 3 });
    expect(report.rekeyed).toBe(dry.rekeyed);
    expect(report.skippedConcurrent).toBe(0);

    // then every list answers exactly as before, the state items carry no index keys, and a second run has nothing to do
    await eventually(async () => expect(await snapshot()).toEqual(before));
    const migrated = await scanAll();
    expect(migrated.filter((i) => i.kind === 'instance').flatMap((i) => INDEX_ATTRIBUTES.filter((name) => i[name] !== undefined))).toEqual([]);
    expect(migrated.filter((i) => i.kind === 'instanceListing')).toHaveLength(9);
    expect(report.rekeyedByKind.authorization).toBe(1);
    expect(migrated.find((i) => i.kind === 'authorization')).toMatchObject({ gsi2pk: 'AUTHZ#8#USER#demo' });
    const again = await migrateKeys(deps);
    expect(again).toMatchObject({ rekeyed: 0, instancesReprojected: 0 });
  });

  it('moves items to another shard count, after which readers with that count see all of them', async () => {
    const tasksBefore = (await api.get('/task')).body as { id: string }[];
    const resharded = { ...deps, layout: { shards: 7 } };
    const report = await migrateKeys(resharded);
    expect(report.instancesReprojected).toBe(9);
    const sevenShards = new QueryItemRepository(doc, runtime.resources.tableName, { shards: 7 });
    await eventually(async () => {
      const ids: string[] = [];
      for await (const task of sevenShards.tasks()) ids.push(task.id as string);
      expect(ids).toEqual(tasksBefore.map((t) => t.id));
      return true;
    });
    // and back, so the runtime (with its own shard count) sees them again
    await migrateKeys(deps);
    await eventually(async () => expect(((await api.get('/task')).body as { id: string }[]).map((t) => t.id)).toEqual(tasksBefore.map((t) => t.id)));
  });
});
