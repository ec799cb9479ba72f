import { type DynamoDBDocumentClient, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Authorization } from '../auth/evaluate.ts';
import type { ProcessModel } from '../bpmn/model.ts';
import type { ProcessInstanceState } from '../engine/state.ts';
import { BatchRepository } from './batch-repository.ts';
import { isConditionalFailure, isTransactionConflict } from './errors.ts';
import { historyItemOf, type HistoricInstanceRecord } from './history-items.ts';
import { authorizationItem, IdentityRepository } from './identity-repository.ts';
import type { IndexLayout } from './index-layout.ts';
import { listingItem } from './instance-repository.ts';
import { keys } from './keys.ts';
import { withoutKeys } from './paging.ts';
import { diffItems, type Item, projectQueryItems } from './projections.ts';
import { decodeState } from './state-codec.ts';

/** The index attributes of the table; an item's layout is exactly these. */
const INDEX_ATTRIBUTES = ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk'] as const;

export interface KeyMigrationDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  layout: IndexLayout;
  /** The parsed model of a definition id (undefined once the definition is gone). */
  model(definitionId: string): Promise<ProcessModel | undefined>;
}

export interface KeyMigrationReport {
  scanned: number;
  /** Items whose index attributes were (or, dry, would be) rewritten. */
  rekeyed: number;
  /** The same, by item kind. */
  rekeyedByKind: Record<string, number>;
  /** Running instances whose listing and query items were written again from their state. */
  instancesReprojected: number;
  /** Items another writer changed meanwhile: they carry that writer's (current) keys already. */
  skippedConcurrent: number;
  /** Running instances whose definition is gone: left as they are. */
  instancesWithoutModel: number;
}

/**
 * Brings every item to the layout's index keys: the unsharded keys of earlier versions, or another
 * shard count. Idempotent and safe beside live traffic:
 * - a running instance gets its listing and query items re-projected from its state, in
 *   transactions guarded by the state's version (a concurrent command wins, and writes current
 *   keys itself); the index attributes earlier versions kept on the state item are removed;
 * - every other kind gets only its index attributes set, guarded by their scanned values (and a
 *   re-keyed authorization raises the identity stamp, so every container's cache reloads).
 * Query items are reached through their instance, never on their own.
 */
export async function migrateKeys(deps: KeyMigrationDeps, options: { dryRun?: boolean; segments?: number } = {}): Promise<KeyMigrationReport> {
  const report: KeyMigrationReport = { scanned: 0, rekeyed: 0, rekeyedByKind: {}, instancesReprojected: 0, skippedConcurrent: 0, instancesWithoutModel: 0 };
  const segments = Math.max(1, options.segments ?? 1);
  await Promise.all(Array.from({ length: segments }, (_, segment) => migrateSegment(deps, segment, segments, options.dryRun === true, report)));
  // Containers trust the authorizations they cached until the identity stamp moves.
  if (!options.dryRun && report.rekeyedByKind.authorization) await new IdentityRepository(deps.doc, deps.tableName).markChanged();
  return report;
}

async function migrateSegment(deps: KeyMigrationDeps, segment: number, segments: number, dryRun: boolean, report: KeyMigrationReport): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.doc.send(new ScanCommand({ TableName: deps.tableName, Segment: segment, TotalSegments: segments, ExclusiveStartKey: startKey }));
    startKey = page.LastEvaluatedKey;
    for (const item of (page.Items ?? []) as Item[]) {
      report.scanned++;
      await migrateItem(deps, item, dryRun, report);
    }
  } while (startKey);
}

async function migrateItem(deps: KeyMigrationDeps, item: Item, dryRun: boolean, report: KeyMigrationReport): Promise<void> {
  if (item.kind === 'instance') return reprojectInstance(deps, item, dryRun, report);
  const target = targetOf(deps, item);
  if (target && !sameIndexKeys(item, target)) await setIndexKeys(deps, item, target, dryRun, report);
}

/** The item as the current layout writes it, for the kinds whose index keys follow from their own fields. */
function targetOf(deps: KeyMigrationDeps, item: Item): Item | undefined {
  const batches = new BatchRepository(deps.doc, deps.tableName, deps.layout);
  const fields = withoutKeys<Record<string, unknown>>(item);
  switch (item.kind) {
    case 'historicInstance':
      return historyItemOf(fields as unknown as HistoricInstanceRecord, deps.layout);
    case 'batch':
      return batches.batchItem(fields as never);
    case 'historicBatch':
      return batches.historicItem(fields as never);
    case 'batchJob':
      return batches.jobItem(fields as never);
    case 'authorization':
      return authorizationItem(fields as unknown as Authorization) as Item;
    default:
      return undefined;
  }
}

function sameIndexKeys(a: Item, b: Item): boolean {
  return INDEX_ATTRIBUTES.every((name) => a[name] === b[name]);
}

