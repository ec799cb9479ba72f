import * as z from 'zod/v4';

/**
 * The message the job queue carries: which job of which instance is due. A timer start job belongs
 * to no instance (it starts one): its message has no processInstanceId.
 */
export const JobMessage = z.object({
  processInstanceId: z.string().min(1).optional(),
  jobId: z.string().min(1),
  correlationId: z.string().optional(),
});
export type JobMessage = z.infer<typeof JobMessage>;
