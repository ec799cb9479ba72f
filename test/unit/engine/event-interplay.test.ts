/**
 * Where the new events meet each other (found in review, each a Camunda behaviour): compensation of
 * multi-instance activities with synchronous handlers, compensation thrown from an error event
 * sub-process, a compensation notice never keeping the process alive, conditional events dispatched
 * before an activity leaves, a runaway conditional loop stopped, an uncaught error leaving nothing
 * to compensate, activityRef on a sub-process with a handler.
 */
import { describe, expect, it } from 'vitest';
import { BpmnError, DelegateRegistry, modifyVariables } from '../../../shared/engine/index.ts';
import { InstanceDriver, testEnvironment } from '../../support/engine-harness.ts';
import { inlineModel, int } from './inline-models.ts';

/** A registry whose `undo` delegate counts its calls. */
function counting() {
  const calls: string[] = [];
  const registry = new DelegateRegistry().register('undo', {
    execute(execution) {
      calls.push(execution.currentActivityId);
    },
  });
  return { registry, calls };
}

const ERROR = '<error id="E" errorCode="e1"/>';

describe('compensation meets other events', () => {
  it.each([false, true])('a multi-instance activity (sequential: %s) with synchronous handlers is compensated once per instance and the flow goes on once', async (sequential) => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="book"/>
      <serviceTask id="book" camunda:expression="\${true}"><multiInstanceLoopCharacteristics isSequential="${sequential}"><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics></serviceTask>
      <boundaryEvent id="cb" attachedToRef="book"><compensateEventDefinition/></boundaryEvent>
      <serviceTask id="undo" isForCompensation="true" camunda:class="undo"/><association sourceRef="cb" targetRef="undo"/>
      <sequenceFlow id="f2" sourceRef="book" targetRef="after"/><userTask id="after"/>
      <sequenceFlow id="f3" sourceRef="after" targetRef="thr"/><intermediateThrowEvent id="thr"><compensateEventDefinition/></intermediateThrowEvent>
      <sequenceFlow id="f4" sourceRef="thr" targetRef="last"/><userTask id="last"/>`);
    const { registry, calls } = counting();
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // when
    driver.completeTask('after');

    // then
    expect(calls).toEqual(['undo', 'undo']);
    expect(driver.shape).toBe('root{last}');
  });

  it('a compensation throw in an error event sub-process compensates the activities of the process (testCompensateInEventSubprocess)', async () => {
    // given
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="book"/><serviceTask id="book" camunda:expression="\${true}"/>
      <boundaryEvent id="cb" attachedToRef="book"><compensateEventDefinition/></boundaryEvent>
      <serviceTask id="undo" isForCompensation="true" camunda:class="undo"/><association sourceRef="cb" targetRef="undo"/>
      <sequenceFlow id="f2" sourceRef="book" targetRef="err"/><endEvent id="err"><errorEventDefinition errorRef="E"/></endEvent>
      <subProcess id="esp" triggeredByEvent="true">
        <startEvent id="es"><errorEventDefinition errorRef="E"/></startEvent><sequenceFlow id="g1" sourceRef="es" targetRef="thr"/>
        <intermediateThrowEvent id="thr"><compensateEventDefinition/></intermediateThrowEvent><sequenceFlow id="g2" sourceRef="thr" targetRef="ee"/><endEvent id="ee"/>
      </subProcess>`,
      { definitions: ERROR },
    );
    const { registry, calls } = counting();

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // then
    expect(calls).toEqual(['undo']);
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('a compensation notice still queued does not keep an otherwise finished process alive', async () => {
    // given: the sub-process compensates (synchronous handler) while a parallel error ends it through a boundary event without flows
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
      <subProcess id="sub">
        <startEvent id="ss"/><sequenceFlow id="g1" sourceRef="ss" targetRef="book"/><serviceTask id="book" camunda:expression="\${true}"/>
        <boundaryEvent id="cb" attachedToRef="book"><compensateEventDefinition/></boundaryEvent>
        <serviceTask id="undo" isForCompensation="true" camunda:class="undo"/><association sourceRef="cb" targetRef="undo"/>
        <sequenceFlow id="g2" sourceRef="book" targetRef="fork"/><parallelGateway id="fork"/>
        <sequenceFlow id="g3" sourceRef="fork" targetRef="thr"/><intermediateThrowEvent id="thr"><compensateEventDefinition/></intermediateThrowEvent>
        <sequenceFlow id="g4" sourceRef="thr" targetRef="w"/><userTask id="w"/>
        <sequenceFlow id="g5" sourceRef="fork" targetRef="err"/><endEvent id="err"><errorEventDefinition errorRef="E"/></endEvent>
      </subProcess>
      <boundaryEvent id="eb" attachedToRef="sub"><errorEventDefinition errorRef="E"/></boundaryEvent>`,
      { definitions: ERROR },
    );
    const { registry } = counting();

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('a task ended by an uncaught BPMN error leaves nothing to compensate (Camunda ends the execution without leaving)', async () => {
    // given: book fails with an error nobody catches; wait later throws compensation
    const registry = new DelegateRegistry().register('fails', {
      execute() {
        throw new BpmnError('NOBODY_CATCHES');
      },
    });
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="fork"/><parallelGateway id="fork"/>
      <sequenceFlow id="f1" sourceRef="fork" targetRef="book"/><sequenceFlow id="f2" sourceRef="fork" targetRef="wait"/>
      <serviceTask id="book" camunda:class="fails"/>
      <boundaryEvent id="cb" attachedToRef="book"><compensateEventDefinition/></boundaryEvent>
      <userTask id="undo" isForCompensation="true"/><association sourceRef="cb" targetRef="undo"/>
      <userTask id="wait"/><sequenceFlow id="f3" sourceRef="wait" targetRef="thr"/><intermediateThrowEvent id="thr"><compensateEventDefinition/></intermediateThrowEvent>`);
    const driver = InstanceDriver.start(model, testEnvironment(registry));
    expect(driver.state.root.subscriptions).toBeUndefined();

    // when
    driver.completeTask('wait');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('activityRef on a sub-process with a compensation boundary event runs only that handler, not its insides', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
      <subProcess id="sub"><startEvent id="ss"/><sequenceFlow id="g1" sourceRef="ss" targetRef="inner"/><userTask id="inner"/>
        <boundaryEvent id="ci" attachedToRef="inner"><compensateEventDefinition/></boundaryEvent><userTask id="undoInner" isForCompensation="true"/><association sourceRef="ci" targetRef="undoInner"/>
      </subProcess>
      <boundaryEvent id="cs" attachedToRef="sub"><compensateEventDefinition/></boundaryEvent><userTask id="undoSub" isForCompensation="true"/><association sourceRef="cs" targetRef="undoSub"/>
      <sequenceFlow id="f2" sourceRef="sub" targetRef="thr"/><intermediateThrowEvent id="thr"><compensateEventDefinition activityRef="sub"/></intermediateThrowEvent>`);
    const driver = InstanceDriver.start(model, testEnvironment());

    // when
    driver.completeTask('inner');

    // then
    expect(driver.shape).toBe('root{thr, undoSub}');
  });
});

describe('conditional events are dispatched when an activity leaves', () => {
  it("a delegate's own variable fires its conditional boundary event (BoundaryConditionalEventTest.testSetVariableInDelegate)", async () => {
    // given
    const registry = new DelegateRegistry().register('setVar', {
      execute(execution) {
        execution.setVariable('variable', 1);
      },
    });
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="before"/><userTask id="before"/>
      <sequenceFlow id="f2" sourceRef="before" targetRef="svc"/><serviceTask id="svc" camunda:class="setVar"/>
      <sequenceFlow id="f3" sourceRef="svc" targetRef="end"/><userTask id="end"/>
      <boundaryEvent id="be" attachedToRef="svc"><conditionalEventDefinition><condition>\${variable == 1}</condition></conditionalEventDefinition></boundaryEvent>
      <sequenceFlow id="f4" sourceRef="be" targetRef="afterCondition"/><userTask id="afterCondition"/>`);
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // when
    driver.completeTask('before');

    // then
    expect(driver.shape).toBe('root{afterCondition}');
  });

  it('variables completing a task do not reach the conditional boundary event of the next task', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/><userTask id="a"/>
      <sequenceFlow id="f2" sourceRef="a" targetRef="b"/><userTask id="b"/>
      <boundaryEvent id="be" attachedToRef="b"><conditionalEventDefinition><condition>\${x > 5}</condition></conditionalEventDefinition></boundaryEvent>
      <sequenceFlow id="f3" sourceRef="be" targetRef="c"/><userTask id="c"/>`);
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('a', { x: int(10) });

    // then
    expect(driver.shape).toBe('root{b}');
  });

  it('conditional events firing each other for ever stop the operation with an engine error, changing nothing', async () => {
    // given: a non-interrupting conditional event sub-process whose body sets a variable again and again
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="work"/><userTask id="work"/>
      <subProcess id="esp" triggeredByEvent="true">
        <startEvent id="es" isInterrupting="false"><conditionalEventDefinition><condition>\${x > 5}</condition></conditionalEventDefinition></startEvent>
        <sequenceFlow id="g1" sourceRef="es" targetRef="count"/><serviceTask id="count" camunda:expression="\${1}" camunda:resultVariable="y"/>
        <sequenceFlow id="g2" sourceRef="count" targetRef="ee"/><endEvent id="ee"/>
      </subProcess>`);
    const driver = InstanceDriver.start(model);
    const before = structuredClone(driver.state);

    // when / then
    expect(() => modifyVariables(driver.state, driver.model, { x: int(10) }, [], driver.env)).toThrow('Conditional events kept firing each other');
    expect(driver.state).toEqual(before);
  });
});
