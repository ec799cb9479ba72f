import { describe, expect, it } from 'vitest';
import { completeTask, deleteProcessInstance, EngineError, executeJob, startProcessInstance } from '../../../shared/engine/index.ts';
import { InstanceDriver, loadModel, testEnvironment } from '../../support/engine-harness.ts';
import { inlineModel, listenerLog, nthId, recordingListener, str } from './inline-models.ts';

describe('starting a process instance', () => {
  it('runs oneTaskProcess to its user task and reports the task as the only child of the root', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.state.status).toBe('ACTIVE');
    expect(driver.state.id).toBe(nthId(1));
    expect(driver.state.definitionKey).toBe('oneTaskProcess');
    expect(driver.state.startTime).toBe(driver.env.clock);
    expect(driver.shape).toBe('root{theTask}');
    expect(driver.tasks()).toEqual([{ id: expect.any(String), activityId: 'theTask', assignee: undefined }]);
    expect(driver.jobs()).toEqual([]);
  });

  it('records processStart, the start event passing through and the task creation in order', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.events.map((e) => (e.type === 'activityStart' || e.type === 'activityEnd' ? `${e.type}:${e.activityId}` : e.type))).toEqual([
      'processStart',
      'activityStart:theStart',
      'activityEnd:theStart',
      'activityStart:theTask',
      'taskCreate',
    ]);
  });

  it('keeps the business key and puts start variables on the process instance', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');

    // when
    const driver = InstanceDriver.start(model, testEnvironment(), { customer: str('ACME') }, 'order-4711');

    // then
    expect(driver.state.businessKey).toBe('order-4711');
    expect(driver.state.root.variables).toEqual({ customer: { type: 'String', value: 'ACME' } });
    expect(driver.instancesOf('theTask')[0]!.variables).toBeUndefined();
  });

  it('does not mutate the state passed into an operation', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');
    const env = testEnvironment();
    const started = startProcessInstance(model, { definitionId: 'oneTaskProcess:1:def' }, env);
    const snapshot = structuredClone(started.state);
    const taskId = started.state.root.children![0]!.task!.id;

    // when
    const completed = completeTask(started.state, model, taskId, undefined, env);

    // then
    expect(started.state).toEqual(snapshot);
    expect(completed.state.status).toBe('COMPLETED');
  });

  it('uses the instance id passed in instead of generating one', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');

    // when
    const { state } = startProcessInstance(model, { definitionId: 'd', id: 'my-instance' }, testEnvironment());

    // then
    expect(state.id).toBe('my-instance');
    expect(state.root.id).toBe('my-instance');
  });
});

describe('completing a process instance', () => {
  it('ends oneTaskProcess as COMPLETED when its task is completed, and the tree disappears', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('oneTaskProcess.bpmn20.xml'));
    driver.env.clock += 60_000;

    // when
    driver.completeTask('theTask');

    // then
    expect(driver.state.status).toBe('COMPLETED');
    expect(driver.state.endTime).toBe(driver.env.clock);
    expect(driver.tree).toBeNull();
    expect(driver.state.root.children).toBeUndefined();
    expect(driver.events.at(-1)).toEqual({ type: 'processEnd', processInstanceId: driver.state.id, time: driver.env.clock, status: 'COMPLETED' });
    expect(driver.events.filter((e) => e.type === 'taskComplete')).toHaveLength(1);
  });

  it('walks through the subprocess model: outer task, then the sub-process scope with its inner task, then the end', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.subprocess.bpmn20.xml'));
    expect(driver.shape).toBe('root{outerTask}');

    // when
    driver.completeTask('outerTask');

    // then
    expect(driver.shape).toBe('root{subProcess{innerTask}}');

    // when
    driver.completeTask('innerTask');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('nests two sub-process scopes in the doubleNestedSubprocess model', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.doubleNestedSubprocess.bpmn20.xml'));
    expect(driver.shape).toBe('root{subProcess{subProcessTask}}');

    // when
    driver.completeTask('subProcessTask');

    // then
    expect(driver.shape).toBe('root{subProcess{innerSubProcess{innerSubProcessTask}}}');

    // when
    driver.completeTask('innerSubProcessTask');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('runs a parallel outer task and a sub-process to one shared end event (nestedParallelOneTaskProcess)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nestedParallelOneTaskProcess.bpmn20.xml'));
    expect(driver.shape).toBe('root{outerTask, subProcess{innerTask}}');

    // when
    driver.completeTask('innerTask');

    // then
    expect(driver.shape).toBe('root{outerTask}');
    expect(driver.state.status).toBe('ACTIVE');

    // when
    driver.completeTask('outerTask');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('runs the call-activity child model as an ordinary one-task process', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.testCancelCallActivityChildProcess.bpmn');

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{innerTask}');
    expect(driver.tree!.childActivityInstances[0]!.activityName).toBe('Stop');
    driver.completeTask('innerTask');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('passes none intermediate throw events, manual tasks and plain tasks without waiting', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="throw"/>
      <intermediateThrowEvent id="throw"/><sequenceFlow id="f2" sourceRef="throw" targetRef="manual"/>
      <manualTask id="manual"/><sequenceFlow id="f3" sourceRef="manual" targetRef="plain"/>
      <task id="plain"/><sequenceFlow id="f4" sourceRef="plain" targetRef="wait"/><userTask id="wait"/>`);

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{wait}');
    expect(driver.events.filter((e) => e.type === 'activityEnd').map((e) => (e.type === 'activityEnd' ? e.activityId : ''))).toEqual(['s', 'throw', 'manual', 'plain']);
  });

  it('ends the instance when the last token reaches an activity without outgoing flows', async () => {
    // given
    const driver = InstanceDriver.start(await inlineModel('<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/><userTask id="t"/>'));

    // when
    driver.completeTask('t');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('terminate end events', () => {
  it('completes the terminateEnd model when its task reaches the terminate end event', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.terminateEnd.bpmn20.xml'));

    // when
    driver.completeTask('task');

    // then
    expect(driver.state.status).toBe('COMPLETED');
    expect(driver.events.at(-1)).toMatchObject({ type: 'processEnd', status: 'COMPLETED' });
  });

  it('cancels the other tokens of its sub-process and lets the sub-process continue normally', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
      <subProcess id="sub"><startEvent id="ss"/><sequenceFlow id="f2" sourceRef="ss" targetRef="fork"/><parallelGateway id="fork"/>
        <sequenceFlow id="f3" sourceRef="fork" targetRef="a"/><sequenceFlow id="f4" sourceRef="fork" targetRef="b"/>
        <userTask id="a"/><userTask id="b"/>
        <sequenceFlow id="f5" sourceRef="a" targetRef="terminate"/><endEvent id="terminate"><terminateEventDefinition/></endEvent>
        <sequenceFlow id="f6" sourceRef="b" targetRef="subEnd"/><endEvent id="subEnd"/></subProcess>
      <sequenceFlow id="f7" sourceRef="sub" targetRef="after"/><userTask id="after"/>`);
    const driver = InstanceDriver.start(model);
    expect(driver.shape).toBe('root{sub{a, b}}');

    // when
    driver.completeTask('a');

    // then
    expect(driver.shape).toBe('root{after}');
    const ends = driver.events.flatMap((e) => (e.type === 'activityEnd' ? [`${e.activityId}${e.canceled ? ' (canceled)' : ''}`] : []));
    expect(ends.slice(-4)).toEqual(['a', 'b (canceled)', 'terminate', 'sub']);
    expect(driver.events.filter((e) => e.type === 'taskDelete')).toHaveLength(1);
  });
});

