import { describe, expect, it } from 'vitest';
import { ExecuteMessage, executeMessages, jobsOfMessage } from '../../../shared/queue/batch-messages.ts';

const jobs = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `b-${i}`, processInstanceIds: [`pi-${i}`] }));

describe('execute messages', () => {
  it('groups the jobs of a seed run ten to a message, and names a lone job on its own', () => {
    const messages = executeMessages('b', jobs(25));
    expect(messages.map((m) => jobsOfMessage(m).length)).toEqual([10, 10, 5]);
    expect(messages.flatMap(jobsOfMessage).map((j) => j.jobId)).toEqual(jobs(25).map((j) => j.id));
    expect(executeMessages('b', jobs(1))).toEqual([{ batchId: 'b', jobId: 'b-0', processInstanceIds: ['pi-0'] }]);
  });

  it('accepts both forms and refuses a message without jobs or with more than ten', () => {
    for (const message of executeMessages('b', jobs(12))) expect(ExecuteMessage.parse(JSON.parse(JSON.stringify(message)))).toEqual(message);
    expect(jobsOfMessage(ExecuteMessage.parse({ batchId: 'b', jobId: 'b-0' }))).toEqual([{ jobId: 'b-0' }]);
    expect(() => ExecuteMessage.parse({ batchId: 'b' })).toThrow();
    expect(() => ExecuteMessage.parse({ batchId: 'b', jobs: [] })).toThrow();
    expect(() => ExecuteMessage.parse({ batchId: 'b', jobs: jobs(11).map((j) => ({ jobId: j.id })) })).toThrow();
  });
});
