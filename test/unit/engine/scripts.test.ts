import { beforeAll, describe, expect, it } from 'vitest';
import { parseBpmn, type ProcessModel } from '../../../shared/bpmn/index.ts';
import type { BpmnParseError } from '../../../shared/bpmn/errors.ts';
import { EngineError, modifyVariables, startProcessInstance } from '../../../shared/engine/index.ts';
import { DEFAULT_SCRIPT_LIMITS } from '../../../shared/script/sandbox.ts';
import { PreparedScripts } from '../../../shared/service/script-preparation.ts';
import type { DefinitionRepository } from '../../../shared/store/definition-repository.ts';
import { InstanceDriver, testEnvironment } from '../../support/engine-harness.ts';
import { bpmnXml, int, str } from './inline-models.ts';

/** Deployment resources a script may name, as the definitions store would read them. */
function resources(texts: Record<string, string>): DefinitionRepository {
  return {
    resourceXml: async (deploymentId: string, name: string) => {
      const text = texts[name];
      if (text === undefined) throw new Error(`Resource '${name}' of deployment '${deploymentId}' is missing`);
      return text;
    },
  } as unknown as DefinitionRepository;
}

/** An environment whose scripts run in the real sandbox, prepared for the model as the engine service does. */
async function scriptEnvironment(model: ProcessModel, texts: Record<string, string> = {}, limits = DEFAULT_SCRIPT_LIMITS) {
  const scripts = new PreparedScripts(resources(texts), limits);
  await scripts.prepare({ id: `${model.id}:1:def`, deploymentId: 'deployment-1' } as never, model);
  const env = testEnvironment();
  env.scripts = scripts;
  return env;
}

async function model(body: string, definitions?: string): Promise<ProcessModel> {
  const [parsed] = await parseBpmn(bpmnXml(body, { definitions }), 'scripts.bpmn');
  return parsed!;
}

async function start(body: string, variables: Record<string, ReturnType<typeof int>> = {}, texts: Record<string, string> = {}, definitions?: string) {
  const m = await model(body, definitions);
  return InstanceDriver.start(m, await scriptEnvironment(m, texts), variables);
}

const flow = (from: string, to: string, extra = '') => `<sequenceFlow id="${from}-${to}" sourceRef="${from}" targetRef="${to}">${extra}</sequenceFlow>`;

beforeAll(async () => {
  // The first load compiles the WebAssembly module.
  await scriptEnvironment(await model(`<startEvent id="s"/>${flow('s', 't')}<scriptTask id="t" scriptFormat="javascript"><script>1</script></scriptTask>`));
});

