import * as z from 'zod/v4';

export const SeedMessage = z.object({ batchId: z.string().min(1) });
export const ExecuteMessage = z.object({ batchId: z.string().min(1), jobId: z.string().min(1) });
export const MonitorMessage = z.object({ batchId: z.string().min(1) });
export type SeedMessage = z.infer<typeof SeedMessage>;
export type ExecuteMessage = z.infer<typeof ExecuteMessage>;
export type MonitorMessage = z.infer<typeof MonitorMessage>;
