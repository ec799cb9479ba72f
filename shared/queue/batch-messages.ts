import * as z from 'zod/v4';

export const SeedMessage = z.object({
  batchId: z.string().min(1),
  /**
   * Set on the API's first seed message, which is sent while the batch is still being written: how
   * many more times (one second apart) a seed run that does not find the batch yet looks again.
   */
  awaitCreation: z.number().int().min(0).optional(),
});
export const ExecuteMessage = z.object({
  batchId: z.string().min(1),
  jobId: z.string().min(1),
  /** The job's instances (they never change), so a single-instance job needs no read of its item. */
  processInstanceIds: z.array(z.string().min(1)).min(1).optional(),
});
export const MonitorMessage = z.object({
  batchId: z.string().min(1),
  /** A one-off check (after the last job, a deleted job, an activation): completes or does nothing. */
  once: z.boolean().optional(),
  /** The batch's jobsCompleted at the previous poll: unchanged for a whole poll means check and re-drive. */
  jobsCompleted: z.number().int().min(0).optional(),
});
export type SeedMessage = z.infer<typeof SeedMessage>;
export type ExecuteMessage = z.infer<typeof ExecuteMessage>;
export type MonitorMessage = z.infer<typeof MonitorMessage>;
