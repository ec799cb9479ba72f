import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { reportServiceFailures } from '../aws/service-failure.ts';
import { tracer } from '../observability/tracer.ts';

import type { AwsConnection } from '../aws/connection.ts';

export type { AwsConnection };

/** A document client that drops undefined attributes (engine state has optional fields). */
export function createDocumentClient(connection: AwsConnection): DynamoDBDocumentClient {
  const client = tracer.captureAWSv3Client(reportServiceFailures('DynamoDB', new DynamoDBClient({ region: connection.region, endpoint: connection.endpoint, maxAttempts: 3 })));
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
