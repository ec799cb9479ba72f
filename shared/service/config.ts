import * as z from 'zod/v4';
import { type BpmnLimits, DEFAULT_BPMN_LIMITS } from '../bpmn/limits.ts';
import { indexLayoutFrom } from '../store/index-layout.ts';

/** A revoked authorization or a deleted user counts in other containers within this many seconds. */
export const DEFAULT_AUTH_CACHE_SECONDS = 5;

/** Handler configuration, validated once at cold start: a missing variable fails loudly. */
const EnvSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ENDPOINT_URL: z.string().url().optional(),
  TABLE_NAME: z.string().min(1),
  JOB_QUEUE_URL: z.string().min(1),
  BATCH_SEED_QUEUE_URL: z.string().min(1),
  BATCH_EXECUTE_QUEUE_URL: z.string().min(1),
  BATCH_MONITOR_QUEUE_URL: z.string().min(1),
  DEFAULT_JOB_RETRIES: z.coerce.number().int().min(0).default(3),
  BATCH_JOBS_PER_SEED: z.coerce.number().int().min(1).max(1000).default(100),
  INVOCATIONS_PER_BATCH_JOB: z.coerce.number().int().min(1).default(1),
  /** Per batch type, e.g. `{"instance-modification": 5}`. */
  INVOCATIONS_PER_BATCH_JOB_BY_TYPE: z.string().optional(),
  BATCH_POLL_TIME_SECONDS: z.coerce.number().int().min(0).max(900).default(30),
  AUTH_MODE: z.enum(['off', 'basic']).default('off'),
  /** Partitions per shared index key (docs/data-model.md); changing it on a filled table needs `npm run migrate-keys`. */
  INDEX_SHARDS: z.string().optional(),
  /** How long a container trusts the users, memberships and authorizations it read; 0: read them every request. */
  AUTH_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(DEFAULT_AUTH_CACHE_SECONDS),
  /** Secrets Manager secret `{"username","password"}` of the first administrator (AWS deployments). */
  ADMIN_SECRET_ARN: z.string().min(1).optional(),
  /** Limits on deployed models (shared/bpmn/limits.ts). */
  BPMN_MAX_ELEMENTS: z.coerce.number().int().min(1).default(DEFAULT_BPMN_LIMITS.maxElements),
  BPMN_MAX_SCOPE_DEPTH: z.coerce.number().int().min(1).default(DEFAULT_BPMN_LIMITS.maxScopeDepth),
  BPMN_MAX_EXPRESSION_LENGTH: z.coerce.number().int().min(1).default(DEFAULT_BPMN_LIMITS.maxExpressionLength),
});

export interface EngineConfig {
  region: string;
  endpoint?: string;
  tableName: string;
  jobQueueUrl: string;
  batchSeedQueueUrl: string;
  batchExecuteQueueUrl: string;
  batchMonitorQueueUrl: string;
  defaultJobRetries: number;
  batchJobsPerSeed: number;
  invocationsPerBatchJob: number;
  invocationsPerBatchJobByType: Record<string, number>;
  batchPollTimeSeconds: number;
  authMode: 'off' | 'basic';
  /** Lifetime of the per-container identity cache (shared/auth/identity-cache.ts); 0 turns it off. */
  authCacheSeconds: number;
  adminSecretArn?: string;
  /** Partitions per shared index key. */
  indexShards: number;
  /** Limits on deployed models; the defaults when absent. */
  bpmnLimits?: BpmnLimits;
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  let byType: Record<string, number> = {};
  if (e.INVOCATIONS_PER_BATCH_JOB_BY_TYPE) {
    const result = z.record(z.string(), z.number().int().min(1)).safeParse(JSON.parse(e.INVOCATIONS_PER_BATCH_JOB_BY_TYPE));
    if (!result.success) throw new Error('Invalid configuration: INVOCATIONS_PER_BATCH_JOB_BY_TYPE must map batch types to positive integers');
    byType = result.data;
  }
  return {
    region: e.AWS_REGION,
    endpoint: e.AWS_ENDPOINT_URL,
    tableName: e.TABLE_NAME,
    jobQueueUrl: e.JOB_QUEUE_URL,
    batchSeedQueueUrl: e.BATCH_SEED_QUEUE_URL,
    batchExecuteQueueUrl: e.BATCH_EXECUTE_QUEUE_URL,
    batchMonitorQueueUrl: e.BATCH_MONITOR_QUEUE_URL,
    defaultJobRetries: e.DEFAULT_JOB_RETRIES,
    batchJobsPerSeed: e.BATCH_JOBS_PER_SEED,
    invocationsPerBatchJob: e.INVOCATIONS_PER_BATCH_JOB,
    invocationsPerBatchJobByType: byType,
    batchPollTimeSeconds: e.BATCH_POLL_TIME_SECONDS,
    authMode: e.AUTH_MODE,
    authCacheSeconds: e.AUTH_CACHE_SECONDS,
    adminSecretArn: e.ADMIN_SECRET_ARN,
    indexShards: indexLayoutFrom(e.INDEX_SHARDS).shards,
    bpmnLimits: { maxElements: e.BPMN_MAX_ELEMENTS, maxScopeDepth: e.BPMN_MAX_SCOPE_DEPTH, maxExpressionLength: e.BPMN_MAX_EXPRESSION_LENGTH },
  };
}