describe('script tasks', () => {
  it("sets a script's result as its result variable and leaves (ScriptTaskTest.testSetScriptResultToProcessVariable)", async () => {
    // when
    const driver = await start(
      `<startEvent id="s"/>${flow('s', 'script')}
       <scriptTask id="script" scriptFormat="javascript" camunda:resultVariable="total"><script>price * quantity</script></scriptTask>${flow('script', 'wait')}
       <userTask id="wait"/>`,
      { price: int(7), quantity: int(6) },
    );

    // then
    expect(driver.shape).toBe('root{wait}');
    expect(driver.state.root.variables!.total).toEqual(int(42));
  });

  it('sets variables through execution, typed as Camunda types them', async () => {
    // when
    const driver = await start(
      `<startEvent id="s"/>${flow('s', 'script')}
       <scriptTask id="script" scriptFormat="JavaScript"><script><![CDATA[
         execution.setVariable('whole', 5);
         execution.setVariable('fraction', 2.5);
         execution.setVariable('large', 10000000000);
         execution.setVariable('text', 'x' + execution.getActivityId() + ':' + execution.getProcessInstanceId().length);
         execution.setVariable('flag', true);
         execution.setVariable('when', new Date(Date.UTC(2026, 0, 2)));
         execution.setVariables({ a: 'A', b: null });
       ]]></script></scriptTask>${flow('script', 'wait')}<userTask id="wait"/>`,
    );

    // then
    expect(driver.state.root.variables).toMatchObject({
      whole: int(5),
      fraction: { type: 'Double', value: 2.5 },
      large: { type: 'Long', value: 10000000000 },
      text: str('xscript:36'),
      flag: { type: 'Boolean', value: true },
      when: { type: 'Date', value: '2026-01-02T00:00:00.000Z' },
      a: str('A'),
      b: { type: 'Null', value: null },
    });
  });

  it('runs a script kept as a resource of its deployment (camunda:resource)', async () => {
    // when
    const driver = await start(
      `<startEvent id="s"/>${flow('s', 'script')}
       <scriptTask id="script" scriptFormat="javascript" camunda:resource="deployment://greeting.js" camunda:resultVariable="greeting"/>${flow('script', 'wait')}<userTask id="wait"/>`,
      { name: str('Kermit') } as never,
      { 'greeting.js': '"Hello, " + name' },
    );

    // then
    expect(driver.state.root.variables!.greeting).toEqual(str('Hello, Kermit'));
  });

  it("fails the operation with Camunda's ScriptEvaluationException when the script throws", async () => {
    // given
    const m = await model(`<startEvent id="s"/>${flow('s', 'script')}<scriptTask id="script" scriptFormat="javascript"><script>throw new Error('no invoice')</script></scriptTask>`);
    const env = await scriptEnvironment(m);

    // when
    const failure = (() => {
      try {
        startProcessInstance(m, { definitionId: 'inlineProcess:1:def' }, env);
      } catch (error) {
        return error as EngineError;
      }
    })();

    // then
    expect(failure).toBeInstanceOf(EngineError);
    expect(failure!.type).toBe('ScriptEvaluationException');
    expect(failure!.message).toBe("Unable to evaluate script while executing activity 'script' in the process definition with id 'inlineProcess:1:def':Error: no invoice");
  });

  it('fails with the limit it ran into, and a missing resource with the resource named', async () => {
    const loop = await model(`<startEvent id="s"/>${flow('s', 'script')}<scriptTask id="script" scriptFormat="js"><script>while (true) {}</script></scriptTask>`);
    const env = await scriptEnvironment(loop, {}, { timeMs: 50, memoryBytes: 8 * 1024 * 1024 });
    expect(() => startProcessInstance(loop, { definitionId: 'd' }, env)).toThrow(
      "Unable to evaluate script while executing activity 'script' in the process definition with id 'd':the script ran longer than its limit of 50 ms",
    );

    const missing = await model(`<startEvent id="s"/>${flow('s', 'script')}<scriptTask id="script" scriptFormat="js" camunda:resource="missing.js"/>`);
    expect(() => startProcessInstance(missing, { definitionId: 'inlineProcess:1:def' }, testEnvironment())).toThrow('No script engine is loaded');
    const prepared = await scriptEnvironment(missing);
    expect(() => startProcessInstance(missing, { definitionId: 'inlineProcess:1:def' }, prepared)).toThrow(/:Unable to find resource at path missing.js$/);
  });

  it('propagates a BpmnError the script throws to the error boundary event that catches its code', async () => {
    // when
    const driver = await start(
      `<startEvent id="s"/>${flow('s', 'script')}
       <scriptTask id="script" scriptFormat="javascript"><script><![CDATA[
         var BpmnError = Java.type('org.camunda.bpm.engine.delegate.BpmnError');
         throw new BpmnError('OUT_OF_STOCK', 'nothing left');
       ]]></script></scriptTask>${flow('script', 'shipped')}<userTask id="shipped"/>
       <boundaryEvent id="caught" attachedToRef="script"><errorEventDefinition errorRef="outOfStock" camunda:errorMessageVariable="why"/></boundaryEvent>${flow('caught', 'reorder')}<userTask id="reorder"/>`,
      {},
      {},
      '<error id="outOfStock" errorCode="OUT_OF_STOCK"/>',
    );

    // then
    expect(driver.shape).toBe('root{reorder}');
    expect(driver.state.root.variables!.why).toEqual(str('nothing left'));
  });

  it('runs a juel script as the expression it is, and defaults to juel without scriptFormat (ExclusiveGatewayTest.testLoopWithManyIterations)', async () => {
    // when
    const driver = await start(
      `<startEvent id="s"/>${flow('s', 'init')}
       <scriptTask id="init" camunda:resultVariable="i"><script>\${0}</script></scriptTask>${flow('init', 'loop')}
       <exclusiveGateway id="loop"/>${flow('loop', 'inc')}
       <scriptTask id="inc" scriptFormat="juel" camunda:resultVariable="i"><script>\${i+1}</script></scriptTask>${flow('inc', 'check')}
       <exclusiveGateway id="check" default="check-done"/>${flow('check', 'loop', '<conditionExpression>${i &lt; 5}</conditionExpression>')}
       <sequenceFlow id="check-done" sourceRef="check" targetRef="done"/><userTask id="done"/>`,
    );

    // then
    expect(driver.shape).toBe('root{done}');
    expect(driver.state.root.variables!.i).toMatchObject({ value: 5 });
  });
});

