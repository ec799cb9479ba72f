import * as z from 'zod/v4';

/** The message the job queue carries: which job of which instance is due. */
export const JobMessage = z.object({
  processInstanceId: z.string().min(1),
  jobId: z.string().min(1),
  correlationId: z.string().optional(),
});
export type JobMessage = z.infer<typeof JobMessage>;
