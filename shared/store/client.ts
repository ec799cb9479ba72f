import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { reportServiceFailures } from '../aws/service-failure.ts';

export interface AwsConnection {
  region: string;
  /** LocalStack-style endpoint (AWS_ENDPOINT_URL); absent in AWS. */
  endpoint?: string;
}

/** A document client that drops undefined attributes (engine state has optional fields). */
export function createDocumentClient(connection: AwsConnection): DynamoDBDocumentClient {
  const client = reportServiceFailures('DynamoDB', new DynamoDBClient({ region: connection.region, endpoint: connection.endpoint, maxAttempts: 3 }));
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
