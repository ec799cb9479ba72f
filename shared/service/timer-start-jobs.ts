import type { StartEventNode } from '../bpmn/model.ts';
import { startProcessInstance } from '../engine/operations.ts';
import { scheduleTimerStart } from '../engine/start-events.ts';
import { log } from '../observability/logger.ts';
import { EngineError } from '../engine/errors.ts';
import { ConcurrentModificationError, isConditionalFailure } from '../store/errors.ts';
import type { TimerStartJobRecord } from '../store/start-event-items.ts';
import type { EngineService } from './engine-service.ts';

/** What a run did; a failure carries its cause (the job kept it, one retry less). */
export type TimerStartOutcome = 'executed' | 'skipped' | { failure: Error };

/**
 * Runs a due timer start job (Camunda's TimerStartEventJobHandler): starts an instance of its
 * definition at the timer start event, and in the same transaction replaces the job with its next
 * occurrence (cycles) or removes it. A failed start costs the job one retry, as any job failure does.
 */
export async function runTimerStartJob(service: EngineService, jobId: string, options: { onRequest?: boolean } = {}): Promise<TimerStartOutcome> {
  const { startEvents, layout } = service.deps;
  const env = service.env;
  const job = await startEvents.timerStartJob(jobId);
  // POST /job/{id}/execute runs a job whatever its due date and retries, as Camunda's ExecuteJobsCmd does.
  if (!job || (!options.onRequest && (job.retries <= 0 || job.dueDate > env.now()))) return 'skipped';
  const definition = await service.definition(job.processDefinitionId);
  if (!definition) {
    // Its deployment was deleted meanwhile: the job goes too (it would be swept again and again).
    await startEvents.write([startEvents.timerStartJobAction(job, undefined, layout)]).catch((error: unknown) => {
      if (!isConditionalFailure(error)) throw error;
    });
    return 'skipped';
  }
  // A suspended definition's timer starts nothing, even run on request (Camunda's handler ignores it);
  // a suspended job waits unless run on request. Its job is suspended with the definition.
  if ((!options.onRequest && job.suspended) || (await service.deps.definitions.isSuspended(definition.id))) return 'skipped';
  const model = await service.model(definition);
  let started: ReturnType<typeof startProcessInstance>;
  let next: ReturnType<typeof scheduleTimerStart> | undefined;
  try {
    started = startProcessInstance(model, { definitionId: definition.id, tenantId: definition.tenantId ?? undefined, startEventId: job.activityId }, env);
    next = job.repeat ? scheduleTimerStart(model.nodes.get(job.activityId) as StartEventNode, env.now(), job.repeat) : undefined;
  } catch (error) {
    log.warn('timer start job failed', { jobId, processDefinitionId: definition.id, retriesLeft: Math.max(0, job.retries - 1), error });
    await startEvents.recordTimerStartJobFailure(job, (error as Error).message, layout);
    return { failure: error as Error };
  }
  const replacement = next && { ...job, dueDate: next.dueDate, repeat: next.repeat, exceptionMessage: undefined, retries: env.defaultRetries ?? 3 };
  try {
    await service.createResult(started, model, [startEvents.timerStartJobAction(job, replacement, layout)]);
  } catch (error) {
    // Another run of the same due job won the race and started the instance.
    if (error instanceof ConcurrentModificationError) return 'skipped';
    throw error;
  }
  return 'executed';
}

/** `PUT /job/{id}/retries` on a timer start job. */
export async function setTimerStartJobRetries(service: EngineService, jobId: string, retries: number): Promise<boolean> {
  const { startEvents, layout } = service.deps;
  const job = await startEvents.timerStartJob(jobId);
  if (!job) return false;
  await startEvents.write([startEvents.timerStartJobAction(job, { ...job, retries }, layout)]);
  return true;
}

/** Changes a timer start job (its due date, priority); false when it is gone. A run meanwhile makes the write fail its guard. */
export async function updateTimerStartJob(service: EngineService, jobId: string, change: (job: TimerStartJobRecord) => Promise<TimerStartJobRecord>): Promise<boolean> {
  const { startEvents, layout } = service.deps;
  const job = await startEvents.timerStartJob(jobId);
  if (!job) return false;
  try {
    await startEvents.write([startEvents.timerStartJobAction(job, await change(job), layout)]);
  } catch (error) {
    // A run of the job changed it meanwhile (the write is guarded by its due date and retries).
    if (isConditionalFailure(error)) throw new EngineError('OptimisticLockingException', `Timer start job ${jobId} was changed by another run meanwhile`, 1);
    throw error;
  }
  return true;
}
