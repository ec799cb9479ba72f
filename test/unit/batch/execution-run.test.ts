import { describe, expect, it } from 'vitest';
import { createBatch } from '../../../shared/batch/batch.ts';
import { executeMessages } from '../../../shared/queue/batch-messages.ts';
import { BatchExecutionRun, type BatchExecutionDeps } from '../../../shared/service/batch-execution.ts';
import { InstanceDriver, loadModel, testEnvironment } from '../../support/engine-harness.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The run's scheduling, with the AWS side replaced by in-memory stand-ins that count: how many jobs
 * are between their instance read and their write at once, and what the run writes at the end.
 */
describe('a run of execute messages', () => {
  it('executes the jobs of all its records ten at a time and counts them with one write', async () => {
    // given three messages of ten single-instance jobs each
    const driver = InstanceDriver.start(await loadModel('oneTaskProcess.bpmn20.xml'));
    const ids = Array.from({ length: 30 }, (_, i) => `pi-${i}`);
    const batch = createBatch({
      id: 'b',
      jobDefinitionIds: ['s', 'm', 'e'],
      configuration: {
        processDefinitionId: driver.state.definitionId,
        processInstanceIds: ids,
        instructions: [{ type: 'startBeforeActivity', activityId: 'theTask' }],
        skipCustomListeners: false,
        skipIoMappings: false,
      },
      tenantId: null,
      createUserId: null,
      now: 0,
      settings: { batchJobsPerSeed: 100, invocationsPerBatchJob: 1 },
      singleInstance: false,
    });
    let inFlight = 0;
    let mostInFlight = 0;
    const counted: number[] = [];
    const monitorMessages: unknown[] = [];
    const deps = {
      engine: {
        env: testEnvironment(),
        load: async (id: string) => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await sleep(2);
          return { stored: { state: { ...driver.state, id }, version: 1 }, model: driver.model, definition: {} };
        },
        saveResult: async () => {
          await sleep(3);
          inFlight -= 1;
        },
      },
      repository: {
        get: async () => ({ ...batch, jobsCreated: 30, executionStartTime: 5 }),
        jobProgressAction: () => ({}),
        recordCompletions: async (_id: string, completed: number) => {
          counted.push(completed);
          return { executionStartTime: 5, jobsCompleted: completed };
        },
      },
      publisher: { send: async (_queue: string, bodies: unknown[]) => void monitorMessages.push(...bodies) },
      queues: { execute: 'execute', monitor: 'monitor' },
    } as unknown as BatchExecutionDeps;
    const run = new BatchExecutionRun(deps);
    const messages = executeMessages(
      'b',
      ids.map((id, i) => ({ id: `b-${i}`, processInstanceIds: [id] })),
    );
    expect(messages).toHaveLength(3);

    // when the records are handled in parallel, as the SQS worker does
    const outcomes = await Promise.all(messages.map((message) => run.execute(message)));
    await run.finish();

    // then
    expect(outcomes.flat()).toEqual(Array(30).fill('completed'));
    expect(mostInFlight).toBe(10);
    expect(counted).toEqual([30]);
    expect(monitorMessages).toEqual([{ batchId: 'b', once: true }]);
  });
});
