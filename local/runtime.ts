import { SQSClient } from '@aws-sdk/client-sqs';
import { createApiHandler } from '../functions/api/handler.ts';
import { createJobExecutorHandler } from '../functions/job-executor/handler.ts';
import type { DelegateRegistry } from '../shared/engine/delegates.ts';
import { createEngineService } from '../shared/service/compose.ts';
import type { EngineService } from '../shared/service/engine-service.ts';
import { ensureEmulator } from './emulator.ts';
import { startHttpServer } from './http-server.ts';
import { provision, type ProvisionedResources } from './provision.ts';
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
}

export interface LocalRuntime {
  url: string;
  endpoint: string;
  resources: ProvisionedResources;
  service: EngineService;
  pollers: SqsPoller[];
  stop(): Promise<void>;
}

/**
 * The whole product on one machine: the emulator (started when AWS_ENDPOINT_URL is unset), the
 * resources from the shared definitions, the API handler behind HTTP, SQS pollers for the workers
 * and a timer sweeper. `stop()` ends exactly what this call started.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const emulator = await ensureEmulator();
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const prefix = options.prefix ?? 'camunda-local';
  const resources = await provision({ region, endpoint: emulator.endpoint }, prefix);
  const config = { region, endpoint: emulator.endpoint, tableName: resources.tableName, jobQueueUrl: resources.jobQueue.url, defaultJobRetries: 3 };
  const service = createEngineService(config, options.registry);
  const server = await startHttpServer(createApiHandler(service), options.port ?? 8080, log);
  const sqs = new SQSClient({ region, endpoint: emulator.endpoint });
  const jobHandler = createJobExecutorHandler(service);
  const pollers = [
    new SqsPoller(sqs, {
      queueUrl: resources.jobQueue.url,
      batchSize: resources.jobQueue.definition.batchSize,
      visibilityTimeoutSeconds: 5,
      handler: (event) => jobHandler(event),
      onError: (error) => log(`job-executor error: ${(error as Error).message}`),
    }),
  ];
  let sweeper: NodeJS.Timeout | undefined;
  if (options.startWorkers !== false) {
    for (const poller of pollers) poller.start();
    sweeper = setInterval(() => {
      jobHandler({ source: 'local.schedule', 'detail-type': 'Scheduled Event' }).catch((error) => log(`sweeper error: ${(error as Error).message}`));
    }, options.sweepIntervalMs ?? 1000);
  }
  return {
    url: server.url,
    endpoint: emulator.endpoint,
    resources,
    service,
    pollers,
    async stop() {
      if (sweeper) clearInterval(sweeper);
      await server.close();
      await Promise.all(pollers.map((p) => p.stop()));
      await emulator.stop();
    },
  };
}
