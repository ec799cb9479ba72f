import { describe, expect, it } from 'vitest';
import { EngineError, startProcessInstance } from '../../../shared/engine/index.ts';
import { InstanceDriver, loadModel, testEnvironment } from '../../support/engine-harness.ts';
import { inlineModel, int, recordingListener } from './inline-models.ts';

/** fork → a, b → join → after: the smallest model with a parallel join. */
const PARALLEL_JOIN = `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="fork"/>
  <parallelGateway id="fork"/>
  <sequenceFlow id="f2" sourceRef="fork" targetRef="a"/><sequenceFlow id="f3" sourceRef="fork" targetRef="b"/>
  <userTask id="a"/><userTask id="b"/>
  <sequenceFlow id="f4" sourceRef="a" targetRef="join"/><sequenceFlow id="f5" sourceRef="b" targetRef="join"/>
  <parallelGateway id="join"/><sequenceFlow id="f6" sourceRef="join" targetRef="after"/><userTask id="after"/>
  <sequenceFlow id="f7" sourceRef="after" targetRef="end"/><endEvent id="end"/>`;

/** An inclusive fork on x > 0, x > 1, x > 2 (default when none) joined by an inclusive join. */
const INCLUSIVE = `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="fork"/>
  <inclusiveGateway id="fork" default="fDefault"/>
  <sequenceFlow id="fa" sourceRef="fork" targetRef="a"><conditionExpression>\${x &gt; 0}</conditionExpression></sequenceFlow>
  <sequenceFlow id="fb" sourceRef="fork" targetRef="b"><conditionExpression>\${x &gt; 1}</conditionExpression></sequenceFlow>
  <sequenceFlow id="fc" sourceRef="fork" targetRef="c"><conditionExpression>\${x &gt; 2}</conditionExpression></sequenceFlow>
  <sequenceFlow id="fDefault" sourceRef="fork" targetRef="none"/>
  <userTask id="a"/><userTask id="b"/><userTask id="c"/><userTask id="none"/>
  <sequenceFlow id="fa2" sourceRef="a" targetRef="join"/><sequenceFlow id="fb2" sourceRef="b" targetRef="join"/>
  <sequenceFlow id="fc2" sourceRef="c" targetRef="join"/><sequenceFlow id="fn2" sourceRef="none" targetRef="join"/>
  <inclusiveGateway id="join"/><sequenceFlow id="f6" sourceRef="join" targetRef="after"/><userTask id="after"/>
  <sequenceFlow id="f7" sourceRef="after" targetRef="end"/><endEvent id="end"/>`;

describe('exclusive gateways', () => {
  it('takes the flow whose condition is true in the exclusiveGateway model and passes the join', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.exclusiveGateway.bpmn20.xml');

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{task1}');
    expect(driver.tasks()).toEqual([{ id: expect.any(String), activityId: 'task1', assignee: undefined }]);

    // when
    driver.completeTask('task1');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('takes the default flow when no condition holds', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="x"/>
      <exclusiveGateway id="x" default="small"/>
      <sequenceFlow id="big" sourceRef="x" targetRef="approve"><conditionExpression>\${amount &gt; 100}</conditionExpression></sequenceFlow>
      <sequenceFlow id="small" sourceRef="x" targetRef="autoApprove"/>
      <userTask id="approve"/><userTask id="autoApprove"/>`);

    // when
    const small = InstanceDriver.start(model, testEnvironment(), { amount: int(5) });
    const big = InstanceDriver.start(model, testEnvironment(), { amount: int(500) });

    // then
    expect(small.shape).toBe('root{autoApprove}');
    expect(big.shape).toBe('root{approve}');
  });

  it('takes only the first true flow in document order', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="x"/>
      <exclusiveGateway id="x"/>
      <sequenceFlow id="first" sourceRef="x" targetRef="a"><conditionExpression>\${true}</conditionExpression></sequenceFlow>
      <sequenceFlow id="second" sourceRef="x" targetRef="b"><conditionExpression>\${true}</conditionExpression></sequenceFlow>
      <userTask id="a"/><userTask id="b"/>`);

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{a}');
  });

  it('fails with ENGINE-02004 when no flow matches and there is no default, and creates no instance', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="x"/>
      <exclusiveGateway id="x"/>
      <sequenceFlow id="f2" sourceRef="x" targetRef="a"><conditionExpression>\${false}</conditionExpression></sequenceFlow>
      <userTask id="a"/>`);

    // when
    const act = () => startProcessInstance(model, { definitionId: 'd' }, testEnvironment());

    // then
    expect(act).toThrow(EngineError);
    expect(act).toThrow("ENGINE-02004 No outgoing sequence flow for the element with id 'x' could be selected for continuing the process.");
  });

  it('fails when a condition reads an unknown variable, leaving the state untouched', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/><userTask id="t"/>
      <sequenceFlow id="f2" sourceRef="t" targetRef="x"/><exclusiveGateway id="x" default="f4"/>
      <sequenceFlow id="f3" sourceRef="x" targetRef="a"><conditionExpression>\${missing == 1}</conditionExpression></sequenceFlow>
      <sequenceFlow id="f4" sourceRef="x" targetRef="b"/><userTask id="a"/><userTask id="b"/>`);
    const driver = InstanceDriver.start(model);
    const before = structuredClone(driver.state);

    // when
    const act = () => driver.completeTask('t');

    // then
    expect(act).toThrow("Cannot resolve identifier 'missing'");
    expect(driver.state).toEqual(before);
  });
});

