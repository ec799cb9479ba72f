import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { provision, type ProvisionedResources } from '../../local/provision.ts';
import { configFromEnvironment, type EngineConfig } from '../../shared/service/config.ts';
import { createServices, type Services } from '../../shared/service/compose.ts';
import { deploy } from '../../shared/service/deployment-service.ts';
import type { DefinitionRecord } from '../../shared/store/definition-repository.ts';

/** A fresh resource prefix per run, so reruns against a long-lived emulator never collide. */
export function benchPrefix(name: string): string {
  return `bench-${name}-${randomUUID().slice(0, 8)}`;
}

/** Table and queues for one benchmark, created in the emulator exactly as the local runtime does. */
export async function provisionServices(endpoint: string, prefix: string, overrides: Partial<EngineConfig> = {}) {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const resources: ProvisionedResources = await provision({ region, endpoint }, prefix);
  // Through the product's own configuration parsing, so new settings get their defaults here too;
  // the values are those of the local runtime (local/runtime.ts).
  const config: EngineConfig = {
    ...configFromEnvironment({
      AWS_REGION: region,
      AWS_ENDPOINT_URL: endpoint,
      TABLE_NAME: resources.tableName,
      JOB_QUEUE_URL: resources.jobQueue.url,
      BATCH_SEED_QUEUE_URL: resources.seedQueue.url,
      BATCH_EXECUTE_QUEUE_URL: resources.executeQueue.url,
      BATCH_MONITOR_QUEUE_URL: resources.monitorQueue.url,
      BATCH_POLL_TIME_SECONDS: '1',
    }),
    ...overrides,
  } as EngineConfig;
  return { resources, config, services: createServices(config) };
}

/**
 * The SDK clients the product's own composition created. The repositories keep their document
 * client private; reading it here (TypeScript's element-access escape hatch) lets the benchmark
 * attach middleware to, and issue its floor calls through, the very client the handlers use.
 */
export function clientsOf(services: Services): { doc: DynamoDBDocumentClient; sqs: SQSClient } {
  // biome-ignore lint/complexity/useLiteralKeys: element access is what lets TypeScript reach a private member
  const doc = services.engine.deps.instances['doc'];
  // biome-ignore lint/complexity/useLiteralKeys: as above
  const sqs = services.engine.deps.publisher['sqs'];
  return { doc, sqs };
}

export async function deployXml(services: Services, name: string, xml: string): Promise<DefinitionRecord> {
  const outcome = await deploy(services.engine.deps, services.engine.env, {
    name,
    source: 'bench',
    tenantId: null,
    enableDuplicateFiltering: false,
    deployChangedOnly: false,
    resources: [{ name: `${name}.bpmn`, xml }],
  });
  const definition = outcome.definitions[0];
  if (!definition) throw new Error(`deployment ${name} produced no definition`);
  return definition;
}

/** An API Gateway REST proxy event for the API Lambda, as local/http-server.ts builds it. */
export function apiEvent(method: string, path: string, body?: unknown): APIGatewayProxyEvent {
  const fullPath = `/engine-rest${path}`;
  return {
    httpMethod: method,
    path: fullPath,
    resource: '/engine-rest/{proxy+}',
    headers: { host: '127.0.0.1', 'content-type': 'application/json', 'x-forwarded-proto': 'http' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.replace(/^\//, '') },
    stageVariables: null,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { stage: 'local', path: fullPath, httpMethod: method } as APIGatewayProxyEvent['requestContext'],
  };
}