describe('deleting a process instance', () => {
  it('ends the instance EXTERNALLY_TERMINATED, cancels every activity and fires end listeners innermost first', async () => {
    // given
    const { registry } = recordingListener();
    const model = await loadModel('ProcessInstanceModificationTest.listenerProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // when
    driver.apply(deleteProcessInstance(driver.state, model, driver.env));

    // then
    expect(driver.state.status).toBe('EXTERNALLY_TERMINATED');
    expect(driver.tree).toBeNull();
    const log = listenerLog(driver.events);
    expect([...log].sort()).toEqual(['innerTask1:end', 'innerTask2:end', 'listenerProcess:end', 'outerTask:end', 'subProcess:end']);
    expect(log.indexOf('subProcess:end')).toBeGreaterThan(log.indexOf('innerTask1:end'));
    expect(log.indexOf('subProcess:end')).toBeGreaterThan(log.indexOf('innerTask2:end'));
    expect(log.at(-1)).toBe('listenerProcess:end');
    expect(driver.events.filter((e) => e.type === 'taskDelete')).toHaveLength(3);
    expect(driver.events.at(-1)).toMatchObject({ type: 'processEnd', status: 'EXTERNALLY_TERMINATED' });
  });

  it('skips custom listeners when asked to', async () => {
    // given
    const { registry, calls } = recordingListener();
    const model = await loadModel('ProcessInstanceModificationTest.listenerProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // when
    driver.apply(deleteProcessInstance(driver.state, model, driver.env, { skipCustomListeners: true }));

    // then
    expect(driver.state.status).toBe('EXTERNALLY_TERMINATED');
    expect(calls).toEqual([]);
  });

  it('removes the timer jobs of the deleted instance', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationEventSubProcessTest.testTimerJobPreservationOnCancellationAndStart.bpmn20.xml');
    const driver = InstanceDriver.start(model);
    expect(driver.jobs()).toHaveLength(1);

    // when
    driver.apply(deleteProcessInstance(driver.state, model, driver.env));

    // then
    expect(driver.jobs()).toEqual([]);
  });

  it('refuses to delete an instance that has already ended with NotFoundException', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model).completeTask('theTask');

    // when
    const act = () => deleteProcessInstance(driver.state, model, driver.env);

    // then
    expect(act).toThrow(EngineError);
    expect(act).toThrow(`No process instance found for id '${driver.state.id}'`);
  });
});

describe('operations on ended or unknown things', () => {
  it('refuses to complete a task of an ended instance', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model);
    const taskId = driver.tasks()[0]!.id;
    driver.completeTask('theTask');

    // when
    const act = () => completeTask(driver.state, model, taskId, undefined, driver.env);

    // then
    expect(act).toThrow(/has ended \(COMPLETED\)/);
  });

  it('answers NotFoundException for an unknown task id and leaves the state as it was', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model);
    const before = structuredClone(driver.state);

    // when
    let error: unknown;
    try {
      completeTask(driver.state, model, 'no-such-task', undefined, driver.env);
    } catch (e) {
      error = e;
    }

    // then
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).type).toBe('NotFoundException');
    expect((error as EngineError).isUserError).toBe(true);
    expect((error as EngineError).message).toBe('Cannot find task with id no-such-task: task is null');
    expect(driver.state).toEqual(before);
  });

  it('answers NotFoundException for an unknown job id', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.asyncBeforeOneTaskProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model);

    // when
    const act = () => executeJob(driver.state, model, 'no-such-job', driver.env);

    // then
    expect(act).toThrow("No job found with id 'no-such-job'");
  });
});