describe('parallel gateways', () => {
  it('forks into both tasks of the parallelGateway model and completes after both ended', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.parallelGateway.bpmn20.xml');

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{task1, task2}');

    // when
    driver.completeTask('task1');

    // then
    expect(driver.shape).toBe('root{task2}');

    // when
    driver.completeTask('task2');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('shows a token waiting at a join as a parallelGateway activity instance', async () => {
    // given
    const driver = InstanceDriver.start(await inlineModel(PARALLEL_JOIN));

    // when
    driver.completeTask('a');

    // then
    expect(driver.shape).toBe('root{b, join}');
    const join = driver.tree!.childActivityInstances.find((c) => c.activityId === 'join')!;
    expect(join).toMatchObject({
      activityType: 'parallelGateway',
      parentActivityInstanceId: driver.state.id,
      childActivityInstances: [],
      childTransitionInstances: [],
    });
    expect(join.id).toMatch(/^join:/);

    // when
    driver.completeTask('b');

    // then
    expect(driver.shape).toBe('root{after}');
    expect(driver.instancesOf('join')).toEqual([]);
  });

  it('keeps the waiting join token inside its sub-process in the listenerProcess model', async () => {
    // given
    const { registry } = recordingListener();
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.listenerProcess.bpmn20.xml'), testEnvironment(registry));
    expect(driver.shape).toBe('root{outerTask, subProcess{innerTask1, innerTask2}}');

    // when
    driver.completeTask('innerTask1');

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{innerJoin, innerTask2}}');
    const sub = driver.tree!.childActivityInstances.find((c) => c.activityId === 'subProcess')!;
    const join = sub.childActivityInstances.find((c) => c.activityId === 'innerJoin')!;
    expect(join.activityType).toBe('parallelGateway');
    expect(join.parentActivityInstanceId).toBe(sub.id);

    // when
    driver.completeTask('innerTask2');

    // then
    expect(driver.shape).toBe('root{outerTask}');
  });

  it('joins immediately when both branches arrive in the same operation', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="fork"/><parallelGateway id="fork"/>
      <sequenceFlow id="f2" sourceRef="fork" targetRef="join"/><sequenceFlow id="f3" sourceRef="fork" targetRef="m"/>
      <manualTask id="m"/><sequenceFlow id="f4" sourceRef="m" targetRef="join"/>
      <parallelGateway id="join"/><sequenceFlow id="f5" sourceRef="join" targetRef="after"/><userTask id="after"/>`);

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{after}');
  });

  it('forks inside a sub-process and completes the sub-process when both inner branches ended (nestedParallelGateway)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nestedParallelGateway.bpmn20.xml'));
    expect(driver.shape).toBe('root{outerTask, subProcess{innerTask1, innerTask2}}');

    // when
    driver.completeTask('innerTask1');

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{innerTask2}}');

    // when
    driver.completeTask('innerTask2');

    // then
    expect(driver.shape).toBe('root{outerTask}');

    // when
    driver.completeTask('outerTask');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('ignores conditions on the outgoing flows of a parallel fork', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="fork"/><parallelGateway id="fork"/>
      <sequenceFlow id="f2" sourceRef="fork" targetRef="a"><conditionExpression>\${false}</conditionExpression></sequenceFlow>
      <sequenceFlow id="f3" sourceRef="fork" targetRef="b"/><userTask id="a"/><userTask id="b"/>`);

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{a, b}');
  });
});

