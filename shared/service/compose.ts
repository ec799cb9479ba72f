import { randomUUID } from 'node:crypto';
import { DelegateRegistry } from '../engine/delegates.ts';
import type { EngineEnvironment } from '../engine/environment.ts';
import { QueuePublisher } from '../queue/publisher.ts';
import { createDocumentClient } from '../store/client.ts';
import { DefinitionRepository } from '../store/definition-repository.ts';
import { InstanceRepository } from '../store/instance-repository.ts';
import { QueryItemRepository } from '../store/query-items.ts';
import type { EngineConfig } from './config.ts';
import { EngineService } from './engine-service.ts';
import { ModelCache } from './model-cache.ts';

/**
 * The composition root: real clock, UUIDs and AWS clients around the pure engine. The only place
 * that reads the wall clock and generates random ids.
 */
export function createEngineService(config: EngineConfig, registry = new DelegateRegistry()): EngineService {
  const connection = { region: config.region, endpoint: config.endpoint };
  const doc = createDocumentClient(connection);
  const env: EngineEnvironment = { now: () => Date.now(), newId: () => randomUUID(), registry, defaultRetries: config.defaultJobRetries };
  return new EngineService({
    definitions: new DefinitionRepository(doc, config.tableName),
    instances: new InstanceRepository(doc, config.tableName),
    items: new QueryItemRepository(doc, config.tableName),
    publisher: new QueuePublisher(connection),
    jobQueueUrl: config.jobQueueUrl,
    env,
    models: new ModelCache(),
  });
}
