import * as z from 'zod/v4';

/**
 * Deployment settings, from CDK context (`cdk deploy -c alarmEmail=...`). Validated here so a typo
 * fails the synth instead of the deployment.
 */
export const StackConfig = z.object({
  /** Physical name prefix of tables and queues. */
  prefix: z
    .string()
    .regex(/^[a-zA-Z0-9-]{1,40}$/)
    .default('camunda'),
  /** E-mail address subscribed to the alarm topic (optional; subscribe later in SNS otherwise). */
  alarmEmail: z.string().email().optional(),
  logRetentionDays: z.coerce.number().int().positive().default(30),
  apiThrottleRatePerSecond: z.coerce.number().positive().default(200),
  apiThrottleBurst: z.coerce.number().int().positive().default(400),
  batchJobsPerSeed: z.coerce.number().int().min(1).max(1000).default(100),
  invocationsPerBatchJob: z.coerce.number().int().min(1).default(1),
  batchPollTimeSeconds: z.coerce.number().int().min(1).max(900).default(30),
  defaultJobRetries: z.coerce.number().int().min(0).max(10).default(3),
  /** Upper bound of concurrent batch executions: protects DynamoDB from a large batch. */
  batchExecuteMaxConcurrency: z.coerce.number().int().min(2).max(1000).default(20),
  /**
   * ARN of an existing Secrets Manager secret `{"username","password"}` for the first administrator;
   * without it the stack creates one with a generated password.
   */
  adminSecretArn: z.string().startsWith('arn:').optional(),
  /** Partitions per shared index key (docs/capacity.md: 16 carries about 3,600 modified instances/s per definition, 64 the 10,000/s target). Changing it on a filled table: `npm run migrate-keys`. */
  indexShards: z.coerce.number().int().min(1).max(256).default(16),
  /** How long a function trusts the users, memberships and authorizations it read (0: every request reads them). */
  authCacheSeconds: z.coerce.number().min(0).max(300).default(5),
  /**
   * How many of the table's indexes (gsi1, gsi2, …) the stack declares. DynamoDB creates one index
   * per table update, so a stack from before gsi3/gsi4 is upgraded with `-c engineIndexes=3`, then
   * the default (docs/data-model.md, "Migrating keys").
   */
  engineIndexes: z.coerce.number().int().min(2).max(4).default(4),
  /** Keep tables on `cdk destroy` (recommended for production). */
  retainData: z.coerce.boolean().default(true),
});
export type StackConfig = z.infer<typeof StackConfig>;

export function stackConfigFromContext(read: (key: string) => unknown): StackConfig {
  const keys = Object.keys(StackConfig.shape);
  return StackConfig.parse(Object.fromEntries(keys.map((key) => [key, read(key)]).filter(([, value]) => value !== undefined)));
}
