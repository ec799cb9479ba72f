/**
 * Link events (LinkEventTest), message throw and end events and receive tasks without a message,
 * as Camunda runs them: a link throw event creates no activity instance, its flows lead to the link
 * catch event; a message throw or end event without implementation does nothing, with one it runs
 * like a service task; a receive task without messageRef is a plain wait state.
 */
import { describe, expect, it } from 'vitest';
import { DelegateRegistry, modifyProcessInstance } from '../../../shared/engine/index.ts';
import { InstanceDriver, testEnvironment } from '../../support/engine-harness.ts';
import { inlineModel, str } from './inline-models.ts';

describe('link events', () => {
  const linked = `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="task"/>
    <userTask id="task"/><sequenceFlow id="f2" sourceRef="task" targetRef="toEnd"/>
    <intermediateThrowEvent id="toEnd"><linkEventDefinition name="LinkA"/></intermediateThrowEvent>
    <intermediateCatchEvent id="fromTask"><linkEventDefinition name="LinkA"/></intermediateCatchEvent>
    <sequenceFlow id="f3" sourceRef="fromTask" targetRef="afterLink"/><userTask id="afterLink"/>`;

  it('a link throw event leads to the catch event of the same name; only the catch event is an activity', async () => {
    // given
    const model = await inlineModel(linked);
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{afterLink}');
    expect(model.nodes.has('toEnd')).toBe(false);
    expect(model.nodes.get('fromTask')).toMatchObject({ kind: 'linkCatch', activityType: 'intermediateLinkCatch', incoming: ['f2'] });
    const started = driver.events.flatMap((e) => (e.type === 'activityStart' ? [e.activityId] : []));
    expect(started).toEqual(['s', 'task', 'fromTask', 'afterLink']);
  });

  it('modification can start at the link catch event', async () => {
    // given
    const driver = InstanceDriver.start(await inlineModel(linked));

    // when
    driver.apply(modifyProcessInstance(driver.state, driver.model, { instructions: [{ type: 'startBeforeActivity', activityId: 'fromTask' }] }, driver.env));

    // then
    expect(driver.shape).toBe('root{afterLink, task}');
  });

  it('refuses two catch events of one name in a scope, and a throw event whose name has no catch event', async () => {
    await expect(inlineModel(`${linked}<intermediateCatchEvent id="second"><linkEventDefinition name="LinkA"/></intermediateCatchEvent>`)).rejects.toThrow(
      "Multiple Intermediate Catch Events with the same link event name ('LinkA') are not allowed.",
    );
    await expect(inlineModel(linked.replace('name="LinkA"/></intermediateThrowEvent>', 'name="Nowhere"/></intermediateThrowEvent>'))).rejects.toThrow(
      "Link throw event 'toEnd' has no link catch event named 'Nowhere' in its scope",
    );
  });
});

describe('message throw and end events, send-task-like implementations', () => {
  it('without an implementation a message throw event passes through and a message end event ends the token', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="notify"/>
      <intermediateThrowEvent id="notify"><messageEventDefinition/></intermediateThrowEvent>
      <sequenceFlow id="f2" sourceRef="notify" targetRef="wait"/><userTask id="wait"/>
      <sequenceFlow id="f3" sourceRef="wait" targetRef="end"/><endEvent id="end"><messageEventDefinition/></endEvent>`);

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{wait}');
    expect(model.nodes.get('notify')).toMatchObject({ kind: 'intermediateThrow', activityType: 'intermediateNoneThrowEvent' });

    // when
    driver.completeTask('wait');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('with camunda:class, camunda:expression or an external topic on the definition they run like service tasks', async () => {
    // given
    const sent: string[] = [];
    const registry = new DelegateRegistry().register('mailer', {
      execute(execution) {
        sent.push(String(execution.getVariable('to')));
      },
    });
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="notify"/>
      <intermediateThrowEvent id="notify"><messageEventDefinition camunda:class="mailer"/></intermediateThrowEvent>
      <sequenceFlow id="f2" sourceRef="notify" targetRef="compute"/>
      <intermediateThrowEvent id="compute"><messageEventDefinition camunda:expression="\${to.length()}" camunda:resultVariable="length"/></intermediateThrowEvent>
      <sequenceFlow id="f3" sourceRef="compute" targetRef="finish"/>
      <endEvent id="finish"><messageEventDefinition camunda:type="external" camunda:topic="mail"/></endEvent>`,
    );

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry), { to: str('ann@example.com') });

    // then
    expect(sent).toEqual(['ann@example.com']);
    expect(driver.variable('length')).toBe(15);
    expect(driver.shape).toBe('root{finish}');
    expect(driver.instancesOf('finish')[0]!.externalTask).toMatchObject({ topic: 'mail' });
    expect(driver.tree!.childActivityInstances[0]!.activityType).toBe('messageEndEvent');
    expect(model.nodes.get('notify')!.activityType).toBe('intermediateMessageThrowEvent');

    // when
    driver.completeExternalTask('finish');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('receive task without a message', () => {
  it('waits without a subscription until modification moves the token on', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
      <receiveTask id="wait"/><sequenceFlow id="f2" sourceRef="wait" targetRef="next"/><userTask id="next"/>`);
    const driver = InstanceDriver.start(model);
    expect(driver.shape).toBe('root{wait}');
    expect(driver.instancesOf('wait')[0]!.subscriptions).toBeUndefined();

    // when
    driver.apply(
      modifyProcessInstance(
        driver.state,
        driver.model,
        {
          instructions: [
            { type: 'cancel', activityId: 'wait' },
            { type: 'startAfterActivity', activityId: 'wait' },
          ],
        },
        driver.env,
      ),
    );

    // then
    expect(driver.shape).toBe('root{next}');
  });
});
