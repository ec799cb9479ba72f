import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/camunda-forms/${name}`, import.meta.url), 'utf8');

/** A task form with every built-in validator, an enum and a date; the start form has a business key field. */
const VALIDATED = bpmnXml(
  'validatedForm',
  `<startEvent id="start"><extensionElements><camunda:formData businessKey="orderNo">
     <camunda:formField id="orderNo" label="Order" type="string"/>
     <camunda:formField id="amount" label="Amount" type="long" defaultValue="\${10 * 2}"/>
   </camunda:formData></extensionElements></startEvent>
   <sequenceFlow id="f0" sourceRef="start" targetRef="review"/>
   <userTask id="review" name="Review"><extensionElements><camunda:formData>
     <camunda:formField id="comment" label="Comment for \${orderNo}" type="string">
       <camunda:validation><camunda:constraint name="required"/><camunda:constraint name="minlength" config="3"/><camunda:constraint name="maxlength" config="10"/></camunda:validation>
     </camunda:formField>
     <camunda:formField id="score" type="long"><camunda:validation><camunda:constraint name="min" config="1"/><camunda:constraint name="max" config="10"/></camunda:validation></camunda:formField>
     <camunda:formField id="approved" type="boolean" defaultValue="false"/>
     <camunda:formField id="level" type="enum" defaultValue="low"><camunda:value id="low" name="Low"/><camunda:value id="high" name="High"/></camunda:formField>
     <camunda:formField id="due" type="date" datePattern="yyyy-MM-dd"/>
     <camunda:formField id="source" type="string" defaultValue="web"><camunda:validation><camunda:constraint name="readonly"/></camunda:validation></camunda:formField>
   </camunda:formData></extensionElements></userTask>
   <sequenceFlow id="f1" sourceRef="review" targetRef="done"/>
   <userTask id="done"/>`,
);

type Typed = { type: string; value: unknown; valueInfo: Record<string, unknown> };
const typed = (type: string, value: unknown): Typed => ({ type, value, valueInfo: {} });

describe('generated forms (FormServiceTest, FormDataTest, HtmlFormEngineTest)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  const taskOf = async (processInstanceId: string): Promise<string> => (await api.get(`/task?processInstanceId=${processInstanceId}`)).body[0].id;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    const resources: Record<string, string> = { 'validated.bpmn': VALIDATED, 'types.bpmn': fixture('FormDataTest.testGetFormFieldBuiltInTypes.bpmn20.xml') };
    for (const name of ['testRenderTaskForm', 'testRenderStartForm', 'testRenderDateField', 'testRenderEnumField', 'testRenderEmptyStartForm']) {
      resources[`${name}.bpmn`] = fixture(`HtmlFormEngineTest.${name}.bpmn20.xml`);
    }
    expect((await api.deploy(resources)).status).toBe(200);
  });
  afterAll(() => runtime?.stop());

  it('renders the HTML form Camunda renders, element for element', async () => {
    const rendered = async (path: string) => {
      const response = await fetch(`${runtime.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/xhtml+xml');
      return (await response.text()).trimEnd();
    };
    const expected = (name: string) => fixture(`HtmlFormEngineTest.${name}.html`).replace(/\r\n/g, '\n').trimEnd();

    expect(await rendered('/process-definition/key/HtmlFormEngineTest.testRenderStartForm/rendered-form')).toBe(expected('testRenderStartForm'));
    expect(await rendered('/process-definition/key/HtmlFormEngineTest.testRenderDateField/rendered-form')).toBe(expected('testRenderDateField'));
    const taskInstance = (await api.post('/process-definition/key/HtmlFormEngineTest.testRenderTaskForm/start', {})).body.id;
    expect(await rendered(`/task/${await taskOf(taskInstance)}/rendered-form`)).toBe(expected('testRenderTaskForm'));
    const enumInstance = (await api.post('/process-definition/key/HtmlFormEngineTest.testRenderEnumField/start', {})).body.id;
    expect(await rendered(`/task/${await taskOf(enumInstance)}/rendered-form`)).toBe(expected('testRenderEnumField'));

    // No form fields: Camunda's 404.
    const empty = (await api.get('/process-definition/key/HtmlFormEngineTest.testRenderEmptyStartForm')).body.id;
    expect(await api.get(`/process-definition/${empty}/rendered-form`)).toMatchObject({
      status: 404,
      body: { type: 'InvalidRequestException', message: `No matching rendered start form for process definition with the id ${empty} found.` },
    });
    const emptyInstance = (await api.post(`/process-definition/${empty}/start`, {})).body.id;
    const emptyTask = await taskOf(emptyInstance);
    expect(await api.get(`/task/${emptyTask}/rendered-form`)).toMatchObject({ status: 404, body: { message: `No matching rendered form for task with the id ${emptyTask} found.` } });
    // A generated form without a key of its own is served by the engine.
    expect((await api.get(`/task/${await taskOf(taskInstance)}/form`)).body.key).toBe(`embedded:engine://engine/:engine/task/${await taskOf(taskInstance)}/rendered-form`);
  });

  it('shows the form fields with their types and defaults, then the task’s variables', async () => {
    const instance = (await api.post('/process-definition/key/FormDataTest.testGetFormFieldBuiltInTypes/start', { variables: { other: typed('String', 'x') } })).body.id;
    const task = await taskOf(instance);
    const variables = (await api.get(`/task/${task}/form-variables`)).body;
    expect(variables).toEqual({
      stringField: typed('String', 'someString'),
      longField: typed('Long', 1),
      booleanField: typed('Boolean', true),
      dateField: typed('String', '10/01/2013'),
      enumField: typed('String', 'a'),
      other: typed('String', 'x'),
    });
    expect(Object.keys(variables)).toEqual(['stringField', 'longField', 'booleanField', 'dateField', 'enumField', 'other']);
    expect((await api.get(`/task/${task}/form-variables?variableNames=longField,other`)).body).toEqual({ longField: typed('Long', 1), other: typed('String', 'x') });
    // A variable of a field's name is shown through the field's type.
    expect((await api.put(`/process-instance/${instance}/variables/longField`, { value: '42', type: 'String' })).status).toBe(204);
    expect((await api.get(`/task/${task}/form-variables?variableNames=longField`)).body).toEqual({ longField: typed('Long', 42) });
    expect((await api.put(`/process-instance/${instance}/variables/dateField`, { value: 'soon', type: 'String' })).status).toBe(204);
    expect(await api.get(`/task/${task}/form-variables`)).toMatchObject({ status: 500, body: { type: 'FormFieldValidationException', message: "failed to convert 'dateField'" } });
    expect(await api.get('/task/nope/form-variables')).toMatchObject({ status: 400, body: { type: 'BadUserRequestException', message: "Cannot find task with id 'nope'.: task is null" } });
  });

  it('submits a task form: validated, converted, then the task completes', async () => {
    const instance = (await api.post('/process-definition/key/validatedForm/start', { businessKey: 'A-1', variables: { orderNo: typed('String', 'A-1') } })).body.id;
    const task = await taskOf(instance);
    const submit = (variables: Record<string, Typed>, extra: Record<string, unknown> = {}) => api.post(`/task/${task}/submit-form`, { variables, ...extra });
    const failure = (field: string, validation: string) => ({
      status: 500,
      body: { type: 'RestException', message: `Cannot submit task form ${task}: Invalid value submitted for form field '${field}': validation of ${validation} failed.` },
    });

    expect(await submit({})).toMatchObject(failure('comment', 'required'));
    expect(await submit({ comment: typed('String', 'ok') })).toMatchObject(failure('comment', 'minlength(3)'));
    expect(await submit({ comment: typed('String', 'good'), score: typed('Long', 10) })).toMatchObject(failure('score', 'max(10)'));
    expect(await submit({ comment: typed('String', 'good'), source: typed('String', 'api') })).toMatchObject(failure('source', 'readonly'));
    expect(await submit({ comment: typed('String', 'good'), level: typed('String', 'urgent') })).toMatchObject({
      status: 500,
      body: { message: `Cannot submit task form ${task}: Invalid value for enum form property: urgent` },
    });
    expect(await submit({ comment: typed('String', 'good'), due: typed('String', 'tomorrow') })).toMatchObject({
      status: 500,
      body: { message: `Cannot submit task form ${task}: Could not parse value 'tomorrow' as date using date format 'yyyy-MM-dd'.` },
    });
    // Validators see the value as submitted, before it is converted: text is no number to min.
    expect(await submit({ comment: typed('String', 'good'), score: typed('String', '5') })).toMatchObject(failure('score', 'min(1)'));
    // Nothing of the refused submits was kept: the task still waits.
    expect((await api.get(`/task/${task}`)).status).toBe(200);

    const done = await submit({ comment: typed('String', 'good'), score: typed('Integer', 7), due: typed('String', '2026-12-24'), extra: typed('String', 'kept') }, { withVariablesInReturn: true });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      comment: typed('String', 'good'),
      score: typed('Long', 7),
      approved: typed('Boolean', false),
      level: typed('String', 'low'),
      due: { type: 'Date', value: expect.stringMatching(/^2026-12-24T00:00:00\.000/) },
      source: typed('String', 'web'),
      extra: typed('String', 'kept'),
    });
    expect((await api.get(`/task?processInstanceId=${instance}`)).body.map((t: { taskDefinitionKey: string }) => t.taskDefinitionKey)).toEqual(['done']);
    expect(await api.post('/task/nope/submit-form', {})).toMatchObject({
      status: 500,
      body: { type: 'RestException', message: 'Cannot submit task form nope: Cannot find task with id nope: task is null' },
    });
  });

  it('shows and submits a start form: fields only, the business key field as the business key', async () => {
    const definition = (await api.get('/process-definition/key/validatedForm')).body.id;
    expect((await api.get('/process-definition/key/validatedForm/form-variables')).body).toEqual({ orderNo: typed('String', null), amount: typed('Long', 20) });
    expect((await api.get(`/process-definition/${definition}/form-variables?variableNames=amount`)).body).toEqual({ amount: typed('Long', 20) });
    expect((await api.get('/process-definition/key/validatedForm/startForm')).body.key).toBe(`embedded:engine://engine/:engine/process-definition/${definition}/rendered-form`);

    const started = await api.post('/process-definition/key/validatedForm/submit-form', { businessKey: 'B-7', variables: { amount: typed('String', '35') } });
    expect(started).toMatchObject({ status: 200, body: { definitionId: definition, businessKey: 'B-7', ended: false, suspended: false } });
    expect((await api.get(`/process-instance/${started.body.id}/variables`)).body).toEqual({ amount: typed('Long', 35) });

    expect(await api.get('/process-definition/nope/form-variables')).toMatchObject({
      status: 400,
      body: { type: 'NotFoundException', message: "no deployed process definition found with id 'nope': processDefinition is null" },
    });
    expect(await api.post('/process-definition/nope/submit-form', {})).toMatchObject({
      status: 500,
      body: { type: 'RestException', message: "Cannot instantiate process definition nope: no deployed process definition found with id 'nope': processDefinition is null" },
    });
    expect(await api.post('/process-definition/key/validatedForm/submit-form', { variables: { amount: typed('Boolean', true) } })).toMatchObject({
      status: 500,
      body: { message: `Cannot instantiate process definition ${definition}: Value 'true' is not of type Long.` },
    });
    // Java's NumberFormatException escapes Camunda's resource as itself.
    expect(await api.post('/process-definition/key/validatedForm/submit-form', { variables: { amount: typed('String', 'many') } })).toMatchObject({
      status: 500,
      body: { type: 'NumberFormatException', message: 'For input string: "many"' },
    });
    expect((await api.get('/process-definition/key/nope/form-variables')).status).toBe(404);
  });

  it('renders and submits the legacy camunda:formProperty as Camunda does', async () => {
    // The fixtures carry a `value` attribute the camunda schema does not have (Camunda ignores it; this parser refuses unknown attributes).
    const legacy = (name: string) => fixture(`HtmlFormEngineTest.${name}.bpmn20.xml`).replace(/\s+value="someString"/g, '');
    for (const name of ['testLegacyFormPropertySupport', 'testLegacyFormPropertySupportReadOnly', 'testLegacyFormPropertySupportRequired']) {
      expect((await api.deploy({ [`${name}.bpmn`]: legacy(name) })).status).toBe(200);
      const instance = (await api.post(`/process-definition/key/HtmlFormEngineTest.${name}/start`, {})).body.id;
      const task = await taskOf(instance);
      const html = await (await fetch(`${runtime.url}/task/${task}/rendered-form`)).text();
      expect(html.trimEnd()).toBe(fixture(`HtmlFormEngineTest.${name}.html`).replace(/\r\n/g, '\n').trimEnd());
    }

    const model = bpmnXml(
      'legacyForm',
      `<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t"/>
       <userTask id="t"><extensionElements>
         <camunda:formProperty id="speaker" variable="SpeakerName" required="true"/>
         <camunda:formProperty id="duration" type="long" default="\${30}"/>
         <camunda:formProperty id="room" writable="false"/>
       </extensionElements></userTask>
       <sequenceFlow id="f1" sourceRef="t" targetRef="e"/><userTask id="e"/>`,
    );
    expect((await api.deploy({ 'legacy.bpmn': model })).status).toBe(200);
    const instance = (await api.post('/process-definition/key/legacyForm/start', {})).body.id;
    const task = await taskOf(instance);
    expect(await api.post(`/task/${task}/submit-form`, { variables: {} })).toMatchObject({ status: 500, body: { message: `Cannot submit task form ${task}: form property 'speaker' is required` } });
    expect(await api.post(`/task/${task}/submit-form`, { variables: { speaker: typed('String', 'Ada'), room: typed('String', 'A1') } })).toMatchObject({
      status: 500,
      body: { message: `Cannot submit task form ${task}: form property 'room' is not writable` },
    });
    expect((await api.post(`/task/${task}/submit-form`, { variables: { speaker: typed('String', 'Ada') } })).status).toBe(204);
    // The property writes its variable; an unsubmitted one its default, converted by its type.
    expect((await api.get(`/process-instance/${instance}/variables`)).body).toEqual({ SpeakerName: typed('String', 'Ada'), duration: typed('Long', 30) });
  });

  it('refuses at deployment what Camunda refuses, and a validator class, which cannot run here', async () => {
    const refused = await api.deploy({ 'untyped.bpmn': fixture('FormServiceTest.testDeployTaskFormWithoutFieldTypes.bpmn20.xml') });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("form field must have a 'type' attribute");
    const form = (field: string) => bpmnXml('bad', `<startEvent id="s"><extensionElements><camunda:formData>${field}</camunda:formData></extensionElements></startEvent>`);
    const unknownType = await api.deploy({ 'bad.bpmn': form('<camunda:formField id="f" type="money"/>') });
    expect(unknownType.body.message).toContain("unknown type 'money'");
    const unknownConstraint = await api.deploy({
      'bad.bpmn': form('<camunda:formField id="f" type="string"><camunda:validation><camunda:constraint name="email"/></camunda:validation></camunda:formField>'),
    });
    expect(unknownConstraint.body.message).toContain("Cannot find validator implementation for name 'email'.");
    const custom = await api.deploy({
      'bad.bpmn': form('<camunda:formField id="f" type="string"><camunda:validation><camunda:constraint name="validator" config="com.acme.Check"/></camunda:validation></camunda:formField>'),
    });
    expect(custom).toMatchObject({ status: 400, body: { type: 'ParseException' } });
    expect(custom.body.message).toContain("Form field 'f': custom validators");
  });
});
