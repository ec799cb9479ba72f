/** Where the AWS clients send their requests. */
export interface AwsConnection {
  region: string;
  /** LocalStack-style endpoint (AWS_ENDPOINT_URL); absent in AWS. */
  endpoint?: string;
}
