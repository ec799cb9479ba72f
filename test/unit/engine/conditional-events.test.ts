/**
 * Conditional events as Camunda runs them (ConditionalEventTest, BoundaryConditionalEventTest,
 * EventSubProcessStartConditionalEventTest): evaluated on arrival (intermediate only) and on every
 * variable change in the event's scope or above it, narrowed by camunda:variableName and
 * camunda:variableEvents; a condition over a missing variable is false.
 */
import { describe, expect, it } from 'vitest';
import { modifyVariables } from '../../../shared/engine/index.ts';
import { InstanceDriver } from '../../support/engine-harness.ts';
import { inlineModel, int } from './inline-models.ts';

const setVariables = (driver: InstanceDriver, variables: Record<string, ReturnType<typeof int>>, deletions: string[] = []) =>
  driver.apply(modifyVariables(driver.state, driver.model, variables, deletions, driver.env));

const intermediate = (attributes = '', condition = '${amount > 100}') =>
  inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <intermediateCatchEvent id="wait"><conditionalEventDefinition ${attributes}><condition>${condition}</condition></conditionalEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="wait" targetRef="after"/><userTask id="after"/>`);

describe('intermediate conditional events', () => {
  it('goes on at once when the condition holds on arrival', async () => {
    // when
    const driver = InstanceDriver.start(await intermediate(), undefined, { amount: int(500) });

    // then
    expect(driver.shape).toBe('root{after}');
  });

  it('waits (a missing variable makes the condition false) and goes on when a variable change makes it hold', async () => {
    // given
    const driver = InstanceDriver.start(await intermediate());
    expect(driver.shape).toBe('root{wait}');
    expect(driver.instancesOf('wait')[0]!.subscriptions).toEqual([expect.objectContaining({ eventType: 'conditional', activityId: 'wait' })]);
    expect(driver.tree!.childActivityInstances[0]!.activityType).toBe('intermediateConditional');

    // when: a change that keeps the condition false, then one that makes it hold
    setVariables(driver, { amount: int(50) });
    expect(driver.shape).toBe('root{wait}');
    setVariables(driver, { amount: int(150) });

    // then
    expect(driver.shape).toBe('root{after}');
  });

  it('camunda:variableName: only changes of that variable evaluate the condition', async () => {
    // given
    const driver = InstanceDriver.start(await intermediate('camunda:variableName="trigger"', '${amount > 100}'));

    // when: amount makes the condition true, but only "trigger" is watched
    setVariables(driver, { amount: int(150) });

    // then
    expect(driver.shape).toBe('root{wait}');

    // when
    setVariables(driver, { trigger: int(1) });

    // then
    expect(driver.shape).toBe('root{after}');
  });

  it('camunda:variableEvents: only the listed kinds of change evaluate the condition', async () => {
    // given: only updates count; the variable exists already
    const driver = InstanceDriver.start(await intermediate('camunda:variableEvents="update"', '${amount > 100 || gone == null}'), undefined, { amount: int(1) });

    // when: a create that would satisfy the condition is not an update
    setVariables(driver, { other: int(1000) });
    expect(driver.shape).toBe('root{wait}');
    setVariables(driver, { amount: int(101) });

    // then
    expect(driver.shape).toBe('root{after}');
  });
});

describe('conditional boundary events and event sub-processes', () => {
  const withBoundary = (interrupting: boolean) =>
    inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="work"/><userTask id="work"/>
      <boundaryEvent id="tooMuch" attachedToRef="work" cancelActivity="${interrupting}"><conditionalEventDefinition><condition>\${amount > 100}</condition></conditionalEventDefinition></boundaryEvent>
      <sequenceFlow id="f2" sourceRef="tooMuch" targetRef="review"/><userTask id="review"/>`);

  it('an interrupting boundary event cancels its host when a change makes the condition hold', async () => {
    // given: the condition holds already, but boundary events wait for a change (no evaluation on entry)
    const driver = InstanceDriver.start(await withBoundary(true), undefined, { amount: int(500) });
    expect(driver.shape).toBe('root{work}');

    // when
    setVariables(driver, { amount: int(600) });

    // then
    expect(driver.shape).toBe('root{review}');
    expect(driver.model.nodes.get('tooMuch')!.activityType).toBe('boundaryConditional');
  });

  it('a non-interrupting boundary event fires on every satisfying change and keeps its host', async () => {
    // given
    const driver = InstanceDriver.start(await withBoundary(false));

    // when
    setVariables(driver, { amount: int(101) });
    setVariables(driver, { amount: int(5) });
    setVariables(driver, { amount: int(102) });

    // then
    expect(driver.shape).toBe('root{review, review, work}');
  });

  it('a conditional event sub-process interrupts its scope; deleting a variable is a change too', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="work"/><userTask id="work"/>
      <subProcess id="onMissing" triggeredByEvent="true">
        <startEvent id="missingStart"><conditionalEventDefinition camunda:variableEvents="delete"><condition>\${true}</condition></conditionalEventDefinition></startEvent>
        <sequenceFlow id="f2" sourceRef="missingStart" targetRef="fix"/><userTask id="fix"/>
      </subProcess>`);
    const driver = InstanceDriver.start(model, undefined, { customer: int(7) });

    // when
    setVariables(driver, { customer: int(8) });
    expect(driver.shape).toBe('root{work}');
    setVariables(driver, {}, ['customer']);

    // then
    expect(driver.shape).toBe('root{onMissing{fix}}');
    expect(model.nodes.get('missingStart')!.activityType).toBe('conditionalStartEvent');
  });

  it('a variable set locally in one sub-process does not reach a conditional event of another branch (top-down only)', async () => {
    // given: two parallel sub-processes; one waits on a condition, the other sets a local variable through an output-less input mapping
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="fork"/><parallelGateway id="fork"/>
      <sequenceFlow id="f1" sourceRef="fork" targetRef="left"/><sequenceFlow id="f2" sourceRef="fork" targetRef="right"/>
      <subProcess id="left"><startEvent id="ls"/><sequenceFlow id="l1" sourceRef="ls" targetRef="wait"/>
        <intermediateCatchEvent id="wait"><conditionalEventDefinition><condition>\${flag == 1}</condition></conditionalEventDefinition></intermediateCatchEvent>
        <sequenceFlow id="l2" sourceRef="wait" targetRef="leftDone"/><userTask id="leftDone"/></subProcess>
      <subProcess id="right"><extensionElements><camunda:inputOutput><camunda:inputParameter name="flag">\${1}</camunda:inputParameter></camunda:inputOutput></extensionElements>
        <startEvent id="rs"/><sequenceFlow id="r1" sourceRef="rs" targetRef="rightTask"/><userTask id="rightTask"/></subProcess>`);

    // when
    const driver = InstanceDriver.start(model);

    // then: right's local flag never reached left's event; a process-level flag does
    expect(driver.shape).toBe('root{left{wait}, right{rightTask}}');
    setVariables(driver, { flag: int(1) });
    expect(driver.shape).toBe('root{left{leftDone}, right{rightTask}}');
  });

  it('after an event-based gateway a conditional event that already holds wins at once', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="gw"/><eventBasedGateway id="gw"/>
      <sequenceFlow id="g1" sourceRef="gw" targetRef="timer"/><sequenceFlow id="g2" sourceRef="gw" targetRef="cond"/>
      <intermediateCatchEvent id="timer"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
      <intermediateCatchEvent id="cond"><conditionalEventDefinition><condition>\${ready}</condition></conditionalEventDefinition></intermediateCatchEvent>
      <sequenceFlow id="t1" sourceRef="timer" targetRef="late"/><userTask id="late"/>
      <sequenceFlow id="c1" sourceRef="cond" targetRef="onTime"/><userTask id="onTime"/>`);

    // when
    const ready = InstanceDriver.start(model, undefined, { ready: { type: 'Boolean', value: true } });
    const notReady = InstanceDriver.start(model, undefined, { ready: { type: 'Boolean', value: false } });

    // then
    expect(ready.shape).toBe('root{onTime}');
    expect(ready.jobs()).toEqual([]);
    expect(notReady.shape).toBe('root{gw}');

    // when
    notReady.apply(modifyVariables(notReady.state, notReady.model, { ready: { type: 'Boolean', value: true } }, [], notReady.env));

    // then
    expect(notReady.shape).toBe('root{onTime}');
    expect(notReady.jobs()).toEqual([]);
  });
});
