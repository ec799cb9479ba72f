/**
 * The one definition of the engine's AWS resources: key schemas, indexes and queue settings.
 * cdk/ deploys exactly this and local/ creates exactly this in the emulator, so they cannot drift.
 * Pure data: no SDK imports.
 */

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableDefinition {
  /** Logical name; the physical name gets a deployment prefix. */
  readonly id: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, where items expire. */
  readonly timeToLiveAttribute?: string;
}

export interface QueueDefinition {
  readonly id: string;
  /** Seconds a received message stays invisible; at least 6× the consumer's timeout in AWS. */
  readonly visibilityTimeoutSeconds: number;
  /** Deliveries before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Records handed to one handler invocation. */
  readonly batchSize: number;
}

/**
 * Single-table design (docs/data-model.md): `pk`/`sk` identify an item; gsi1 answers "all items of a
 * kind in order" (due jobs, tasks, definitions by key), gsi2 "items belonging to X", gsi3 and gsi4
 * the filters clients use most (tasks by assignee and by definition key, instances by key and
 * business key, fetchable external tasks, incidents by type, history by end time and key). They are
 * sparse: an item without the attributes is not in the index and costs it nothing.
 */
export const ENGINE_TABLE: TableDefinition = {
  id: 'engine',
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  ],
  timeToLiveAttribute: 'expiresAt',
};

export const JOB_QUEUE: QueueDefinition = { id: 'jobs', visibilityTimeoutSeconds: 180, maxReceiveCount: 5, batchSize: 10 };

export const SEED_QUEUE: QueueDefinition = { id: 'batch-seed', visibilityTimeoutSeconds: 180, maxReceiveCount: 5, batchSize: 1 };
/** maxReceiveCount above the job retries: failed executions are retried by the handler, not by SQS. */
export const EXECUTE_QUEUE: QueueDefinition = { id: 'batch-execute', visibilityTimeoutSeconds: 180, maxReceiveCount: 5, batchSize: 10 };
export const MONITOR_QUEUE: QueueDefinition = { id: 'batch-monitor', visibilityTimeoutSeconds: 180, maxReceiveCount: 5, batchSize: 1 };

export const QUEUES: readonly QueueDefinition[] = [JOB_QUEUE, SEED_QUEUE, EXECUTE_QUEUE, MONITOR_QUEUE];

export function physicalName(prefix: string, id: string): string {
  return `${prefix}-${id}`;
}
