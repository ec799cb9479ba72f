/**
 * The items of the history logs (job, external task, identity link): one entry per event, under its
 * own key, in a time-sharded partition set of gsi1 and its instance's partition of gsi2, both by
 * its place in time (`occurrence`, the operation's time and the entry's place in it).
 */
import { type IndexLayout, shardKey } from './index-layout.ts';
import type { Item } from './projections.ts';

/** What happened to a job or an external task (the kinds of their logs' entries). */
export type LogKind = 'creation' | 'failure' | 'success' | 'deletion';

/** The keys of a log whose items are `<prefix>#<id>` / `LOG`, indexed under `<prefix>` and `<prefix>PI#<instance>`. */
export function logKeysOf(prefix: string): LogKeys {
  return {
    item: (id: string) => ({ pk: `${prefix}#${id}`, sk: 'LOG' }),
    all: prefix,
    ofInstance: (processInstanceId: string) => `${prefix}PI#${processInstanceId}`,
  };
}

export interface LogKeys {
  item(id: string): { pk: string; sk: string };
  all: string;
  ofInstance(processInstanceId: string): string;
}

interface LogRecord {
  id: string;
  occurrence: string;
  processInstanceId: string;
  /** The entry's own kind (creation, failure, …), stored apart from the item's kind. */
  kind?: string;
}

export function logEntryItem(keys: LogKeys, itemKind: string, record: LogRecord, layout: IndexLayout): Item {
  const order = `${record.occurrence}#${record.id}`;
  return {
    ...keys.item(record.id),
    ...record,
    kind: itemKind,
    ...(record.kind !== undefined ? { logKind: record.kind } : {}),
    gsi1pk: shardKey(keys.all, record.id, layout),
    gsi1sk: order,
    gsi2pk: keys.ofInstance(record.processInstanceId),
    gsi2sk: order,
  };
}

/** The record of an entry's item: its keys dropped, its own kind restored. */
export function logEntryOf<T>(item: Item): T {
  const { pk: _pk, sk: _sk, kind: _kind, logKind, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...record } = item;
  return (logKind !== undefined ? { ...record, kind: logKind } : record) as T;
}
