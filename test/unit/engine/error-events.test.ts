/**
 * Error events with Camunda's semantics (BoundaryErrorEventTest, ErrorEventSubProcessTest,
 * ErrorEndEventTest): error end events, error boundary events, error event sub-processes,
 * propagation outward, precedence, code and message variables, uncaught errors, BpmnError from
 * delegates, and TaskService/ExternalTaskService.handleBpmnError.
 */
import { describe, expect, it } from 'vitest';
import { BpmnError, DelegateRegistry, handleExternalTaskBpmnError, handleTaskBpmnError, lockExternalTask, modifyProcessInstance } from '../../../shared/engine/index.ts';
import { InstanceDriver, testEnvironment } from '../../support/engine-harness.ts';
import { inlineModel, str } from './inline-models.ts';

const ERRORS = '<error id="err1" errorCode="E1" camunda:errorMessage="failed"/><error id="err2" errorCode="E2"/>';
/** err1's message is an expression, evaluated when the error is thrown. */
const ERRORS_WITH_REASON = `<error id="err1" errorCode="E1" camunda:errorMessage="failed: \${reason}"/>`;

/** A sub-process whose task ends in an error end event (after `task`), with the given boundaries. */
function subProcessThrowing(errorRef: string, boundaries: string, after = ''): string {
  return `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
    <subProcess id="sub">
      <startEvent id="subStart"/><sequenceFlow id="f2" sourceRef="subStart" targetRef="task"/>
      <userTask id="task"/><sequenceFlow id="f3" sourceRef="task" targetRef="throw"/>
      <endEvent id="throw"><errorEventDefinition errorRef="${errorRef}"/></endEvent>
    </subProcess>
    <sequenceFlow id="f4" sourceRef="sub" targetRef="afterSub"/><userTask id="afterSub"/>
    ${boundaries}${after}`;
}

const boundary = (id: string, errorRef?: string, attributes = '') =>
  `<boundaryEvent id="${id}" attachedToRef="sub"><errorEventDefinition ${errorRef ? `errorRef="${errorRef}"` : ''} ${attributes}/></boundaryEvent>
   <sequenceFlow id="${id}Flow" sourceRef="${id}" targetRef="${id}Task"/><userTask id="${id}Task"/>`;

function taskId(driver: InstanceDriver, activityId: string): string {
  const task = driver.tasks().find((t) => t.activityId === activityId);
  if (!task) throw new Error(`no task ${activityId} in ${driver.shape}`);
  return task.id;
}

