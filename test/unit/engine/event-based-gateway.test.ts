/**
 * The event-based gateway as Camunda runs it (EventBasedGatewayTest, ProcessInstanceModification
 * tests on it): it waits as an activity instance owning the timer job and the message and signal
 * subscriptions of the events after it; the first event that fires takes its path and ends the rest.
 */
import { describe, expect, it } from 'vitest';
import { modifyProcessInstance, receiveSignal } from '../../../shared/engine/index.ts';
import { InstanceDriver } from '../../support/engine-harness.ts';
import { inlineModel } from './inline-models.ts';

const DEFINITIONS = '<message id="paid" name="paymentReceived"/><signal id="cancelled" name="orderCancelled"/>';

const model = () =>
  inlineModel(
    `<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="gw"/>
    <eventBasedGateway id="gw"/>
    <sequenceFlow id="toPaid" sourceRef="gw" targetRef="payment"/><sequenceFlow id="toTimeout" sourceRef="gw" targetRef="timeout"/><sequenceFlow id="toCancel" sourceRef="gw" targetRef="cancel"/>
    <intermediateCatchEvent id="payment"><messageEventDefinition messageRef="paid"/></intermediateCatchEvent>
    <intermediateCatchEvent id="timeout"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <intermediateCatchEvent id="cancel"><signalEventDefinition signalRef="cancelled"/></intermediateCatchEvent>
    <sequenceFlow id="p1" sourceRef="payment" targetRef="ship"/><userTask id="ship"/>
    <sequenceFlow id="t1" sourceRef="timeout" targetRef="remind"/><userTask id="remind"/>
    <sequenceFlow id="c1" sourceRef="cancel" targetRef="refund"/><userTask id="refund"/>`,
    { definitions: DEFINITIONS },
  );

describe('event-based gateway', () => {
  it('waits as an activity instance that owns one timer job and two subscriptions', async () => {
    // when
    const driver = InstanceDriver.start(await model());

    // then
    expect(driver.shape).toBe('root{gw}');
    expect(driver.tree!.childActivityInstances[0]!.activityType).toBe('eventBasedGateway');
    const gateway = driver.instancesOf('gw')[0]!;
    expect(gateway.jobs).toEqual([expect.objectContaining({ kind: 'timer', activityId: 'timeout' })]);
    expect(gateway.subscriptions!.map((s) => [s.eventType, s.eventName, s.activityId])).toEqual([
      ['message', 'paymentReceived', 'payment'],
      ['signal', 'orderCancelled', 'cancel'],
    ]);
  });

  it('the message wins: its path is taken and the timer and signal are gone', async () => {
    // given
    const driver = InstanceDriver.start(await model());

    // when
    driver.correlate('paymentReceived');

    // then
    expect(driver.shape).toBe('root{ship}');
    expect(driver.jobs()).toEqual([]);
    expect(driver.nodes().flatMap((n) => n.subscriptions ?? [])).toEqual([]);
    const started = driver.events.flatMap((e) => (e.type === 'activityStart' ? [e.activityId] : []));
    expect(started).toEqual(['s', 'gw', 'payment', 'ship']);
  });

  it('the timer wins when it is due', async () => {
    // given
    const driver = InstanceDriver.start(await model());

    // when
    driver.env.clock += 3_600_000;
    driver.executeJob();

    // then
    expect(driver.shape).toBe('root{remind}');
    expect(driver.nodes().flatMap((n) => n.subscriptions ?? [])).toEqual([]);
  });

  it('the signal wins', async () => {
    // given
    const driver = InstanceDriver.start(await model());

    // when
    driver.apply(receiveSignal(driver.state, driver.model, 'orderCancelled', undefined, driver.env));

    // then
    expect(driver.shape).toBe('root{refund}');
    expect(driver.jobs()).toEqual([]);
  });

  it('cancelling the gateway by modification removes its job and subscriptions; starting before it arms them again', async () => {
    // given
    const driver = InstanceDriver.start(await model());

    // when
    driver.apply(
      modifyProcessInstance(
        driver.state,
        driver.model,
        {
          instructions: [
            { type: 'startBeforeActivity', activityId: 'ship' },
            { type: 'cancel', activityId: 'gw' },
          ],
        },
        driver.env,
      ),
    );

    // then
    expect(driver.shape).toBe('root{ship}');
    expect(driver.jobs()).toEqual([]);
    expect(driver.nodes().flatMap((n) => n.subscriptions ?? [])).toEqual([]);

    // when
    driver.apply(modifyProcessInstance(driver.state, driver.model, { instructions: [{ type: 'startBeforeActivity', activityId: 'gw' }] }, driver.env));

    // then
    expect(driver.shape).toBe('root{gw, ship}');
    expect(driver.jobs()).toHaveLength(1);
  });

  it('startBeforeActivity on a catch event after the gateway makes it wait on its own', async () => {
    // given
    const driver = InstanceDriver.start(await model());

    // when
    driver.apply(modifyProcessInstance(driver.state, driver.model, { instructions: [{ type: 'startBeforeActivity', activityId: 'payment' }] }, driver.env));

    // then: the message has two subscriptions now; correlation must pick one, as in Camunda
    expect(driver.shape).toBe('root{gw, payment}');
    expect(driver.instancesOf('payment')[0]!.subscriptions).toHaveLength(1);
  });

  it("refuses a flow from the gateway to anything but an intermediate catch event, as Camunda's parser does", async () => {
    await expect(
      inlineModel(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="gw"/><eventBasedGateway id="gw"/>
        <sequenceFlow id="f1" sourceRef="gw" targetRef="task"/><userTask id="task"/>`),
    ).rejects.toThrow("Event based gateway can only be connected to elements of type intermediateCatchEvent ('gw' → 'task')");
  });
});
