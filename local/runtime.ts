import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createApiHandler } from '../functions/api/handler.ts';
import { createBatchExecuteHandler } from '../functions/batch-execute/handler.ts';
import { createBatchMonitorHandler } from '../functions/batch-monitor/handler.ts';
import { createBatchSeedHandler } from '../functions/batch-seed/handler.ts';
import { createJobExecutorHandler } from '../functions/job-executor/handler.ts';
import type { DelegateRegistry } from '../shared/engine/delegates.ts';
import type { QueuePublisher } from '../shared/queue/publisher.ts';
import { indexLayoutFrom } from '../shared/store/index-layout.ts';
import { DEFAULT_AUTH_CACHE_SECONDS, type EngineConfig } from '../shared/service/config.ts';
import { createServices, type Services } from '../shared/service/compose.ts';
import { ensureAdministrator } from '../shared/service/bootstrap-admin.ts';
import { recordSchemaVersion } from '../shared/service/schema-version.ts';
import { DEFAULT_EMULATOR_PORT, ensureEmulator } from './emulator.ts';
import { startHttpServer } from './http-server.ts';
import { type ProvisionedQueue, provision, type ProvisionedResources } from './provision.ts';
import { SqsPoller } from './sqs-poller.ts';

export interface LocalRuntimeOptions {
  /** HTTP port; 0 picks a free one. */
  port?: number;
  /** Prefix of the table and queue names, so several runtimes can share one emulator. */
  prefix?: string;
  /** How often the timer sweeper runs (EventBridge schedule in AWS). */
  sweepIntervalMs?: number;
  registry?: DelegateRegistry;
  log?: (line: string) => void;
  /** Tests drive the workers themselves when false. */
  startWorkers?: boolean;
  /** Overrides of the engine configuration (batch sizes, poll time, retries). */
  config?: Partial<EngineConfig>;
  /** A publisher to use instead of the SQS one (fault injection in tests). */
  publisher?: QueuePublisher;
}

export interface LocalRuntime {
  url: string;
  endpoint: string;
  config: EngineConfig;
  resources: ProvisionedResources;
  services: Services;
  pollers: Record<'jobs' | 'seed' | 'execute' | 'monitor', SqsPoller>;
  stop(): Promise<void>;
}

/**
 * The whole product on one machine: the emulator (started when AWS_ENDPOINT_URL is unset), the
 * resources from the shared definitions, the API handler behind HTTP, an SQS poller per worker
 * (Lambda's event source mapping) and a timer sweeper. `stop()` ends exactly what this call started.
 */
/** `npm start`'s shard count unless INDEX_SHARDS says otherwise: idle, node and emulator then use about 2 % of a core instead of 4 % with 16 (bench/npm-start). */
export const LOCAL_INDEX_SHARDS = 4;

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const emulator = await ensureEmulator(Number(process.env.EMULATOR_PORT ?? DEFAULT_EMULATOR_PORT));
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const resources = await provision({ region, endpoint: emulator.endpoint }, options.prefix ?? 'camunda-local');
  const config: EngineConfig = {
    region,
    endpoint: emulator.endpoint,
    tableName: resources.tableName,
    jobQueueUrl: resources.jobQueue.url,
    batchSeedQueueUrl: resources.seedQueue.url,
    batchExecuteQueueUrl: resources.executeQueue.url,
    batchMonitorQueueUrl: resources.monitorQueue.url,
    defaultJobRetries: 3,
    batchJobsPerSeed: 100,
    invocationsPerBatchJob: 1,
    invocationsPerBatchJobByType: {},
    batchPollTimeSeconds: 1,
    authMode: process.env.AUTH_MODE === 'basic' ? 'basic' : 'off',
    // Fewer shards than on AWS: every timer sweep (once a second here) queries each shard of the due jobs.
    indexShards: indexLayoutFrom(process.env.INDEX_SHARDS ?? String(LOCAL_INDEX_SHARDS)).shards,
    authCacheSeconds: Number(process.env.AUTH_CACHE_SECONDS ?? DEFAULT_AUTH_CACHE_SECONDS),
    ...options.config,
  };
  const services = createServices(config, options.registry, options.publisher);
  if (config.authMode === 'basic') {
    // Camunda Run's demo user unless ADMIN_USER / ADMIN_PASSWORD say otherwise.
    await ensureAdministrator(services.identities, process.env.ADMIN_USER ?? 'demo', process.env.ADMIN_PASSWORD ?? 'demo');
  }
  await recordSchemaVersion(services.engine);
  const server = await startHttpServer(createApiHandler(services), options.port ?? 8080, log);
  const sqs = new SQSClient({ region, endpoint: emulator.endpoint });
  const jobHandler = createJobExecutorHandler(services.engine);
  const poller = (name: string, queue: ProvisionedQueue, handler: (event: SQSEvent) => Promise<unknown>) =>
    new SqsPoller(sqs, {
      queueUrl: queue.url,
      batchSize: queue.definition.batchSize,
      // Short locally so a crashed delivery comes back quickly; AWS uses the definition's value.
      visibilityTimeoutSeconds: 5,
      handler,
      onError: (error) => log(`${name} error: ${(error as Error).message}`),
    });
  const pollers = {
    jobs: poller('job-executor', resources.jobQueue, (event) => jobHandler(event)),
    seed: poller('batch-seed', resources.seedQueue, createBatchSeedHandler(services.batches)),
    execute: poller('batch-execute', resources.executeQueue, createBatchExecuteHandler(services.batches)),
    monitor: poller('batch-monitor', resources.monitorQueue, createBatchMonitorHandler(services.batches)),
  };
  let sweeper: NodeJS.Timeout | undefined;
  if (options.startWorkers !== false) {
    for (const p of Object.values(pollers)) p.start();
    sweeper = setInterval(() => {
      jobHandler({ source: 'local.schedule', 'detail-type': 'Scheduled Event' }).catch((error) => log(`sweeper error: ${(error as Error).message}`));
    }, options.sweepIntervalMs ?? 1000);
  }
  return {
    url: server.url,
    endpoint: emulator.endpoint,
    config,
    resources,
    services,
    pollers,
    async stop() {
      if (sweeper) clearInterval(sweeper);
      await server.close();
      await Promise.all(Object.values(pollers).map((p) => p.stop()));
      await emulator.stop();
    },
  };
}
