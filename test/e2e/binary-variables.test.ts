import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

describe('binary variables: Bytes and File (VariableResourceTest, ProcessInstanceRestServiceInteractionTest#testPostSingleFileVariable)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let instance: string;
  let task: string;
  const bytes = new Uint8Array([0x00, 0x01, 0xfe, 0xff, 0x42]);

  const upload = (path: string, parts: Record<string, Blob | string>, filename?: string) => {
    const form = new FormData();
    for (const [name, part] of Object.entries(parts)) {
      if (typeof part === 'string') form.set(name, part);
      else form.set(name, part, filename ?? 'blob');
    }
    return fetch(`${runtime.url}${path}`, { method: 'POST', body: form });
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    await api.deploy({ 'b.bpmn': userTaskChain('binaryProcess', ['review']) });
    instance = (await api.post('/process-definition/key/binaryProcess/start', {})).body.id;
    task = (await api.get(`/task?processInstanceId=${instance}`)).body[0].id;
  });
  afterAll(() => runtime?.stop());

  it('stores uploaded bytes and serves them back byte for byte', async () => {
    expect((await upload(`/process-instance/${instance}/variables/blob/data`, { data: new Blob([bytes]) })).status).toBe(204);
    const data = await fetch(`${runtime.url}/process-instance/${instance}/variables/blob/data`);
    expect(data.status).toBe(200);
    expect(data.headers.get('content-type')).toBe('application/octet-stream');
    expect(new Uint8Array(await data.arrayBuffer())).toEqual(bytes);
    // In JSON a byte array is base64, as Camunda's Jackson writes it.
    expect((await api.get(`/process-instance/${instance}/variables/blob`)).body).toEqual({ type: 'Bytes', value: Buffer.from(bytes).toString('base64'), valueInfo: {} });
  });

  it('stores a File with its name, type and charset, on a task and locally', async () => {
    const text = 'Grüße, invoice 42';
    const response = await upload(`/task/${task}/localVariables/invoice/data`, { data: new Blob([text], { type: 'text/plain; charset=UTF-8' }), valueType: 'File' }, 'invoice.txt');
    expect(response.status).toBe(204);
    expect((await api.get(`/task/${task}/localVariables/invoice`)).body).toEqual({
      type: 'File',
      value: null,
      // The charset as the client sent it (a Blob's type is lower-cased).
      valueInfo: { filename: 'invoice.txt', mimeType: 'text/plain', encoding: 'utf-8' },
    });
    const data = await fetch(`${runtime.url}/task/${task}/localVariables/invoice/data`);
    expect(data.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(data.headers.get('content-disposition')).toBe(`attachment; filename="invoice.txt"; filename*=UTF-8''invoice.txt`);
    expect(await data.text()).toBe(text);
    // The variable instance serves the same content.
    const [variable] = (await api.get(`/variable-instance?taskIdIn=${task}&variableName=invoice`)).body;
    expect(await (await fetch(`${runtime.url}/variable-instance/${variable.id}/data`)).text()).toBe(text);
  });

  it('takes Bytes and File as JSON too; refuses an unknown value type and a serialized Java object', async () => {
    expect((await api.put(`/process-instance/${instance}/variables/json-bytes`, { type: 'Bytes', value: Buffer.from('hi').toString('base64') })).status).toBe(204);
    expect(await (await fetch(`${runtime.url}/process-instance/${instance}/variables/json-bytes/data`)).text()).toBe('hi');
    expect(
      (await api.put(`/process-instance/${instance}/variables/json-file`, { type: 'File', value: Buffer.from('a,b').toString('base64'), valueInfo: { filename: 'x.csv', mimetype: 'text/csv' } }))
        .status,
    ).toBe(204);
    expect((await fetch(`${runtime.url}/process-instance/${instance}/variables/json-file/data`)).headers.get('content-type')).toBe('text/csv');

    const unknown = await upload(`/process-instance/${instance}/variables/x/data`, { data: new Blob(['x']), valueType: 'Music' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ type: 'RestException', message: "Unsupported value type 'Music'" });
    const java = await upload(`/process-instance/${instance}/variables/x/data`, { data: new Blob(['{}'], { type: 'application/json' }), type: 'com.acme.Order' });
    expect(java.status).toBe(400);
    // A text variable still has no binary data.
    expect((await api.put(`/process-instance/${instance}/variables/plain`, { type: 'String', value: 'x' })).status).toBe(204);
    expect(await api.get(`/process-instance/${instance}/variables/plain/data`)).toMatchObject({ status: 400, body: { message: `Value of variable with id ${instance} is not a binary value.` } });
    const missing = await upload('/process-instance/nope/variables/x/data', { data: new Blob(['x']) });
    expect(missing.status).toBe(500);
    expect((await missing.json()).message).toBe("Cannot put process instance variable x: execution nope doesn't exist: execution is null");
  });
});
