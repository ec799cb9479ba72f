import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { recordSchemaVersion } from '../../shared/service/schema-version.ts';
import { SCHEMA_VERSION } from '../../shared/store/schema-log.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';

describe('the schema log (SchemaLogRestServiceTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
  });
  afterAll(() => runtime?.stop());

  it('names the product’s version as the data model’s', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SCHEMA_VERSION).toBe(pkg.version);
  });

  it('holds the entry the engine wrote when it first started against the table, once', async () => {
    const before = Date.now();
    // A second engine start (another container) adds nothing.
    await recordSchemaVersion(runtime.services.engine);
    const entries = (await api.get('/schema/log')).body;
    expect(entries).toEqual([{ id: '0', version: SCHEMA_VERSION, timestamp: expect.any(String) }]);
    expect(Date.parse(entries[0].timestamp)).toBeLessThanOrEqual(before);
    expect((await api.get(`/schema/log?version=${SCHEMA_VERSION}&sortBy=timestamp&sortOrder=desc`)).body).toHaveLength(1);
    expect((await api.get('/schema/log?version=7.24.0')).body).toEqual([]);
    expect((await api.post('/schema/log?maxResults=0', { sorting: [{ sortBy: 'timestamp', sortOrder: 'asc' }] })).body).toEqual([]);
    expect((await api.post('/schema/log', { version: SCHEMA_VERSION })).body).toHaveLength(1);
    expect(await api.get('/schema/log?sortBy=version&sortOrder=asc')).toMatchObject({ status: 400, body: { message: "Cannot set query parameter 'sortBy' to value 'version'" } });
  });
});