describe('script listeners, mappings and conditions', () => {
  it('runs execution listener scripts with the event and task listener scripts with the task', async () => {
    // when
    const driver = await start(
      `<startEvent id="s"/>${flow('s', 'review')}
       <userTask id="review" name="Review">
         <extensionElements>
           <camunda:executionListener event="start"><camunda:script scriptFormat="javascript">execution.setVariable('heard', execution.getEventName() + '@' + execution.getCurrentActivityId())</camunda:script></camunda:executionListener>
           <camunda:taskListener event="create"><camunda:script scriptFormat="javascript">task.setAssignee(approver); task.setVariable('taskName', task.getName() + '/' + task.getExecution().getActivityId())</camunda:script></camunda:taskListener>
           <camunda:taskListener event="complete"><camunda:script scriptFormat="javascript">task.setVariable('completedBy', task.getAssignee())</camunda:script></camunda:taskListener>
         </extensionElements>
       </userTask>${flow('review', 'after')}<userTask id="after"/>`,
      { approver: str('fozzie') } as never,
    );

    // then
    expect(driver.tasks()).toEqual([expect.objectContaining({ activityId: 'review', assignee: 'fozzie' })]);
    expect(driver.state.root.variables).toMatchObject({ heard: str('start@review'), taskName: str('Review/review') });

    // when
    driver.completeTask('review');

    // then
    expect(driver.state.root.variables!.completedBy).toEqual(str('fozzie'));
  });

  it('evaluates camunda:script input and output parameters', async () => {
    // when
    const driver = await start(
      `<startEvent id="s"/>${flow('s', 'work')}
       <userTask id="work">
         <extensionElements><camunda:inputOutput>
           <camunda:inputParameter name="doubled"><camunda:script scriptFormat="javascript">amount * 2</camunda:script></camunda:inputParameter>
           <camunda:outputParameter name="summary"><camunda:script scriptFormat="javascript">({ doubled: doubled, items: [1, 2] })</camunda:script></camunda:outputParameter>
         </camunda:inputOutput></extensionElements>
       </userTask>${flow('work', 'after')}<userTask id="after"/>`,
      { amount: int(21) },
    );

    // then
    expect(driver.instancesOf('work')[0]!.variables!.doubled).toEqual(int(42));

    // when
    driver.completeTask('work');

    // then
    expect(driver.state.root.variables!.summary).toEqual({ type: 'Object', value: { doubled: 42, items: [1, 2] } });
  });

  it('takes the sequence flow whose script condition holds, and refuses a condition that is not a boolean', async () => {
    const body = (condition: string) =>
      `<startEvent id="s"/>${flow('s', 'gw')}<exclusiveGateway id="gw" default="gw-small"/>
       ${flow('gw', 'big', `<conditionExpression xsi:type="tFormalExpression" language="javascript">${condition}</conditionExpression>`)}
       <sequenceFlow id="gw-small" sourceRef="gw" targetRef="small"/><userTask id="big"/><userTask id="small"/>`;
    expect((await start(body('amount &gt; 100'), { amount: int(500) })).shape).toBe('root{big}');
    expect((await start(body('amount &gt; 100'), { amount: int(5) })).shape).toBe('root{small}');
    await expect(start(body("'yes'"), { amount: int(5) })).rejects.toThrow('condition script returns non-Boolean: result has class java.lang.String and not java.lang.Boolean');
  });

  it('lets a conditional event wait while its script condition is false, and go on once a variable change makes it true', async () => {
    // given
    const driver = await start(
      `<startEvent id="s"/>${flow('s', 'waitFor')}
       <intermediateCatchEvent id="waitFor"><conditionalEventDefinition><condition xsi:type="tFormalExpression" language="javascript">typeof ready !== 'undefined' &amp;&amp; ready &gt; 2</condition></conditionalEventDefinition></intermediateCatchEvent>${flow('waitFor', 'after')}<userTask id="after"/>`,
    );
    expect(driver.shape).toBe('root{waitFor}');

    // when
    driver.apply(modifyVariables(driver.state, driver.model, { ready: int(1) }, [], driver.env));

    // then
    expect(driver.shape).toBe('root{waitFor}');

    // when
    driver.apply(modifyVariables(driver.state, driver.model, { ready: int(3) }, [], driver.env));

    // then
    expect(driver.shape).toBe('root{after}');
  });

  it("fails the operation when a conditional event's script condition fails (Camunda forgives no JavaScript failure)", async () => {
    await expect(
      start(
        `<startEvent id="s"/>${flow('s', 'waitFor')}
       <intermediateCatchEvent id="waitFor"><conditionalEventDefinition><condition xsi:type="tFormalExpression" language="javascript">ready.length &gt; 0</condition></conditionalEventDefinition></intermediateCatchEvent>${flow('waitFor', 'after')}<userTask id="after"/>`,
      ),
    ).rejects.toThrow(/:ReferenceError: 'ready' is not defined$/);
  });
});

