import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

const START_FORM = '<form><input name="amount"/></form>';
const REVIEW_FORM = '{"components":[{"key":"approved","type":"checkbox"}]}';

/** A start form and three tasks: a deployed form by expression, a Camunda Form reference, and none. */
const MODEL = bpmnXml(
  'formsProcess',
  `<startEvent id="start" camunda:formKey="embedded:deployment:forms/start.html"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="fork"/>
   <parallelGateway id="fork"/>
   <sequenceFlow id="f2" sourceRef="fork" targetRef="review"/>
   <sequenceFlow id="f3" sourceRef="fork" targetRef="approve"/>
   <sequenceFlow id="f4" sourceRef="fork" targetRef="plain"/>
   <userTask id="review" camunda:formKey="camunda-forms:deployment:forms/\${formName}.form"/>
   <userTask id="approve" camunda:formRef="approvalForm" camunda:formRefBinding="version" camunda:formRefVersion="3"/>
   <userTask id="plain"/>`,
);

describe('forms of tasks and start events (FormService: form keys, Camunda Form references, deployed forms)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let definitionId: string;
  const tasks: Record<string, { id: string; formKey: string | null; camundaFormRef: unknown }> = {};

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    const deployed = await api.deploy({ 'forms.bpmn': MODEL, 'forms/start.html': START_FORM, 'forms/review.form': REVIEW_FORM });
    expect(deployed.status).toBe(200);
    definitionId = Object.keys(deployed.body.deployedProcessDefinitions)[0]!;
    const started = await api.post(`/process-definition/${definitionId}/start`, { variables: { formName: { value: 'review' } } });
    for (const task of (await api.get(`/task?processInstanceId=${started.body.id}`)).body) tasks[task.taskDefinitionKey] = task;
  });
  afterAll(() => runtime?.stop());

  it('shows each task’s form key (its expression evaluated at creation) and Camunda Form reference in the task and its form', async () => {
    expect(tasks.review).toMatchObject({ formKey: 'camunda-forms:deployment:forms/review.form', camundaFormRef: null });
    expect(tasks.approve).toMatchObject({ formKey: null, camundaFormRef: { key: 'approvalForm', binding: 'version', version: 3 } });
    expect((await api.get(`/task/${tasks.review!.id}/form`)).body).toEqual({ key: 'camunda-forms:deployment:forms/review.form', camundaFormRef: null, contextPath: null });
    expect((await api.get(`/task/${tasks.approve!.id}/form`)).body).toEqual({ key: null, camundaFormRef: { key: 'approvalForm', binding: 'version', version: 3 }, contextPath: null });
    expect((await api.get(`/task/${tasks.plain!.id}/form`)).body).toEqual({ key: null, camundaFormRef: null, contextPath: null });
    expect(await api.get('/task/nope/form')).toEqual({ status: 400, body: { type: 'RestException', message: 'Cannot get form for task nope', code: null } });
  });

  it('serves a task’s deployed form from the process’s deployment, and refuses what is none', async () => {
    const review = await fetch(`${runtime.url}/task/${tasks.review!.id}/deployed-form`);
    expect([review.status, review.headers.get('content-type'), await review.text()]).toEqual([200, 'application/json', REVIEW_FORM]);
    expect((await api.get(`/task/${tasks.plain!.id}/deployed-form`)).body).toEqual({
      type: 'InvalidRequestException',
      message: "One of the attributes 'formKey' and 'camunda:formRef' must be supplied but none were set.",
      code: null,
    });
    expect(await api.get(`/task/${tasks.approve!.id}/deployed-form`)).toEqual({
      status: 404,
      body: { type: 'InvalidRequestException', message: 'No Camunda Form Definition was found for Camunda Form Ref: CamundaFormRefImpl [key=approvalForm, binding=version, version=3]', code: null },
    });
  });

  it('gives the start form of a definition by id, key and tenant, and serves it', async () => {
    const expected = { key: 'embedded:deployment:forms/start.html', camundaFormRef: null, contextPath: null };
    expect((await api.get(`/process-definition/${definitionId}/startForm`)).body).toEqual(expected);
    expect((await api.get('/process-definition/key/formsProcess/startForm')).body).toEqual(expected);
    expect(await api.get('/process-definition/nope/startForm')).toEqual({
      status: 400,
      body: { type: 'InvalidRequestException', message: 'Cannot get start form data for process definition nope', code: null },
    });
    const form = await fetch(`${runtime.url}/process-definition/${definitionId}/deployed-start-form`);
    expect([form.status, form.headers.get('content-type'), await form.text()]).toEqual([200, 'application/xhtml+xml', START_FORM]);
    expect((await fetch(`${runtime.url}/process-definition/key/formsProcess/deployed-start-form`)).status).toBe(200);
    expect(await api.get('/process-definition/nope/deployed-start-form')).toEqual({
      status: 404,
      body: { type: 'InvalidRequestException', message: "no deployed process definition found with id 'nope': processDefinition is null", code: null },
    });
    // A key that names no deployed form.
    const other = await api.deploy({ 'other.bpmn': bpmnXml('otherForms', '<startEvent id="s" camunda:formKey="app:forms/start.html"/>') });
    const otherId = Object.keys(other.body.deployedProcessDefinitions)[0]!;
    expect((await api.get(`/process-definition/${otherId}/deployed-start-form`)).body.message).toBe("The form key 'app:forms/start.html' does not reference a deployed form.");
  });

  it('reads a task’s form key when asked, as Camunda does: a variable set after the task’s creation counts', async () => {
    const late = bpmnXml('lateForm', '<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/><userTask id="t" camunda:formKey="deployment:forms/${which}.html"/>');
    expect((await api.deploy({ 'late.bpmn': late })).status).toBe(200);
    const started = await api.post('/process-definition/key/lateForm/start', {});
    expect(started.status).toBe(200);
    const [task] = (await api.get(`/task?processInstanceId=${started.body.id}`)).body;
    expect(task.formKey).toBeNull();
    expect(await api.get(`/task/${task.id}/form`)).toEqual({ status: 400, body: { type: 'RestException', message: `Cannot get form for task ${task.id}`, code: null } });
    await api.put(`/process-instance/${started.body.id}/variables/which`, { value: 'review', type: 'String' });
    expect((await api.get(`/task/${task.id}/form`)).body.key).toBe('deployment:forms/review.html');
  });

  it('refuses Camunda’s invalid form definitions at deployment, with the element named', async () => {
    const both = bpmnXml(
      'bothForms',
      '<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/><userTask id="t" camunda:formKey="a" camunda:formRef="b" camunda:formRefBinding="latest"/>',
    );
    const refusedBoth = await api.deploy({ 'both.bpmn': both });
    expect(refusedBoth.status).toBe(400);
    expect(refusedBoth.body.message).toContain('Invalid element definition: only one of the attributes formKey and formRef is allowed.');
    expect(refusedBoth.body.details['both.bpmn'].errors[0]).toMatchObject({ mainElementId: 't' });
    const binding = bpmnXml('badBinding', '<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/><userTask id="t" camunda:formRef="b"/>');
    expect((await api.deploy({ 'binding.bpmn': binding })).body.message).toContain(
      'Invalid element definition: value for formRefBinding attribute has to be one of [deployment, latest, version] but was null',
    );
  });

  it('makes a changed form a new deployment under duplicate filtering, and an unchanged one none', async () => {
    const fields = { 'deployment-name': 'filtered-forms', 'enable-duplicate-filtering': 'true' };
    const first = await api.deploy({ 'filtered.bpmn': bpmnXml('filteredForms', '<startEvent id="s"/>'), 'forms/a.form': '{"v":1}' }, fields);
    const same = await api.deploy({ 'filtered.bpmn': bpmnXml('filteredForms', '<startEvent id="s"/>'), 'forms/a.form': '{"v":1}' }, fields);
    const changed = await api.deploy({ 'filtered.bpmn': bpmnXml('filteredForms', '<startEvent id="s"/>'), 'forms/a.form': '{"v":2}' }, fields);
    expect(same.body.id).toBe(first.body.id);
    expect(changed.body.id).not.toBe(first.body.id);
  });
});
