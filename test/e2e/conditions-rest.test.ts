/**
 * Conditional events over the REST API, end to end: POST /condition starts the processes whose
 * conditional start event holds for the given variables (Camunda's EvaluateStartConditionCmd and its
 * errors), and a variable set through POST /process-instance/{id}/variables fires a waiting
 * conditional event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml, type TreeNode, treeShape } from './inline-bpmn.ts';

const conditionallyStarted = (processId: string, condition: string, attributes = '') =>
  bpmnXml(
    processId,
    `<startEvent id="whenTrue"><conditionalEventDefinition ${attributes}><condition>${condition}</condition></conditionalEventDefinition></startEvent>
     <sequenceFlow id="f1" sourceRef="whenTrue" targetRef="task"/><userTask id="task"/>`,
  );

describe('conditional events over REST', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
  });
  afterAll(async () => runtime?.stop());

  it('answers ENGINE-13043 while no process has a conditional start event', async () => {
    // when
    const response = await api.post('/condition', { variables: { temperature: { value: 30, type: 'Integer' } } });

    // then
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ type: 'ProcessEngineException', message: 'ENGINE-13043 No subscriptions were found during evaluation of the conditional start events.', code: 0 });
  });

  it('POST /condition starts every process whose condition holds for the variables, with them and the business key', async () => {
    // given
    const deployed = await api.deploy({
      'hot.bpmn': conditionallyStarted('whenHot', '${temperature > 25}'),
      'cold.bpmn': conditionallyStarted('whenCold', '${temperature &lt; 5}'),
      'watched.bpmn': conditionallyStarted('whenWatched', '${true}', 'camunda:variableName="humidity"'),
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);

    // when
    const response = await api.post('/condition', { variables: { temperature: { value: 30, type: 'Integer' } }, businessKey: 'sensor-1' });

    // then
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toHaveLength(1);
    expect(response.body[0]).toMatchObject({ definitionKey: 'whenHot', businessKey: 'sensor-1', ended: false });
    const id = response.body[0].id as string;
    expect((await api.get(`/process-instance/${id}/variables/temperature`)).body).toMatchObject({ value: 30 });
    expect((await api.get(`/history/process-instance/${id}`)).body).toMatchObject({ startActivityId: 'whenTrue' });

    // when: camunda:variableName needs that variable among the given ones
    const watched = await api.post('/condition', { variables: { humidity: { value: 1, type: 'Integer' } } });

    // then
    expect(watched.body.map((p: { definitionKey: string }) => p.definitionKey)).toEqual(['whenWatched']);
  });

  it('POST /condition with a processDefinitionId evaluates that definition only; one without conditional start is ENGINE-13042', async () => {
    // given
    const definitions = (await api.get('/process-definition?key=whenCold')).body as { id: string }[];
    const other = await api.deploy({ 'plain.bpmn': bpmnXml('plainProcess', '<startEvent id="s"/>') });
    const plainId = Object.keys(other.body.deployedProcessDefinitions)[0]!;

    // when
    const cold = await api.post('/condition', { processDefinitionId: definitions[0]!.id, variables: { temperature: { value: 1, type: 'Integer' } } });
    const none = await api.post('/condition', { processDefinitionId: plainId, variables: {} });
    const both = await api.post('/condition', { tenantId: 'a', withoutTenantId: true });

    // then
    expect(cold.body.map((p: { definitionKey: string }) => p.definitionKey)).toEqual(['whenCold']);
    expect(none.status).toBe(500);
    expect(none.body.message).toBe(`ENGINE-13042 Process definition with id '${plainId}' does not declare conditional start event.`);
    expect(both.status).toBe(400);
  });

  it('a variable set through POST /process-instance/{id}/variables fires a waiting conditional event', async () => {
    // given
    const deployed = await api.deploy({
      'waits.bpmn': bpmnXml(
        'waitsForApproval',
        `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
         <intermediateCatchEvent id="wait"><conditionalEventDefinition><condition>\${approved}</condition></conditionalEventDefinition></intermediateCatchEvent>
         <sequenceFlow id="f2" sourceRef="wait" targetRef="go"/><userTask id="go"/>`,
      ),
    });
    expect(deployed.status).toBe(200);
    const started = await api.post('/process-definition/key/waitsForApproval/start', {});
    const id = started.body.id as string;
    expect(treeShape((await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode)).toBe('root{wait}');

    // when
    const set = await api.post(`/process-instance/${id}/variables`, { modifications: { approved: { value: true, type: 'Boolean' } } });

    // then
    expect(set.status).toBe(204);
    expect(treeShape((await api.get(`/process-instance/${id}/activity-instances`)).body as TreeNode)).toBe('root{go}');
  });
});