describe('inclusive gateways', () => {
  it('forks into every flow whose condition holds and joins once all of them arrived', async () => {
    // given
    const model = await inlineModel(INCLUSIVE);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(), { x: int(2) });

    // then
    expect(driver.shape).toBe('root{a, b}');

    // when
    driver.completeTask('a');

    // then
    expect(driver.shape).toBe('root{b, join}');
    expect(driver.tree!.childActivityInstances.find((c) => c.activityId === 'join')!.activityType).toBe('inclusiveGateway');

    // when
    driver.completeTask('b');

    // then
    expect(driver.shape).toBe('root{after}');
    expect(driver.instancesOf('join')).toEqual([]);
  });

  it('passes the join at once when only one branch was taken', async () => {
    // given
    const driver = InstanceDriver.start(await inlineModel(INCLUSIVE), testEnvironment(), { x: int(1) });
    expect(driver.shape).toBe('root{a}');

    // when
    driver.completeTask('a');

    // then
    expect(driver.shape).toBe('root{after}');
  });

  it('takes all three branches when all conditions hold, showing one join instance per waiting token', async () => {
    // given
    const driver = InstanceDriver.start(await inlineModel(INCLUSIVE), testEnvironment(), { x: int(3) });
    expect(driver.shape).toBe('root{a, b, c}');

    // when
    driver.completeTask('c').completeTask('a');

    // then
    expect(driver.shape).toBe('root{b, join, join}');
    driver.completeTask('b');
    expect(driver.shape).toBe('root{after}');
  });

  it('takes the default flow when no condition holds', async () => {
    // when
    const driver = InstanceDriver.start(await inlineModel(INCLUSIVE), testEnvironment(), { x: int(0) });

    // then
    expect(driver.shape).toBe('root{none}');
  });

  it('fails with ENGINE-02004 when no condition holds and there is no default flow', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="fork"/><inclusiveGateway id="fork"/>
      <sequenceFlow id="f2" sourceRef="fork" targetRef="a"><conditionExpression>\${false}</conditionExpression></sequenceFlow><userTask id="a"/>`);

    // when
    const act = () => InstanceDriver.start(model);

    // then
    expect(act).toThrow("ENGINE-02004 No outgoing sequence flow for the element with id 'fork' could be selected");
  });

  it('waits at the join while a token elsewhere in the scope can still reach it', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="fork"/><inclusiveGateway id="fork"/>
      <sequenceFlow id="f2" sourceRef="fork" targetRef="a"/><sequenceFlow id="f3" sourceRef="fork" targetRef="b1"/>
      <userTask id="a"/><userTask id="b1"/><sequenceFlow id="f4" sourceRef="b1" targetRef="b2"/><userTask id="b2"/>
      <sequenceFlow id="f5" sourceRef="a" targetRef="join"/><sequenceFlow id="f6" sourceRef="b2" targetRef="join"/>
      <inclusiveGateway id="join"/><sequenceFlow id="f7" sourceRef="join" targetRef="after"/><userTask id="after"/>`);
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('a').completeTask('b1');

    // then
    expect(driver.shape).toBe('root{b2, join}');

    // when
    driver.completeTask('b2');

    // then
    expect(driver.shape).toBe('root{after}');
  });
});

describe('conditional sequence flows leaving activities', () => {
  it('takes every outgoing flow whose condition holds, in parallel', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/><userTask id="t"/>
      <sequenceFlow id="f2" sourceRef="t" targetRef="a"><conditionExpression>\${x &gt; 0}</conditionExpression></sequenceFlow>
      <sequenceFlow id="f3" sourceRef="t" targetRef="b"><conditionExpression>\${x &gt; 1}</conditionExpression></sequenceFlow>
      <sequenceFlow id="f4" sourceRef="t" targetRef="c"/><userTask id="a"/><userTask id="b"/><userTask id="c"/>`);
    const driver = InstanceDriver.start(model, testEnvironment(), { x: int(1) });

    // when
    driver.completeTask('t');

    // then
    expect(driver.shape).toBe('root{a, c}');
  });

  it('takes the default flow of an activity when no condition holds', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/><userTask id="t" default="f3"/>
      <sequenceFlow id="f2" sourceRef="t" targetRef="a"><conditionExpression>\${false}</conditionExpression></sequenceFlow>
      <sequenceFlow id="f3" sourceRef="t" targetRef="b"/><userTask id="a"/><userTask id="b"/>`);
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('t');

    // then
    expect(driver.shape).toBe('root{b}');
  });

  // Regression (found while writing this suite, fixed): when no conditional flow of a non-gateway activity holds (and there is no default flow), Camunda's BpmnActivityBehavior ends the token ("No outgoing sequence flow found ... Ending execution."); the engine throws ENGINE-02004 instead
  it('ends the token when no conditional flow of an activity holds and there is no default flow', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/><userTask id="t"/>
      <sequenceFlow id="f2" sourceRef="t" targetRef="a"><conditionExpression>\${false}</conditionExpression></sequenceFlow><userTask id="a"/>`);
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('t');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });
});
