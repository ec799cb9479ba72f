import { describe, expect, it } from 'vitest';
import { formatRecord } from '../../../local/terminal-log.ts';

describe('the local runtime’s terminal log', () => {
  it('shows a record as one line: time, level, message, its own fields, errors with their causes', () => {
    const line = formatRecord({
      level: 'ERROR',
      message: 'request failed',
      timestamp: '2026-12-04T21:40:36.464Z',
      service: 'camunda-engine',
      function_name: 'local',
      correlationId: 'req-1',
      status: 500,
      error: { name: 'AwsServiceFailure', message: 'DynamoDB could not be reached', stack: '…', cause: { name: 'TimeoutError', message: 'socket hang up' } },
    });
    expect(line).toBe('21:40:36 ERROR request failed correlationId=req-1 status=500 error=AwsServiceFailure: DynamoDB could not be reached ← TimeoutError: socket hang up');
  });

  it('keeps structured fields as JSON', () => {
    expect(formatRecord({ level: 'INFO', message: 'record handled', timestamp: '2026-12-04T00:00:01.000Z', body: { batchId: 'b' } })).toBe('00:00:01 INFO  record handled body={"batchId":"b"}');
  });
});
