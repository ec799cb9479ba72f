/** Item key builders of the single-table layout; docs/data-model.md explains each access pattern. */
export const keys = {
  instance: (id: string) => ({ pk: `PI#${id}`, sk: 'STATE' }),
  instanceListing: (id: string) => ({ pk: `PI#${id}`, sk: 'LISTING' }),
  task: (id: string) => ({ pk: `TASK#${id}`, sk: 'TASK' }),
  externalTask: (id: string) => ({ pk: `EXTTASK#${id}`, sk: 'EXTTASK' }),
  job: (id: string) => ({ pk: `JOB#${id}`, sk: 'JOB' }),
  subscription: (id: string) => ({ pk: `SUB#${id}`, sk: 'SUB' }),
  incident: (id: string) => ({ pk: `INCIDENT#${id}`, sk: 'INCIDENT' }),
  historicInstance: (id: string) => ({ pk: `HPI#${id}`, sk: 'HPI' }),
  /** Under the caller's history partition: one per instance it called. */
  calledInstanceLink: (callerId: string, calledId: string) => ({ pk: `HPI#${callerId}`, sk: `CALLED#${calledId}` }),
  deployment: (id: string) => ({ pk: `DEPLOYMENT#${id}`, sk: 'DEPLOYMENT' }),
  resource: (deploymentId: string, name: string) => ({ pk: `DEPLOYMENT#${deploymentId}`, sk: `RESOURCE#${name}` }),
  definition: (id: string) => ({ pk: `DEFINITION#${id}`, sk: 'DEFINITION' }),
  definitionVersionCounter: (key: string, tenantId: string | undefined) => ({ pk: `DEFKEY#${tenantId ?? ''}#${key}`, sk: 'COUNTER' }),
};

/** Sort keys that order by time: zero-padded epoch milliseconds. */
export function timeKey(epochMillis: number): string {
  return String(Math.max(0, Math.floor(epochMillis))).padStart(15, '0');
}

export function versionKey(version: number): string {
  return String(version).padStart(10, '0');
}
