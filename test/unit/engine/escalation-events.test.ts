/**
 * Escalation events with Camunda's semantics (EscalationEventTest, EscalationEventSubprocessTest):
 * intermediate throw and end events, interrupting and non-interrupting boundary events and event
 * sub-processes, escalationCodeVariable, uncaught escalations, TaskService.handleEscalation.
 */
import { describe, expect, it } from 'vitest';
import { handleTaskEscalation } from '../../../shared/engine/index.ts';
import { InstanceDriver } from '../../support/engine-harness.ts';
import { inlineModel, str } from './inline-models.ts';

const ESCALATIONS = '<escalation id="esc1" escalationCode="LATE"/><escalation id="esc2" escalationCode="OTHER"/>';

/** A sub-process throwing an escalation (intermediate) after `task`, then waiting at `afterThrow`. */
function subProcessEscalating(escalationRef: string, handlers: string, throwKind: 'intermediate' | 'end' = 'intermediate'): string {
  const thrower =
    throwKind === 'intermediate'
      ? `<intermediateThrowEvent id="throw"><escalationEventDefinition escalationRef="${escalationRef}"/></intermediateThrowEvent>
         <sequenceFlow id="f4" sourceRef="throw" targetRef="afterThrow"/><userTask id="afterThrow"/>`
      : `<endEvent id="throw"><escalationEventDefinition escalationRef="${escalationRef}"/></endEvent>`;
  return `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
    <subProcess id="sub">
      <startEvent id="subStart"/><sequenceFlow id="f2" sourceRef="subStart" targetRef="task"/>
      <userTask id="task"/><sequenceFlow id="f3" sourceRef="task" targetRef="throw"/>
      ${thrower}
    </subProcess>
    <sequenceFlow id="f5" sourceRef="sub" targetRef="afterSub"/><userTask id="afterSub"/>
    ${handlers}`;
}

const boundary = (id: string, escalationRef: string | undefined, interrupting: boolean, attributes = '', host = 'sub') =>
  `<boundaryEvent id="${id}" attachedToRef="${host}" cancelActivity="${interrupting}"><escalationEventDefinition ${escalationRef ? `escalationRef="${escalationRef}"` : ''} ${attributes}/></boundaryEvent>
   <sequenceFlow id="${id}Flow" sourceRef="${id}" targetRef="${id}Task"/><userTask id="${id}Task"/>`;

describe('escalation throw events and boundary events', () => {
  it('a non-interrupting boundary event starts its path beside the sub-process, and the thrower goes on', async () => {
    // given
    const model = await inlineModel(subProcessEscalating('esc1', boundary('onLate', 'esc1', false, 'camunda:escalationCodeVariable="code"')), { definitions: ESCALATIONS });
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{onLateTask, sub{afterThrow}}');
    expect(driver.variable('code')).toBe('LATE');
    expect(model.nodes.get('throw')!.activityType).toBe('intermediateEscalationThrowEvent');
    expect(model.nodes.get('onLate')!.activityType).toBe('boundaryEscalation');
  });

  it('an interrupting boundary event cancels the sub-process, thrower included', async () => {
    // given
    const model = await inlineModel(subProcessEscalating('esc1', boundary('onLate', 'esc1', true)), { definitions: ESCALATIONS });
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{onLateTask}');
  });

  it('an escalation nobody catches is ignored: the token goes on', async () => {
    // given
    const model = await inlineModel(subProcessEscalating('esc2', boundary('onLate', 'esc1', true)), { definitions: ESCALATIONS });
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{sub{afterThrow}}');
  });

  it('an escalation end event ends its token; a non-interrupting catch runs beside it', async () => {
    // given
    const model = await inlineModel(subProcessEscalating('esc1', boundary('onLate', undefined, false), 'end'), { definitions: ESCALATIONS });
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then: the sub-process completed (its only token ended) and the boundary path runs
    expect(driver.shape).toBe('root{afterSub, onLateTask}');
    expect(model.nodes.get('throw')!.activityType).toBe('escalationEndEvent');
  });

  it('refuses an escalation boundary event on a service task, and a throw event without escalationRef', async () => {
    await expect(
      inlineModel(
        `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="svc"/><serviceTask id="svc" camunda:expression="\${true}"/>
        ${boundary('onLate', 'esc1', true, '', 'svc')}`,
        { definitions: ESCALATIONS },
      ),
    ).rejects.toThrow('An escalation boundary event should only be attached to a subprocess, a call activity or an user task');
    await expect(inlineModel('<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="e"/><endEvent id="e"><escalationEventDefinition/></endEvent>')).rejects.toThrow(
      "does not have required attribute 'escalationRef'",
    );
  });
});

