/**
 * Signal events inside one instance, as Camunda runs them (SignalEventTest): intermediate catch,
 * boundary (interrupting or not), event sub-process start, throw and end events that reach their own
 * instance at once (or not, when asynchronous) and hand the broadcast to other instances as an event.
 */
import { describe, expect, it } from 'vitest';
import { modifyProcessInstance, receiveSignal } from '../../../shared/engine/index.ts';
import { InstanceDriver } from '../../support/engine-harness.ts';
import { inlineModel, str } from './inline-models.ts';

const SIGNALS = '<signal id="alert" name="alert"/><signal id="dynamic" name="order-${orderId}"/>';

const thrown = (driver: InstanceDriver) => driver.events.filter((e) => e.type === 'signalThrown');

describe('signal catch events', () => {
  it('an intermediate catch event subscribes to the signal and goes on when it arrives, with its variables', async () => {
    // given
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
      <intermediateCatchEvent id="wait"><signalEventDefinition signalRef="alert"/></intermediateCatchEvent>
      <sequenceFlow id="f2" sourceRef="wait" targetRef="after"/><userTask id="after"/>`,
      { definitions: SIGNALS },
    );
    const driver = InstanceDriver.start(model);
    expect(driver.instancesOf('wait')[0]!.subscriptions).toEqual([expect.objectContaining({ eventType: 'signal', eventName: 'alert', activityId: 'wait' })]);
    expect(driver.tree!.childActivityInstances[0]!.activityType).toBe('intermediateSignalCatch');

    // when: another signal name, then the right one
    const other = receiveSignal(driver.state, driver.model, 'other', undefined, driver.env);
    driver.apply(receiveSignal(driver.state, driver.model, 'alert', { level: str('high') }, driver.env));

    // then
    expect(other.received).toBe(0);
    expect(driver.shape).toBe('root{after}');
    expect(driver.variable('level')).toBe('high');
  });

  it('resolves an expression in the signal name when it subscribes', async () => {
    // given
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
      <intermediateCatchEvent id="wait"><signalEventDefinition signalRef="dynamic"/></intermediateCatchEvent>`,
      { definitions: SIGNALS },
    );

    // when
    const driver = InstanceDriver.start(model, undefined, { orderId: str('17') });

    // then
    expect(driver.instancesOf('wait')[0]!.subscriptions![0]!.eventName).toBe('order-17');
  });

  it('a non-interrupting signal boundary event fires every time and keeps its host; an interrupting one cancels it', async () => {
    // given
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="work"/><userTask id="work"/>
      <boundaryEvent id="note" attachedToRef="work" cancelActivity="false"><signalEventDefinition signalRef="alert"/></boundaryEvent>
      <sequenceFlow id="f2" sourceRef="note" targetRef="noted"/><userTask id="noted"/>
      <boundaryEvent id="stop" attachedToRef="work"><signalEventDefinition signalRef="stopSignal"/></boundaryEvent>
      <sequenceFlow id="f3" sourceRef="stop" targetRef="stopped"/><userTask id="stopped"/>`,
      { definitions: `${SIGNALS}<signal id="stopSignal" name="stop"/>` },
    );
    const driver = InstanceDriver.start(model);

    // when
    driver.apply(receiveSignal(driver.state, driver.model, 'alert', undefined, driver.env));
    driver.apply(receiveSignal(driver.state, driver.model, 'alert', undefined, driver.env));

    // then
    expect(driver.shape).toBe('root{noted, noted, work}');

    // when
    driver.apply(receiveSignal(driver.state, driver.model, 'stop', undefined, driver.env));

    // then
    expect(driver.shape).toBe('root{noted, noted, stopped}');
  });

  it('a signal event sub-process starts inside its scope; interrupting, it cancels the rest', async () => {
    // given
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="work"/><userTask id="work"/>
      <subProcess id="onAlert" triggeredByEvent="true">
        <startEvent id="alertStart"><signalEventDefinition signalRef="alert"/></startEvent>
        <sequenceFlow id="f2" sourceRef="alertStart" targetRef="handle"/><userTask id="handle"/>
      </subProcess>`,
      { definitions: SIGNALS },
    );
    const driver = InstanceDriver.start(model);

    // when
    driver.apply(receiveSignal(driver.state, driver.model, 'alert', undefined, driver.env));

    // then
    expect(driver.shape).toBe('root{onAlert{handle}}');
    expect(model.nodes.get('alertStart')!.activityType).toBe('signalStartEvent');
  });

  it('with an execution id only that execution’s subscriptions receive the signal', async () => {
    // given: two parallel catch events for the same signal
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="fork"/><parallelGateway id="fork"/>
      <sequenceFlow id="f1" sourceRef="fork" targetRef="a"/><sequenceFlow id="f2" sourceRef="fork" targetRef="b"/>
      <intermediateCatchEvent id="a"><signalEventDefinition signalRef="alert"/></intermediateCatchEvent>
      <intermediateCatchEvent id="b"><signalEventDefinition signalRef="alert"/></intermediateCatchEvent>`,
      { definitions: SIGNALS },
    );
    const driver = InstanceDriver.start(model);
    const executionOfA = `${driver.state.id}.${driver.instancesOf('a')[0]!.id.split(':')[1]!}`;

    // when
    driver.apply(receiveSignal(driver.state, driver.model, 'alert', undefined, driver.env, executionOfA));

    // then
    expect(driver.shape).toBe('root{b}');
  });
});

describe('signal throw events', () => {
  const thrower = (async: boolean) =>
    inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="fork"/><parallelGateway id="fork"/>
      <sequenceFlow id="f1" sourceRef="fork" targetRef="wait"/><sequenceFlow id="f2" sourceRef="fork" targetRef="work"/>
      <intermediateCatchEvent id="wait"><signalEventDefinition signalRef="alert"/></intermediateCatchEvent>
      <sequenceFlow id="f3" sourceRef="wait" targetRef="received"/><userTask id="received"/>
      <userTask id="work"/><sequenceFlow id="f4" sourceRef="work" targetRef="shout"/>
      <intermediateThrowEvent id="shout"><signalEventDefinition signalRef="alert" ${async ? 'camunda:async="true"' : ''}/></intermediateThrowEvent>
      <sequenceFlow id="f5" sourceRef="shout" targetRef="done"/><endEvent id="done"><signalEventDefinition signalRef="alert"/></endEvent>`,
      { definitions: SIGNALS },
    );

  it('reaches the own instance at once and records the broadcast for the others; a signal end event ends its token', async () => {
    // given
    const driver = InstanceDriver.start(await thrower(false));

    // when
    driver.completeTask('work');

    // then
    expect(driver.shape).toBe('root{received}');
    expect(thrown(driver)).toEqual([
      { type: 'signalThrown', signalName: 'alert', tenantId: null, processInstanceId: driver.state.id, includeOwnInstance: false },
      { type: 'signalThrown', signalName: 'alert', tenantId: null, processInstanceId: driver.state.id, includeOwnInstance: false },
    ]);
    expect(driver.model.nodes.get('shout')!.activityType).toBe('intermediateSignalThrow');
    expect(driver.model.nodes.get('done')!.activityType).toBe('signalEndEvent');
  });

  it('thrown asynchronously, it leaves its own instance to the broadcast too', async () => {
    // given
    const driver = InstanceDriver.start(await thrower(true));

    // when
    driver.completeTask('work');

    // then: the async throw did not deliver here; the end event's synchronous one did
    expect(thrown(driver).map((e) => (e as { includeOwnInstance: boolean }).includeOwnInstance)).toEqual([true, false]);
    expect(driver.shape).toBe('root{received}');
  });

  it('startBeforeActivity on a signal throw event throws it (modification)', async () => {
    // given
    const driver = InstanceDriver.start(await thrower(false));

    // when
    driver.apply(modifyProcessInstance(driver.state, driver.model, { instructions: [{ type: 'startBeforeActivity', activityId: 'shout' }] }, driver.env));

    // then
    expect(driver.shape).toBe('root{received, work}');
    expect(thrown(driver)).toHaveLength(2);
  });
});
