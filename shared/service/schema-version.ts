import { SCHEMA_VERSION } from '../store/schema-log.ts';
import type { EngineService } from './engine-service.ts';

/** At an engine's start: the schema log gets this version's entry unless it has it (GET /schema/log shows it). */
export function recordSchemaVersion(engine: EngineService): Promise<void> {
  return engine.deps.schemaLog.record(SCHEMA_VERSION, engine.env.now());
}
