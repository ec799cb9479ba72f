import * as z from 'zod/mini';

/**
 * The message the job queue carries: which job of which instance is due. A timer start job belongs
 * to no instance (it starts one): its message has no processInstanceId. Worker-side schemas use
 * zod's mini build: the full one is a fifth of a worker's bundle (docs/decisions.md #39).
 */
export const JobMessage = z.object({
  processInstanceId: z.optional(z.string().check(z.minLength(1))),
  jobId: z.string().check(z.minLength(1)),
  correlationId: z.optional(z.string()),
});
export type JobMessage = z.infer<typeof JobMessage>;
