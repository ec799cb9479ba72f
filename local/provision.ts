import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ENGINE_TABLE, EXECUTE_QUEUE, JOB_QUEUE, MONITOR_QUEUE, physicalName, type QueueDefinition, SEED_QUEUE, type TableDefinition } from '../shared/infrastructure/resources.ts';

export interface ProvisionedQueue {
  definition: QueueDefinition;
  url: string;
  deadLetterUrl: string;
}

export interface ProvisionedResources {
  tableName: string;
  jobQueue: ProvisionedQueue;
  seedQueue: ProvisionedQueue;
  executeQueue: ProvisionedQueue;
  monitorQueue: ProvisionedQueue;
}

/** Creates a table from its shared definition (on-demand, as in AWS); an existing one is reused. */
export async function ensureTable(dynamo: DynamoDBClient, definition: TableDefinition, name: string): Promise<void> {
  const attributes = new Set([definition.partitionKey, definition.sortKey, ...definition.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: definition.partitionKey, KeyType: 'HASH' },
          { AttributeName: definition.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: definition.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    if (definition.timeToLiveAttribute) {
      await dynamo.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true } }));
    }
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await dynamo.send(new DescribeTableCommand({ TableName: name }));
}

/** Creates a queue and its dead-letter queue with the redrive policy from the shared definition. */
export async function ensureQueue(sqs: SQSClient, definition: QueueDefinition, name: string): Promise<ProvisionedQueue> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq`, Attributes: { MessageRetentionPeriod: '1209600' } }));
  const dlqAttributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqAttributes.Attributes?.QueueArn, maxReceiveCount: definition.maxReceiveCount }),
      },
    }),
  );
  return { definition, url: queue.QueueUrl!, deadLetterUrl: dlq.QueueUrl! };
}

export async function provision(connection: { region: string; endpoint: string }, prefix: string): Promise<ProvisionedResources> {
  const dynamo = new DynamoDBClient(connection);
  const sqs = new SQSClient(connection);
  const tableName = physicalName(prefix, ENGINE_TABLE.id);
  await ensureTable(dynamo, ENGINE_TABLE, tableName);
  const [jobQueue, seedQueue, executeQueue, monitorQueue] = await Promise.all(
    [JOB_QUEUE, SEED_QUEUE, EXECUTE_QUEUE, MONITOR_QUEUE].map((definition) => ensureQueue(sqs, definition, physicalName(prefix, definition.id))),
  );
  return { tableName, jobQueue: jobQueue!, seedQueue: seedQueue!, executeQueue: executeQueue!, monitorQueue: monitorQueue! };
}