describe('scripts at deployment', () => {
  const refusal = async (body: string) => {
    try {
      await parseBpmn(bpmnXml(body), 'scripts.bpmn');
    } catch (error) {
      return (error as BpmnParseError).problems.map((problem) => `${problem.elementId}: ${problem.message}`);
    }
    return [];
  };

  it('refuses languages without an engine here, naming the element and the language', async () => {
    expect(await refusal(`<startEvent id="s"/>${flow('s', 'g')}<scriptTask id="g" scriptFormat="groovy"><script>1</script></scriptTask>`)).toEqual([
      "g: Script language 'groovy' of script task 'g' is not supported: scripts run in javascript (in a sandbox) or juel",
    ]);
    expect(
      await refusal(
        `<startEvent id="s"/>${flow('s', 'u')}<userTask id="u"><extensionElements><camunda:executionListener event="end"><camunda:script scriptFormat="python">x = 1</camunda:script></camunda:executionListener></extensionElements></userTask>`,
      ),
    ).toEqual(["u: Script language 'python' of the camunda:ExecutionListener of 'u' on 'end' is not supported: scripts run in javascript (in a sandbox) or juel"]);
    expect(await refusal(`<startEvent id="s"/>${flow('s', 'e', '<conditionExpression xsi:type="tFormalExpression" language="groovy">true</conditionExpression>')}<endEvent id="e"/>`)).toEqual([
      "s-e: Script language 'groovy' of the condition of sequence flow 's-e' is not supported: scripts run in javascript (in a sandbox) or juel",
    ]);
  });

  it('refuses a script without source and a script given by an expression', async () => {
    expect(await refusal(`<startEvent id="s"/>${flow('s', 'x')}<scriptTask id="x" scriptFormat="javascript"/>`)).toEqual([
      "x: Unable to process the script of script task 'x': No script source or resource was given",
    ]);
    expect(await refusal(`<startEvent id="s"/>${flow('s', 'x')}<scriptTask id="x" scriptFormat="javascript" camunda:resource="\${scriptPath}"/>`)).toEqual([
      "x: The script of script task 'x' is given by the expression '${scriptPath}'; only a script text or a deployment resource is supported",
    ]);
  });

  it('lists the JavaScript of each process, for the sandbox and resources to be prepared', async () => {
    const [parsed] = await parseBpmn(
      bpmnXml(
        `<startEvent id="s"/>${flow('s', 'a')}<scriptTask id="a" scriptFormat="javascript" camunda:resource="a.js"/>${flow('a', 'b')}<scriptTask id="b" scriptFormat="juel"><script>\${1}</script></scriptTask>`,
      ),
      'scripts.bpmn',
    );
    expect(parsed!.scripts).toEqual([{ language: 'javascript', format: 'javascript', source: { resource: 'a.js' } }]);
  });
});
