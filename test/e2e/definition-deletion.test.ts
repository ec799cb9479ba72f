import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** Started by a message; the task's name tells the versions apart. */
const model = (taskName: string) =>
  bpmnXml(
    'deletable',
    `<startEvent id="start"><messageEventDefinition messageRef="m"/></startEvent>
     <sequenceFlow id="f0" sourceRef="start" targetRef="t"/><userTask id="t" name="${taskName}"/>`,
    '<message id="m" name="deletableStart"/>',
  );

describe('deleting process definitions (RepositoryServiceTest#deleteProcessDefinition, DeleteProcessDefinitionTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
  });
  afterAll(() => runtime?.stop());

  it('deletes one version (with its instances only with cascade); the version before takes its start events back', async () => {
    const v1 = Object.keys((await api.deploy({ 'd.bpmn': model('first') })).body.deployedProcessDefinitions)[0]!;
    const v2 = Object.keys((await api.deploy({ 'd.bpmn': model('second') })).body.deployedProcessDefinitions)[0]!;
    const instance = (await api.post('/message', { messageName: 'deletableStart', resultEnabled: true })).body[0].processInstance.id;
    expect((await api.get(`/process-instance/${instance}`)).body.definitionId).toBe(v2);

    expect(await api.delete(`/process-definition/${v2}`)).toMatchObject({
      status: 500,
      body: { message: `Deletion of process definition without cascading failed. Process definition with id: ${v2} can't be deleted, since there exists 1 dependening process instances.` },
    });
    expect((await api.delete(`/process-definition/${v2}?cascade=true`)).status).toBe(200);
    expect((await api.get(`/process-instance/${instance}`)).status).toBe(404);
    expect((await api.get(`/process-definition/${v2}`)).status).toBe(404);
    expect((await api.get('/process-definition/key/deletable')).body.id).toBe(v1);

    // The message now starts the version that is the latest again.
    const restarted = (await api.post('/message', { messageName: 'deletableStart', resultEnabled: true })).body[0].processInstance.id;
    expect((await api.get(`/task?processInstanceId=${restarted}`)).body[0].name).toBe('first');
    expect(await api.delete(`/process-definition/${v2}`)).toMatchObject({
      status: 404,
      body: { type: 'InvalidRequestException', message: `No process definition found with id '${v2}': processDefinition is null` },
    });
  });

  it('deletes every version of a key without a tenant, leaving the tenants’ own; none left is a 404', async () => {
    expect((await api.deploy({ 'd.bpmn': model('tenant version') }, { 'tenant-id': 'acme' })).status).toBe(200);
    expect((await api.delete('/process-definition/key/deletable?cascade=true')).status).toBe(204);
    expect((await api.get('/process-definition/key/deletable/tenant-id/acme')).status).toBe(200);
    expect((await api.delete('/process-definition/key/deletable/tenant-id/acme')).status).toBe(204);
    expect((await api.get('/process-definition/key/deletable/tenant-id/acme')).status).toBe(404);
    expect((await api.get('/process-definition/key/deletable')).status).toBe(404);
    expect(await api.post('/message', { messageName: 'deletableStart' })).toMatchObject({ status: 400 });
    expect(await api.delete('/process-definition/key/deletable')).toMatchObject({ status: 404, body: { message: "No process definition found with key 'deletable': processDefinitions is empty" } });
    expect((await api.delete('/process-definition/key/deletable/tenant-id/nobody')).status).toBe(404);
  });
});
