/**
 * How index partition keys are spread (docs/data-model.md, "Index keys"). A key that many writers
 * share — all tasks, all jobs of one definition's instances, one assignee's tasks — is split into
 * `shards` partitions: `<base>@<n>`, with n derived from the item's own id, so a batch that rewrites
 * 10,000 tasks spreads its index writes evenly instead of queueing on one partition (DynamoDB gives
 * a partition about 1,000 writes per second). Readers of such a key query every shard in parallel
 * and merge them in sort-key order (index-reader.ts).
 */
export interface IndexLayout {
  /** Partitions per shared index key; 1 writes the unsharded layout's single partition. */
  readonly shards: number;
}

/**
 * Carries about 3,600 modified instances per second of one definition at half a partition's write
 * limit; the 10,000/s target needs 64 (docs/capacity.md). More shards cost every list query one
 * Query per shard. Changing it on a filled table needs `npm run migrate-keys`.
 */
export const DEFAULT_INDEX_SHARDS = 16;
/** More shards than this only multiplies the reads of every list query. */
export const MAX_INDEX_SHARDS = 256;

/** The layout from `INDEX_SHARDS` (whole number, 1–256); anything else is a configuration error, reported at start. */
export function indexLayoutFrom(value: string | undefined): IndexLayout {
  if (value === undefined || value === '') return { shards: DEFAULT_INDEX_SHARDS };
  const shards = Number(value);
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_INDEX_SHARDS) throw new Error(`INDEX_SHARDS must be a whole number from 1 to ${MAX_INDEX_SHARDS}, not '${value}'`);
  return { shards };
}

/** FNV-1a over the id's UTF-16 code units: cheap, stable across runtimes and evenly spread for UUIDs. */
export function shardOf(id: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * The shard of `base` that an item with this id writes to. Every key of a sharded family carries
 * exactly one `@n` suffix, so `<value>@<n>` never collides with another value whatever it contains.
 */
export function shardKey(base: string, id: string, layout: IndexLayout): string {
  return `${base}@${shardOf(id, layout.shards)}`;
}

/** Every partition of a sharded key, for readers. */
export function allShards(base: string, layout: IndexLayout): string[] {
  return Array.from({ length: layout.shards }, (_, n) => `${base}@${n}`);
}
