import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';
import { type BpmnLimits, DEFAULT_BPMN_LIMITS } from '../bpmn/limits.ts';
import { indexLayoutFrom } from '../store/index-layout.ts';
import { DEFAULT_SCRIPT_LIMITS, type ScriptLimits } from '../script/sandbox.ts';

/** A revoked authorization or a deleted user counts in other containers within this many seconds. */
export const DEFAULT_AUTH_CACHE_SECONDS = 5;

// The mini build has no messages of its own: a configuration error must say what is wrong.
z.config(en());

const text = () => z.string().check(z.minLength(1));
/** A whole number from the environment (a string), within bounds, with a default. */
const whole = (min: number, fallback: number, max = Number.MAX_SAFE_INTEGER) => z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(min), z.lte(max))), fallback);

/** Handler configuration, validated once at cold start: a missing variable fails loudly. */
const EnvSchema = z.object({
  AWS_REGION: z._default(text(), 'us-east-1'),
  AWS_ENDPOINT_URL: z.optional(z.url()),
  TABLE_NAME: text(),
  JOB_QUEUE_URL: text(),
  BATCH_SEED_QUEUE_URL: text(),
  BATCH_EXECUTE_QUEUE_URL: text(),
  BATCH_MONITOR_QUEUE_URL: text(),
  DEFAULT_JOB_RETRIES: whole(0, 3),
  BATCH_JOBS_PER_SEED: whole(1, 100, 1000),
  INVOCATIONS_PER_BATCH_JOB: whole(1, 1),
  /** Per batch type, e.g. `{"instance-modification": 5}`. */
  INVOCATIONS_PER_BATCH_JOB_BY_TYPE: z.optional(z.string()),
  BATCH_POLL_TIME_SECONDS: whole(0, 30, 900),
  AUTH_MODE: z._default(z.enum(['off', 'basic']), 'off'),
  /** Partitions per shared index key (docs/data-model.md); changing it on a filled table needs `npm run migrate-keys`. */
  INDEX_SHARDS: z.optional(z.string()),
  /** How long a container trusts the users, memberships and authorizations it read; 0: read them every request. */
  AUTH_CACHE_SECONDS: z._default(z.pipe(z.coerce.number(), z.number().check(z.gte(0), z.lte(300))), DEFAULT_AUTH_CACHE_SECONDS),
  /** Secrets Manager secret `{"username","password"}` of the first administrator (AWS deployments). */
  ADMIN_SECRET_ARN: z.optional(text()),
  /** Limits on deployed models (shared/bpmn/limits.ts). */
  BPMN_MAX_ELEMENTS: whole(1, DEFAULT_BPMN_LIMITS.maxElements),
  BPMN_MAX_SCOPE_DEPTH: whole(1, DEFAULT_BPMN_LIMITS.maxScopeDepth),
  BPMN_MAX_EXPRESSION_LENGTH: whole(1, DEFAULT_BPMN_LIMITS.maxExpressionLength),
  /** How long an Idempotency-Key keeps its first answer (docs/api.md). */
  IDEMPOTENCY_WINDOW_SECONDS: whole(1, 24 * 60 * 60, 30 * 24 * 60 * 60),
  /** Limits of one script evaluation (shared/script/sandbox.ts). */
  SCRIPT_TIME_LIMIT_MS: whole(1, DEFAULT_SCRIPT_LIMITS.timeMs, 60_000),
  SCRIPT_MEMORY_LIMIT_MB: whole(1, DEFAULT_SCRIPT_LIMITS.memoryBytes / 1024 / 1024, 1024),
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
  scriptLimits?: ScriptLimits;
  /** How long an Idempotency-Key keeps its first answer; a day when absent. */
  idempotencyWindowSeconds?: number;
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  let byType: Record<string, number> = {};
  if (e.INVOCATIONS_PER_BATCH_JOB_BY_TYPE) {
    const result = z.record(z.string(), z.int().check(z.gte(1))).safeParse(JSON.parse(e.INVOCATIONS_PER_BATCH_JOB_BY_TYPE));
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
    idempotencyWindowSeconds: e.IDEMPOTENCY_WINDOW_SECONDS,
    scriptLimits: { timeMs: e.SCRIPT_TIME_LIMIT_MS, memoryBytes: e.SCRIPT_MEMORY_LIMIT_MB * 1024 * 1024 },
    bpmnLimits: { maxElements: e.BPMN_MAX_ELEMENTS, maxScopeDepth: e.BPMN_MAX_SCOPE_DEPTH, maxExpressionLength: e.BPMN_MAX_EXPRESSION_LENGTH },
  };
}
