import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

/** Bytes that are no UTF-8 text: a PNG signature and some binary. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0x7f, 0x01]);
const FORM = '{"components":[{"key":"amount","type":"number"}]}';

describe('deployment resources (DeploymentResourcesResourceImpl): list, one, data as deployed, registered deployments', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let deploymentId: string;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    const form = new FormData();
    form.set('deployment-name', 'with-resources');
    form.append('process.bpmn', new Blob([userTaskChain('withResources', ['a'])], { type: 'application/xml' }), 'process.bpmn');
    form.append('process.withResources.png', new Blob([PNG], { type: 'image/png' }), 'process.withResources.png');
    form.append('forms/order.form', new Blob([FORM], { type: 'application/json' }), 'forms/order.form');
    const response = await fetch(`${runtime.url}/deployment/create`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    deploymentId = ((await response.json()) as { id: string }).id;
  });
  afterAll(() => runtime?.stop());

  it('lists the resources with ids, and gives each alone', async () => {
    const listed = (await api.get(`/deployment/${deploymentId}/resources`)).body as { id: string; name: string; deploymentId: string }[];
    expect(listed.map((r) => r.name).sort()).toEqual(['forms/order.form', 'process.bpmn', 'process.withResources.png']);
    for (const resource of listed) {
      expect(resource.deploymentId).toBe(deploymentId);
      expect((await api.get(`/deployment/${deploymentId}/resources/${resource.id}`)).body).toEqual(resource);
    }
    expect(new Set(listed.map((r) => r.id)).size).toBe(3);
  });

  it('gives a resource’s data byte for byte, with Camunda’s content type and attachment name', async () => {
    const listed = (await api.get(`/deployment/${deploymentId}/resources`)).body as { id: string; name: string }[];
    const data = async (name: string) => {
      const response = await fetch(`${runtime.url}/deployment/${deploymentId}/resources/${listed.find((r) => r.name === name)!.id}/data`);
      return { status: response.status, type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), bytes: new Uint8Array(await response.arrayBuffer()) };
    };
    const png = await data('process.withResources.png');
    expect([png.status, png.type, png.disposition]).toEqual([200, 'image/png', `attachment; filename="process.withResources.png"; filename*=UTF-8''process.withResources.png`]);
    expect([...png.bytes]).toEqual([...PNG]);
    const bpmn = await data('process.bpmn');
    expect([bpmn.type, new TextDecoder().decode(bpmn.bytes)]).toEqual(['application/xml', userTaskChain('withResources', ['a'])]);
    const form = await data('forms/order.form');
    expect([form.type, form.disposition?.startsWith('attachment; filename="order.form"'), new TextDecoder().decode(form.bytes)]).toEqual(['application/octet-stream', true, FORM]);
  });

  it('answers unknown deployments and resources as Camunda does', async () => {
    expect(await api.get('/deployment/nope/resources')).toEqual({
      status: 404,
      body: { type: 'InvalidRequestException', message: "Deployment resources for deployment id 'nope' do not exist.", code: null },
    });
    expect(await api.get(`/deployment/${deploymentId}/resources/nope`)).toEqual({
      status: 404,
      body: { type: 'InvalidRequestException', message: `Deployment resource with resource id 'nope' for deployment id '${deploymentId}' does not exist.`, code: null },
    });
    expect(await api.get(`/deployment/${deploymentId}/resources/nope/data`)).toEqual({
      status: 500,
      body: { type: 'NullValueException', message: `no resource found with id 'nope' in deployment '${deploymentId}': resource is null`, code: 0 },
    });
  });

  it('lists every deployment as registered: the job executors here serve them all', async () => {
    expect((await api.get('/deployment/registered')).body).toEqual([deploymentId]);
  });
});
