import * as z from 'zod/mini';

/** The id of the API request that caused the message (observability/correlation.ts); set by the publisher. */
const correlationId = z.optional(z.string());
const id = () => z.string().check(z.minLength(1));
const count = () => z.optional(z.int().check(z.gte(0)));

export const SeedMessage = z.object({
  batchId: id(),
  correlationId,
  /**
   * Set on the API's first seed message, which is sent while the batch is still being written: how
   * many more times (one second apart) a seed run that does not find the batch yet looks again.
   */
  awaitCreation: count(),
});
/** One execution job: its id and (they never change) its instances, so a single-instance job needs no read. */
const JobReference = z.object({
  jobId: id(),
  processInstanceIds: z.optional(z.array(id()).check(z.minLength(1))),
  /** The job failed before: an element it now completes has a failure to clear from the batch's report. */
  retried: z.optional(z.boolean()),
  /** A rate-limited job sent back to wait: the slot (epoch ms) its next element holds already. */
  notBefore: z.optional(z.number()),
});

/** Jobs per execute message: SQS requests (and the emulator's work) per job fall tenfold. */
export const JOBS_PER_EXECUTE_MESSAGE = 10;

/** One job (a retry, a re-driven or repaired job), or up to ten jobs of one batch (from the seed). */
export const ExecuteMessage = z.union([
  z.object({ batchId: id(), correlationId, ...JobReference.shape }),
  z.object({ batchId: id(), correlationId, jobs: z.array(JobReference).check(z.minLength(1), z.maxLength(JOBS_PER_EXECUTE_MESSAGE)) }),
]);
export type JobReference = z.infer<typeof JobReference>;

/** The jobs an execute message names, in either form. */
export function jobsOfMessage(message: ExecuteMessage): JobReference[] {
  if ('jobs' in message) return message.jobs;
  const { batchId: _batchId, correlationId: _correlationId, ...reference } = message;
  return [reference];
}

/** Execute messages for jobs of one batch: one job alone, several grouped by JOBS_PER_EXECUTE_MESSAGE. */
export function executeMessages(
  batchId: string,
  jobs: readonly { id: string; processInstanceIds: string[]; exceptionMessage?: string | null }[],
  retried = false,
  notBefore?: number,
): ExecuteMessage[] {
  const messages: ExecuteMessage[] = [];
  for (let i = 0; i < jobs.length; i += JOBS_PER_EXECUTE_MESSAGE) {
    const group = jobs.slice(i, i + JOBS_PER_EXECUTE_MESSAGE).map((job) => ({
      jobId: job.id,
      processInstanceIds: job.processInstanceIds,
      ...(retried || job.exceptionMessage ? { retried: true } : {}),
      ...(notBefore !== undefined ? { notBefore } : {}),
    }));
    messages.push(group.length === 1 ? { batchId, ...group[0]! } : { batchId, jobs: group });
  }
  return messages;
}
export const MonitorMessage = z.object({
  batchId: id(),
  correlationId,
  /** A one-off check (after the last job, a deleted job, an activation): completes or does nothing. */
  once: z.optional(z.boolean()),
  /** The batch's jobsCompleted at the previous poll: unchanged for a whole poll means check and re-drive. */
  jobsCompleted: count(),
});
export type SeedMessage = z.infer<typeof SeedMessage>;
export type ExecuteMessage = z.infer<typeof ExecuteMessage>;
export type MonitorMessage = z.infer<typeof MonitorMessage>;
