import { randomUUID } from 'node:crypto';
import { INSTANCE_MODIFICATION } from '../batch/batch.ts';
import { DEFAULT_BPMN_LIMITS } from '../bpmn/limits.ts';
import { DelegateRegistry } from '../engine/delegates.ts';
import type { EngineEnvironment } from '../engine/environment.ts';
import { IdentityCache } from '../auth/identity-cache.ts';
import { QueuePublisher } from '../queue/publisher.ts';
import { BatchRepository } from '../store/batch-repository.ts';
import { createDocumentClient } from '../store/client.ts';
import { DefinitionRepository } from '../store/definition-repository.ts';
import { DecisionDefinitionRepository } from '../store/decision-definition-repository.ts';
import { DecisionHistoryRepository } from '../store/decision-history-repository.ts';
import { TaskHistoryRepository } from '../store/task-history-repository.ts';
import { VariableHistoryRepository } from '../store/variable-history-repository.ts';
import { JobLogRepository } from '../store/job-log-repository.ts';
import { UserOperationLogRepository } from '../store/user-operation-log-repository.ts';
import { IncidentHistoryRepository } from '../store/incident-history-repository.ts';
import { IdentityLinkLogRepository } from '../store/identity-link-log-repository.ts';
import { ExternalTaskLogRepository } from '../store/external-task-log-repository.ts';
import { VariableDetailRepository } from '../store/variable-detail-repository.ts';
import { MetricRepository } from '../store/metric-repository.ts';
import { InstanceRepository } from '../store/instance-repository.ts';
import { NoteRepository } from '../store/note-repository.ts';
import { SchemaLogRepository } from '../store/schema-log.ts';
import { QueryItemRepository } from '../store/query-items.ts';
import { StartEventRepository } from '../store/start-event-items.ts';
import { SignalRepository } from '../store/signal-items.ts';
import { HandOverRepository } from '../store/hand-over-items.ts';
import { IdentityRepository, type UserRecord } from '../store/identity-repository.ts';
import { IdempotencyKeys } from '../store/idempotency-keys.ts';

/** An Idempotency-Key's answer is kept a day unless configured otherwise. */
const DEFAULT_IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
import { BatchService } from './batch-service.ts';
import type { EngineConfig } from './config.ts';
import { EngineService } from './engine-service.ts';
import { ModelCache } from './model-cache.ts';

export interface Services {
  engine: EngineService;
  batches: BatchService;
  identities: IdentityRepository;
  /** This container's users, memberships and authorizations, read through `identities`. */
  identityCache: IdentityCache<UserRecord>;
  authMode: 'off' | 'basic';
  /** The Idempotency-Key records of creating requests. */
  idempotency: IdempotencyKeys;
}

/**
 * The composition root: real clock, UUIDs and AWS clients around the pure engine. The only place
 * that reads the wall clock and generates random ids.
 */
export function createServices(config: EngineConfig, registry = new DelegateRegistry(), publisher?: QueuePublisher): Services {
  const connection = { region: config.region, endpoint: config.endpoint };
  const doc = createDocumentClient(connection);
  const env: EngineEnvironment = { now: () => Date.now(), newId: () => randomUUID(), registry, defaultRetries: config.defaultJobRetries };
  const queues = publisher ?? new QueuePublisher(connection);
  const layout = { shards: config.indexShards };
  const definitions = new DefinitionRepository(doc, config.tableName);
  const engine = new EngineService({
    definitions,
    decisions: new DecisionDefinitionRepository(doc, config.tableName, definitions),
    decisionHistory: new DecisionHistoryRepository(doc, config.tableName, layout),
    taskHistory: new TaskHistoryRepository(doc, config.tableName, layout),
    variableHistory: new VariableHistoryRepository(doc, config.tableName, layout),
    jobLog: new JobLogRepository(doc, config.tableName, layout),
    userOperations: new UserOperationLogRepository(doc, config.tableName, layout),
    incidentHistory: new IncidentHistoryRepository(doc, config.tableName, layout),
    identityLinkLog: new IdentityLinkLogRepository(doc, config.tableName, layout),
    externalTaskLog: new ExternalTaskLogRepository(doc, config.tableName, layout),
    variableDetails: new VariableDetailRepository(doc, config.tableName, layout),
    metrics: new MetricRepository(doc, config.tableName, layout),
    startEvents: new StartEventRepository(doc, config.tableName),
    signals: new SignalRepository(doc, config.tableName, env.now),
    handOvers: new HandOverRepository(doc, config.tableName, layout),
    bpmnLimits: config.bpmnLimits ?? DEFAULT_BPMN_LIMITS,
    ...(config.scriptLimits ? { scriptLimits: config.scriptLimits } : {}),
    layout,
    instances: new InstanceRepository(doc, config.tableName, layout),
    items: new QueryItemRepository(doc, config.tableName, layout),
    notes: new NoteRepository(doc, config.tableName),
    schemaLog: new SchemaLogRepository(doc, config.tableName),
    publisher: queues,
    jobQueueUrl: config.jobQueueUrl,
    env,
    models: new ModelCache((definition) => definitions.definitionXml(definition)),
  });
  const batches = new BatchService(
    engine,
    new BatchRepository(doc, config.tableName, layout),
    queues,
    { seed: config.batchSeedQueueUrl, execute: config.batchExecuteQueueUrl, monitor: config.batchMonitorQueueUrl },
    {
      batchJobsPerSeed: config.batchJobsPerSeed,
      invocationsPerBatchJob: config.invocationsPerBatchJobByType[INSTANCE_MODIFICATION] ?? config.invocationsPerBatchJob,
      batchPollTimeSeconds: config.batchPollTimeSeconds,
      defaultRetries: config.defaultJobRetries,
    },
  );
  const identities = new IdentityRepository(doc, config.tableName);
  const identityCache = new IdentityCache(identities, { lifetimeMs: config.authCacheSeconds * 1000, now: env.now });
  const idempotency = new IdempotencyKeys(doc, config.tableName, config.idempotencyWindowSeconds ?? DEFAULT_IDEMPOTENCY_WINDOW_SECONDS);
  return { engine, batches, identities, identityCache, authMode: config.authMode, idempotency };
}
