import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EngineConfig } from '../../shared/service/config.ts';

/**
 * An "AWS endpoint" that never answers like AWS: an HTML 502 page, or (below /reset) a dropped
 * connection. Engine configurations pointing at it make every store and queue call fail.
 */
export async function startBrokenStore(): Promise<{ config(path?: '' | '/reset'): EngineConfig; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.url?.startsWith('/reset')) {
      request.socket.destroy();
      return;
    }
    response.writeHead(502, { 'content-type': 'text/html' });
    response.end('<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    config: (path = '') => ({
      region: 'us-east-1',
      endpoint: `${endpoint}${path}`,
      tableName: 't',
      jobQueueUrl: `${endpoint}/q/jobs`,
      batchSeedQueueUrl: `${endpoint}/q/seed`,
      batchExecuteQueueUrl: `${endpoint}/q/execute`,
      batchMonitorQueueUrl: `${endpoint}/q/monitor`,
      defaultJobRetries: 3,
      batchJobsPerSeed: 100,
      invocationsPerBatchJob: 1,
      invocationsPerBatchJobByType: {},
      batchPollTimeSeconds: 1,
      authMode: 'off',
      indexShards: 4,
      authCacheSeconds: 0,
    }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
