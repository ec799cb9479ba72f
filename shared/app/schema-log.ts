import type { SchemaLogEntry } from '../store/schema-log.ts';
import type { UseCase } from './app-context.ts';
import { type Paging, pageOf } from './result-page.ts';

export type { SchemaLogEntry };

/**
 * GET/POST /schema/log (Camunda's SchemaLogQuery): camunda-admin or READ on System sees the entries,
 * anyone else an empty list (SchemaLogManager#isAuthorized). Without a sort, in the order written.
 */
export const querySchemaLog: UseCase<{ version?: string; descending?: boolean } & Paging, SchemaLogEntry[]> = async (app, caller, query) => {
  if (!(await caller.isAllowed({ permission: 'READ', resource: 'System' }))) return [];
  const entries = (await app.engine.deps.schemaLog.entries()).filter((entry) => query.version === undefined || entry.version === query.version);
  entries.sort((a, b) => a.timestamp - b.timestamp || Number(a.id) - Number(b.id));
  if (query.descending) entries.reverse();
  return pageOf(entries, query);
};