/** Sets (and removes) only the index attributes, if nobody changed them since the scan. */
async function setIndexKeys(deps: KeyMigrationDeps, current: Item, target: Item, dryRun: boolean, report: KeyMigrationReport): Promise<void> {
  const kind = current.kind as string;
  report.rekeyed++;
  report.rekeyedByKind[kind] = (report.rekeyedByKind[kind] ?? 0) + 1;
  if (dryRun) return;
  const set = INDEX_ATTRIBUTES.filter((name) => target[name] !== undefined);
  const remove = INDEX_ATTRIBUTES.filter((name) => target[name] === undefined && current[name] !== undefined);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const guards: string[] = [];
  for (const name of INDEX_ATTRIBUTES) {
    names[`#${name}`] = name;
    if (current[name] === undefined) guards.push(`attribute_not_exists(#${name})`);
    else {
      guards.push(`#${name} = :old_${name}`);
      values[`:old_${name}`] = current[name];
    }
  }
  for (const name of set) values[`:${name}`] = target[name];
  const update = [set.length > 0 ? `SET ${set.map((name) => `#${name} = :${name}`).join(', ')}` : '', remove.length > 0 ? `REMOVE ${remove.map((name) => `#${name}`).join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
  try {
    await deps.doc.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: { pk: current.pk, sk: current.sk },
        UpdateExpression: update,
        ConditionExpression: guards.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    report.rekeyed--;
    report.rekeyedByKind[kind]! -= 1;
    report.skippedConcurrent++;
  }
}

/** DynamoDB allows 100 actions per transaction; the version check takes one. */
const ACTIONS_PER_TRANSACTION = 99;

async function reprojectInstance(deps: KeyMigrationDeps, stateItem: Item, dryRun: boolean, report: KeyMigrationReport): Promise<void> {
  const state = decodeState(stateItem.state as string) as ProcessInstanceState;
  const model = await deps.model(state.definitionId);
  if (!model) {
    report.instancesWithoutModel++;
    return;
  }
  const stored = await itemsOfInstance(deps, state.id);
  const wanted = [listingItem(state, deps.layout), ...projectQueryItems(state, model, deps.layout)];
  const changes = diffItems(stored, wanted);
  const legacy = INDEX_ATTRIBUTES.filter((name) => stateItem[name] !== undefined);
  if (changes.puts.length === 0 && changes.deletes.length === 0 && legacy.length === 0) return;
  report.instancesReprojected++;
  const rekeyed = changes.puts.length + changes.deletes.length + (legacy.length > 0 ? 1 : 0);
  report.rekeyed += rekeyed;
  report.rekeyedByKind.instance = (report.rekeyedByKind.instance ?? 0) + rekeyed;
  if (dryRun) return;
  const guard = { ConditionCheck: { TableName: deps.tableName, Key: keys.instance(state.id), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': stateItem.version } } };
  const actions = [...changes.puts.map((Item) => ({ Put: { TableName: deps.tableName, Item } })), ...changes.deletes.map((Key) => ({ Delete: { TableName: deps.tableName, Key } }))];
  try {
    for (let i = 0; i < actions.length; i += ACTIONS_PER_TRANSACTION) {
      await deps.doc.send(new TransactWriteCommand({ TransactItems: [guard, ...actions.slice(i, i + ACTIONS_PER_TRANSACTION)] as never }));
    }
  } catch (error) {
    // A command changed the instance meanwhile: it wrote its items under the current layout itself.
    if (!isConditionalFailure(error) && !isTransactionConflict(error)) throw error;
    report.skippedConcurrent++;
    return;
  }
  if (legacy.length > 0) {
    const names = Object.fromEntries(legacy.map((name) => [`#${name}`, name]));
    await deps.doc.send(new UpdateCommand({ TableName: deps.tableName, Key: keys.instance(state.id), UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`, ExpressionAttributeNames: names }));
  }
}

/** The listing and the query items stored for an instance, whatever their index keys. */
async function itemsOfInstance(deps: KeyMigrationDeps, id: string): Promise<Item[]> {
  const items: Item[] = [];
  const listing = keys.instanceListing(id);
  const own = await deps.doc.send(
    new QueryCommand({ TableName: deps.tableName, KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': listing.pk, ':sk': listing.sk } }),
  );
  items.push(...((own.Items ?? []) as Item[]));
  let startKey: Record<string, unknown> | undefined;
  do {
    // The items of an instance were found by gsi2 `PI#<id>` in every layout so far.
    const page = await deps.doc.send(
      new QueryCommand({ TableName: deps.tableName, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `PI#${id}` }, ExclusiveStartKey: startKey }),
    );
    items.push(...((page.Items ?? []) as Item[]).filter((item) => item.kind !== 'instance'));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