describe('escalation event sub-processes', () => {
  const eventSubProcess = (id: string, escalationRef: string | undefined, interrupting: boolean) =>
    `<subProcess id="${id}" triggeredByEvent="true">
      <startEvent id="${id}Start" isInterrupting="${interrupting}"><escalationEventDefinition ${escalationRef ? `escalationRef="${escalationRef}"` : ''} camunda:escalationCodeVariable="code"/></startEvent>
      <sequenceFlow id="${id}F1" sourceRef="${id}Start" targetRef="${id}Task"/><userTask id="${id}Task"/>
    </subProcess>`;

  it('a non-interrupting event sub-process of the process runs beside the escalating sub-process', async () => {
    // given
    const model = await inlineModel(subProcessEscalating('esc1', eventSubProcess('handler', 'esc1', false)), { definitions: ESCALATIONS });
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{handler{handlerTask}, sub{afterThrow}}');
    expect(driver.variable('code')).toBe('LATE');
    expect(model.nodes.get('handlerStart')!.activityType).toBe('escalationStartEvent');
  });

  it('an interrupting event sub-process cancels the rest of its scope', async () => {
    // given
    const model = await inlineModel(subProcessEscalating('esc1', eventSubProcess('handler', undefined, true)), { definitions: ESCALATIONS });
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{handler{handlerTask}}');
  });

  it('an event sub-process directly around the thrower does not catch its own escalation', async () => {
    // given: the handler sits in the sub-process that throws; only the outer boundary event catches
    const model = await inlineModel(
      subProcessEscalating('esc1', boundary('outer', 'esc1', false)).replace(
        '</subProcess>',
        `<subProcess id="inner" triggeredByEvent="true">
          <startEvent id="innerStart" isInterrupting="false"><escalationEventDefinition escalationRef="esc1"/></startEvent>
          <sequenceFlow id="i1" sourceRef="innerStart" targetRef="rethrow"/>
          <intermediateThrowEvent id="rethrow"><escalationEventDefinition escalationRef="esc1"/></intermediateThrowEvent>
          <sequenceFlow id="i2" sourceRef="rethrow" targetRef="innerTask"/><userTask id="innerTask"/>
        </subProcess></subProcess>`,
      ),
      { definitions: ESCALATIONS },
    );
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then: the thrower's escalation is caught inside the sub-process; the re-throw from the handler goes to the boundary
    expect(driver.shape).toBe('root{outerTask, sub{afterThrow, inner{innerTask}}}');
  });
});

describe('POST /task/{id}/bpmnEscalation', () => {
  const taskModel = (interrupting: boolean) =>
    inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
      <userTask id="review"/><sequenceFlow id="f2" sourceRef="review" targetRef="done"/><userTask id="done"/>
      ${boundary('escalated', 'esc1', interrupting, 'camunda:escalationCodeVariable="code"', 'review')}`,
      { definitions: ESCALATIONS },
    );

  it('a non-interrupting boundary event on the task starts its path and the task stays', async () => {
    // given
    const driver = InstanceDriver.start(await taskModel(false));
    const task = driver.tasks()[0]!;

    // when
    driver.apply(handleTaskEscalation(driver.state, driver.model, task.id, { escalationCode: 'LATE', variables: { why: str('slow') } }, driver.env));

    // then
    expect(driver.shape).toBe('root{escalatedTask, review}');
    expect(driver.tasks().map((t) => t.id)).toContain(task.id);
    expect(driver.variable('code')).toBe('LATE');
    expect(driver.variable('why')).toBe('slow');
  });

  it('an interrupting boundary event cancels the task', async () => {
    // given
    const driver = InstanceDriver.start(await taskModel(true));

    // when
    driver.apply(handleTaskEscalation(driver.state, driver.model, driver.tasks()[0]!.id, { escalationCode: 'LATE' }, driver.env));

    // then
    expect(driver.shape).toBe('root{escalatedTask}');
  });

  it("an escalation nobody catches is Camunda's ENGINE-02043 error and changes nothing", async () => {
    // given
    const driver = InstanceDriver.start(await taskModel(true));
    const before = structuredClone(driver.state);

    // when / then
    expect(() => handleTaskEscalation(driver.state, driver.model, driver.tasks()[0]!.id, { escalationCode: 'NOPE' }, driver.env)).toThrow(
      expect.objectContaining({
        type: 'ProcessEngineException',
        message: "ENGINE-02043 Execution with id 'review' throws an escalation event with escalationCode 'NOPE', but no escalation handler was defined. ",
      }),
    );
    expect(() => handleTaskEscalation(driver.state, driver.model, driver.tasks()[0]!.id, { escalationCode: '' }, driver.env)).toThrow('escalationCode is empty');
    expect(driver.state).toEqual(before);
  });
});