describe('error end events and error boundary events', () => {
  it('an error end event inside a sub-process is caught by the boundary event on the sub-process, which cancels it', async () => {
    // given
    const model = await inlineModel(subProcessThrowing('err1', boundary('catchE1', 'err1', 'camunda:errorCodeVariable="code" camunda:errorMessageVariable="msg"')), {
      definitions: ERRORS_WITH_REASON,
    });
    const driver = InstanceDriver.start(model, testEnvironment(), { reason: str('disk full') });

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{catchE1Task}');
    expect(driver.variable('code')).toBe('E1');
    expect(driver.variable('msg')).toBe('failed: disk full');
    expect(model.nodes.get('catchE1')!.activityType).toBe('boundaryError');
    expect(model.nodes.get('throw')!.activityType).toBe('errorEndEvent');
  });

  it('a boundary event naming the code takes precedence over a catch-all one, whatever their order', async () => {
    // given: the catch-all boundary comes first in the document
    const model = await inlineModel(subProcessThrowing('err2', `${boundary('catchAll')}${boundary('catchE1', 'err1')}${boundary('catchE2', 'err2')}`), { definitions: ERRORS });
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{catchE2Task}');
  });

  it('a catch-all boundary event catches an error no other handler names', async () => {
    // given
    const model = await inlineModel(subProcessThrowing('err2', `${boundary('catchE1', 'err1')}${boundary('catchAll')}`), { definitions: ERRORS });
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{catchAllTask}');
  });

  it('an error nobody catches ends its token as a none end event: the scope and then the instance complete', async () => {
    // given
    const model = await inlineModel(subProcessThrowing('err2', boundary('catchE1', 'err1')), { definitions: ERRORS });
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then: the sub-process completed normally and went on
    expect(driver.shape).toBe('root{afterSub}');
  });

  it('an errorRef naming no error element is taken as the error code itself', async () => {
    // given
    const model = await inlineModel(subProcessThrowing('RAW_CODE', boundary('catchRaw', 'RAW_CODE', 'camunda:errorCodeVariable="code"')));
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{catchRawTask}');
    expect(driver.variable('code')).toBe('RAW_CODE');
  });

  it('propagates outward through nested scopes to the first scope with a handler', async () => {
    // given: the error is thrown two scopes deep; only the outer sub-process has a boundary event
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="outer"/>
      <subProcess id="outer">
        <startEvent id="os"/><sequenceFlow id="f2" sourceRef="os" targetRef="inner"/>
        <subProcess id="inner">
          <startEvent id="is"/><sequenceFlow id="f3" sourceRef="is" targetRef="fork"/>
          <parallelGateway id="fork"/>
          <sequenceFlow id="f4" sourceRef="fork" targetRef="parallelTask"/><sequenceFlow id="f5" sourceRef="fork" targetRef="throw"/>
          <endEvent id="throw"><errorEventDefinition errorRef="err1"/></endEvent>
          <userTask id="parallelTask"/>
        </subProcess>
      </subProcess>
      ${boundary('catchE1', 'err1').replace('attachedToRef="sub"', 'attachedToRef="outer"')}`,
      { definitions: ERRORS },
    );

    // when
    const driver = InstanceDriver.start(model);

    // then: everything inside `outer` was cancelled, the parallel task's task with it
    expect(driver.shape).toBe('root{catchE1Task}');
    expect(driver.events.filter((e) => e.type === 'taskDelete')).toHaveLength(1);
  });

  it('a delegate throwing BpmnError is caught by the boundary event on its own service task', async () => {
    // given
    const registry = new DelegateRegistry().register('failer', {
      execute() {
        throw new BpmnError('E1', 'from delegate');
      },
    });
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="service"/>
      <serviceTask id="service" camunda:class="failer"/><sequenceFlow id="f2" sourceRef="service" targetRef="normal"/><userTask id="normal"/>
      <boundaryEvent id="onError" attachedToRef="service"><errorEventDefinition errorRef="err1" camunda:errorMessageVariable="msg"/></boundaryEvent>
      <sequenceFlow id="f3" sourceRef="onError" targetRef="handled"/><userTask id="handled"/>`,
      { definitions: ERRORS },
    );

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // then
    expect(driver.shape).toBe('root{handled}');
    expect(driver.variable('msg')).toBe('from delegate');
  });

  it('a delegate BpmnError nobody catches ends the token; other errors still fail the operation', async () => {
    // given
    const registry = new DelegateRegistry()
      .register('bpmnFailer', {
        execute() {
          throw new BpmnError('UNKNOWN');
        },
      })
      .register('crasher', {
        execute() {
          throw new Error('boom');
        },
      });
    const model = (className: string) =>
      inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="service"/>
      <serviceTask id="service" camunda:class="${className}"/><sequenceFlow id="f2" sourceRef="service" targetRef="next"/><userTask id="next"/>`);

    // when
    const ended = InstanceDriver.start(await model('bpmnFailer'), testEnvironment(registry));

    // then
    expect(ended.state.status).toBe('COMPLETED');
    await expect(model('crasher').then((m) => InstanceDriver.start(m, testEnvironment(registry)))).rejects.toThrow('boom');
  });
});

describe('error event sub-processes', () => {
  const eventSubProcess = (id: string, errorRef?: string, variable = '') =>
    `<subProcess id="${id}" triggeredByEvent="true">
      <startEvent id="${id}Start"><errorEventDefinition ${errorRef ? `errorRef="${errorRef}"` : ''} ${variable}/></startEvent>
      <sequenceFlow id="${id}F1" sourceRef="${id}Start" targetRef="${id}Task"/><userTask id="${id}Task"/>
    </subProcess>`;

  it('an error event sub-process of the process catches an error thrown in a sub-process and interrupts everything else', async () => {
    // given
    const model = await inlineModel(
      `${subProcessThrowing('err1', '')}
      <sequenceFlow id="p1" sourceRef="s" targetRef="sideTask"/><userTask id="sideTask"/>
      ${eventSubProcess('handler', 'err1', 'camunda:errorCodeVariable="code"')}`,
      { definitions: ERRORS },
    );
    const driver = InstanceDriver.start(model);
    expect(driver.shape).toBe('root{sideTask, sub{task}}');

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{handler{handlerTask}}');
    expect(driver.variable('code')).toBe('E1');
    expect(model.nodes.get('handlerStart')!.activityType).toBe('errorStartEvent');
  });

  it('on the same scope an error event sub-process takes precedence over a boundary event', async () => {
    // given: the sub-process holds an error event sub-process and has an error boundary event itself
    const model = await inlineModel(subProcessThrowing('err1', boundary('catchE1', 'err1')).replace('</subProcess>', `${eventSubProcess('innerHandler', 'err1')}</subProcess>`), {
      definitions: ERRORS,
    });
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then: the event sub-process runs inside the sub-process
    expect(driver.shape).toBe('root{sub{innerHandler{innerHandlerTask}}}');
  });

  it('an error thrown inside an error event sub-process is not caught by that event sub-process again', async () => {
    // given: the handler itself throws the same error; the boundary on the sub-process catches it
    const model = await inlineModel(
      subProcessThrowing('err1', boundary('outerCatch', 'err1')).replace(
        '</subProcess>',
        `<subProcess id="rethrower" triggeredByEvent="true">
          <startEvent id="rethrowerStart"><errorEventDefinition errorRef="err1"/></startEvent>
          <sequenceFlow id="r1" sourceRef="rethrowerStart" targetRef="rethrow"/>
          <endEvent id="rethrow"><errorEventDefinition errorRef="err1"/></endEvent>
        </subProcess></subProcess>`,
      ),
      { definitions: ERRORS },
    );
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('task');

    // then
    expect(driver.shape).toBe('root{outerCatchTask}');
  });

  it('refuses a non-interrupting error start event, naming it', async () => {
    await expect(
      inlineModel(`<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/><endEvent id="e"/>
        <subProcess id="esp" triggeredByEvent="true"><startEvent id="espStart" isInterrupting="false"><errorEventDefinition/></startEvent></subProcess>`),
    ).rejects.toThrow("error start event of event subprocess must be interrupting ('espStart')");
  });
});

describe('handleBpmnError for user tasks and external tasks', () => {
  const userTaskModel = () =>
    inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
      <userTask id="review"/><sequenceFlow id="f2" sourceRef="review" targetRef="done"/><userTask id="done"/>
      <boundaryEvent id="rejected" attachedToRef="review"><errorEventDefinition errorRef="err1" camunda:errorMessageVariable="msg"/></boundaryEvent>
      <sequenceFlow id="f3" sourceRef="rejected" targetRef="rework"/><userTask id="rework"/>`,
      { definitions: ERRORS },
    );

  it('POST /task/{id}/bpmnError: variables are set, then the boundary event on the task catches the error', async () => {
    // given
    const driver = InstanceDriver.start(await userTaskModel());
    const id = taskId(driver, 'review');

    // when
    driver.apply(handleTaskBpmnError(driver.state, driver.model, id, { errorCode: 'E1', errorMessage: 'not good', variables: { reviewer: str('ann') } }, driver.env));

    // then
    expect(driver.shape).toBe('root{rework}');
    expect(driver.variable('reviewer')).toBe('ann');
    expect(driver.variable('msg')).toBe('not good');
    expect(driver.events.filter((e) => e.type === 'taskDelete').map((e) => (e as { taskId: string }).taskId)).toEqual([id]);
  });

  it('an uncaught task error deletes the task and ends its token', async () => {
    // given
    const driver = InstanceDriver.start(await userTaskModel());

    // when
    driver.apply(handleTaskBpmnError(driver.state, driver.model, taskId(driver, 'review'), { errorCode: 'OTHER' }, driver.env));

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('refuses an empty error code and an unknown task, leaving the instance as it was', async () => {
    // given
    const driver = InstanceDriver.start(await userTaskModel());

    // when / then
    expect(() => handleTaskBpmnError(driver.state, driver.model, taskId(driver, 'review'), { errorCode: '' }, driver.env)).toThrow(
      expect.objectContaining({ type: 'BadUserRequestException', message: 'errorCode is empty' }),
    );
    expect(() => handleTaskBpmnError(driver.state, driver.model, 'nope', { errorCode: 'E1' }, driver.env)).toThrow(expect.objectContaining({ type: 'NotFoundException' }));
    expect(driver.shape).toBe('root{review}');
  });

  it('POST /external-task/{id}/bpmnError: only the locking worker may report; the error is caught and the incident goes', async () => {
    // given
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="work"/>
      <serviceTask id="work" camunda:type="external" camunda:topic="t"/><sequenceFlow id="f2" sourceRef="work" targetRef="done"/><userTask id="done"/>
      <boundaryEvent id="failed" attachedToRef="work"><errorEventDefinition camunda:errorCodeVariable="code"/></boundaryEvent>
      <sequenceFlow id="f3" sourceRef="failed" targetRef="fix"/><userTask id="fix"/>`,
    );
    const driver = InstanceDriver.start(model);
    const externalTaskId = driver.instancesOf('work')[0]!.externalTask!.id;
    driver.state = lockExternalTask(driver.state, externalTaskId, 'w1', 60_000, driver.env);

    // when: another worker reports
    const wrongWorker = () => handleExternalTaskBpmnError(driver.state, driver.model, externalTaskId, { workerId: 'w2', errorCode: 'X' }, driver.env);

    // then
    expect(wrongWorker).toThrow(
      expect.objectContaining({ type: 'BadUserRequestException', message: `Bpmn error of External Task ${externalTaskId} cannot be reported by worker 'w2'. It is locked by worker 'w1'.` }),
    );

    // when: the worker holding the lock reports
    driver.apply(handleExternalTaskBpmnError(driver.state, driver.model, externalTaskId, { workerId: 'w1', errorCode: 'X', variables: { detail: str('d') } }, driver.env));

    // then
    expect(driver.shape).toBe('root{fix}');
    expect(driver.variable('code')).toBe('X');
    expect(driver.variable('detail')).toBe('d');
  });
});

describe('modification and error events', () => {
  it('startBeforeActivity on an error end event throws its error, which the boundary event catches', async () => {
    // given
    const model = await inlineModel(subProcessThrowing('err1', boundary('catchE1', 'err1')), { definitions: ERRORS });
    const driver = InstanceDriver.start(model);

    // when
    driver.apply(modifyProcessInstance(driver.state, driver.model, { instructions: [{ type: 'startBeforeActivity', activityId: 'throw' }] }, driver.env));

    // then: the existing sub-process instance was the scope, and the error cancelled it
    expect(driver.shape).toBe('root{catchE1Task}');
  });

  it('startBeforeActivity on an interrupting error boundary event cancels its host', async () => {
    // given
    const model = await inlineModel(subProcessThrowing('err1', boundary('catchE1', 'err1')), { definitions: ERRORS });
    const driver = InstanceDriver.start(model);

    // when
    driver.apply(modifyProcessInstance(driver.state, driver.model, { instructions: [{ type: 'startBeforeActivity', activityId: 'catchE1' }] }, driver.env));

    // then
    expect(driver.shape).toBe('root{catchE1Task}');
  });

  it('an engine error thrown while handling leaves the state untouched', async () => {
    // given: the handler's task has an assignee expression that cannot be evaluated
    const model = await inlineModel(
      subProcessThrowing('err1', boundary('catchE1', 'err1')).replace('<userTask id="catchE1Task"/>', '<userTask id="catchE1Task" camunda:assignee="${missing.name}"/>'),
      { definitions: ERRORS },
    );
    const driver = InstanceDriver.start(model);
    const before = structuredClone(driver.state);

    // when / then
    expect(() => driver.completeTask('task')).toThrow("Cannot resolve identifier 'missing'");
    expect(driver.state).toEqual(before);
  });
});
