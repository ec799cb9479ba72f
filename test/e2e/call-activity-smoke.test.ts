import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';

const child = bpmnXml(
  'child',
  `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="childTask"/><userTask id="childTask"/><sequenceFlow id="f2" sourceRef="childTask" targetRef="e"/><endEvent id="e"/>`,
);
const parent = bpmnXml(
  'parent',
  `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
   <callActivity id="call" calledElement="child"><extensionElements><camunda:in source="a" target="b"/><camunda:out source="r" target="result"/></extensionElements></callActivity>
   <sequenceFlow id="f2" sourceRef="call" targetRef="after"/><userTask id="after"/><sequenceFlow id="f3" sourceRef="after" targetRef="e"/><endEvent id="e"/>`,
);

describe('call activity smoke', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
    expect((await api.deploy({ 'child.bpmn': child, 'parent.bpmn': parent })).status).toBe(200);
  });
  afterAll(async () => runtime?.stop());

  it('runs', async () => {
    const started = await api.post('/process-definition/key/parent/start', { variables: { a: { value: 5, type: 'Integer' } } });
    expect(started.status).toBe(200);
    const children = await api.get('/process-instance?processDefinitionKey=child');
    expect(children.body).toHaveLength(1);
    const tree = await api.get(`/process-instance/${started.body.id}/activity-instances`);
    console.log(JSON.stringify(tree.body.childActivityInstances));
    const vars = await api.get(`/process-instance/${children.body[0].id}/variables`);
    console.log(JSON.stringify(vars.body));
    const tasks = await api.get(`/task?processInstanceId=${children.body[0].id}`);
    const done = await api.post(`/task/${tasks.body[0].id}/complete`, { variables: { r: { value: 'ok', type: 'String' } } });
    expect(done.status).toBe(204);
    const parentTasks = await api.get(`/task?processInstanceId=${started.body.id}`);
    expect(parentTasks.body.map((t: any) => t.taskDefinitionKey)).toEqual(['after']);
    const pvars = await api.get(`/process-instance/${started.body.id}/variables`);
    console.log(JSON.stringify(pvars.body));
    const del = await api.post('/process-definition/key/parent/start', {});
    const kids = await api.get('/process-instance?processDefinitionKey=child');
    expect(kids.body).toHaveLength(1);
    expect((await api.delete(`/process-instance/${del.body.id}`)).status).toBe(204);
    expect((await api.get('/process-instance?processDefinitionKey=child')).body).toHaveLength(0);
  });
});
