import { z } from 'zod';

/** Handler configuration, validated once at cold start: a missing variable fails loudly. */
const EnvSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ENDPOINT_URL: z.string().url().optional(),
  TABLE_NAME: z.string().min(1),
  JOB_QUEUE_URL: z.string().min(1),
  DEFAULT_JOB_RETRIES: z.coerce.number().int().min(0).default(3),
});

export interface EngineConfig {
  region: string;
  endpoint?: string;
  tableName: string;
  jobQueueUrl: string;
  defaultJobRetries: number;
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  return { region: e.AWS_REGION, endpoint: e.AWS_ENDPOINT_URL, tableName: e.TABLE_NAME, jobQueueUrl: e.JOB_QUEUE_URL, defaultJobRetries: e.DEFAULT_JOB_RETRIES };
}
