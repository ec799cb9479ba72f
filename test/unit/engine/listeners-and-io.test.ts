import { describe, expect, it } from 'vitest';
import { completeTask, type DelegateExecution, DelegateRegistry, type DelegateTask, deleteProcessInstance } from '../../../shared/engine/index.ts';
import { InstanceDriver, loadModel, testEnvironment } from '../../support/engine-harness.ts';
import { inlineModel, listenerLog, recordingListener, str } from './inline-models.ts';

describe('execution listeners', () => {
  it('fires start and end listeners of a sub-process around those of its inner task (subprocessListeners)', async () => {
    // given
    const { registry, calls } = recordingListener();
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.subprocessListeners.bpmn20.xml'), testEnvironment(registry));

    // when
    driver.completeTask('outerTask');

    // then
    expect(listenerLog(driver.events)).toEqual(['subProcess:start', 'innerTask:start']);

    // when
    driver.completeTask('innerTask');

    // then
    expect(listenerLog(driver.events)).toEqual(['subProcess:start', 'innerTask:start', 'innerTask:end', 'subProcess:end']);
    expect(calls).toEqual([
      { activityId: 'subProcess', event: 'start' },
      { activityId: 'innerTask', event: 'start' },
      { activityId: 'innerTask', event: 'end' },
      { activityId: 'subProcess', event: 'end' },
    ]);
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('fires end listeners of tasks, the sub-process and finally the process as the listenerProcess model completes', async () => {
    // given
    const { registry } = recordingListener();
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.listenerProcess.bpmn20.xml'), testEnvironment(registry));

    // when
    driver.completeTask('innerTask1').completeTask('innerTask2').completeTask('outerTask');

    // then
    expect(listenerLog(driver.events)).toEqual(['innerTask1:end', 'innerTask2:end', 'subProcess:end', 'outerTask:end', 'listenerProcess:end']);
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('fires the end listener of a task cancelled by its boundary timer (listenerProcess)', async () => {
    // given
    const { registry } = recordingListener();
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.listenerProcess.bpmn20.xml'), testEnvironment(registry));

    // when
    driver.executeJob(driver.jobs().find((j) => j.activityId === 'boundaryTimer1')!.id);

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{afterBoundaryTask1, innerTask2}}');
    expect(listenerLog(driver.events)).toEqual(['innerTask1:end']);
  });

  it('fires the end listeners of nested scopes innermost first when a boundary path completes them (listenersOnSubProcessNested)', async () => {
    // given
    const { registry } = recordingListener();
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.listenersOnSubProcessNested.bpmn20.xml'), testEnvironment(registry));
    expect(driver.shape).toBe('root{subProcess{innerSubProcess{innerTask1}}}');

    // when
    driver.correlate('newMessage');

    // then
    expect(driver.state.status).toBe('COMPLETED');
    expect(listenerLog(driver.events)).toEqual(['subProcess:end', 'process:end']);
  });

  it('fires take listeners of a sequence flow between the end of its source and the start of its target (transitionListeners)', async () => {
    // given
    const { registry, calls } = recordingListener();
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.transitionListeners.bpmn20.xml'), testEnvironment(registry));

    // when
    driver.completeTask('task1');

    // then
    expect(listenerLog(driver.events)).toEqual(['flow2:take']);
    expect(calls.map((c) => c.event)).toEqual(['take']);
    const order = driver.events.flatMap((e) =>
      e.type === 'activityEnd' ? [`end:${e.activityId}`] : e.type === 'activityStart' ? [`start:${e.activityId}`] : e.type === 'listener' ? [`take:${e.activityId}`] : [],
    );
    expect(order.slice(-3)).toEqual(['end:task1', 'take:flow2', 'start:task2']);
    expect(driver.shape).toBe('root{task2}');
  });

  it('runs the whole listener sequence of an inline process: process start, start event, take, task start, task create, complete, end, process end', async () => {
    // given
    const model = await inlineModel(`<extensionElements>
        <camunda:executionListener event="start" delegateExpression="\${listener}"/>
        <camunda:executionListener event="end" delegateExpression="\${listener}"/>
      </extensionElements>
      <startEvent id="s"><extensionElements><camunda:executionListener event="end" delegateExpression="\${listener}"/></extensionElements></startEvent>
      <sequenceFlow id="f1" sourceRef="s" targetRef="t"><extensionElements><camunda:executionListener event="take" delegateExpression="\${listener}"/></extensionElements></sequenceFlow>
      <userTask id="t"><extensionElements>
        <camunda:executionListener event="start" delegateExpression="\${listener}"/>
        <camunda:executionListener event="end" delegateExpression="\${listener}"/>
        <camunda:taskListener event="create" delegateExpression="\${listener}"/>
        <camunda:taskListener event="complete" delegateExpression="\${listener}"/>
      </extensionElements></userTask>
      <sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
      <endEvent id="e"><extensionElements><camunda:executionListener event="start" delegateExpression="\${listener}"/></extensionElements></endEvent>`);
    const { registry } = recordingListener();
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // when
    driver.completeTask('t');

    // then
    expect(listenerLog(driver.events)).toEqual(['inlineProcess:start', 's:end', 'f1:take', 't:start', 't:create', 't:complete', 't:end', 'e:start', 'inlineProcess:end']);
  });

  it('resolves camunda:class listeners through the delegate registry and lets expression listeners set variables', async () => {
    // given
    const seen: string[] = [];
    const registry = new DelegateRegistry().register('com.example.Audit', {
      notify(execution: DelegateExecution) {
        seen.push(`${execution.currentActivityId}/${execution.eventName}/${execution.processBusinessKey}`);
      },
    });
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
      <userTask id="t"><extensionElements>
        <camunda:executionListener event="start" class="com.example.Audit"/>
        <camunda:executionListener event="start" expression="\${execution.setVariable('visited', execution.getCurrentActivityId())}"/>
      </extensionElements></userTask>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry), undefined, 'bk-1');

    // then
    expect(seen).toEqual(['t/start/bk-1']);
    expect(driver.state.root.variables).toEqual({ visited: { type: 'String', value: 't' } });
  });

  it('rolls the whole operation back when a listener throws', async () => {
    // given
    const registry = new DelegateRegistry().register('com.example.Veto', {
      notify() {
        throw new Error('vetoed');
      },
    });
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/><userTask id="a"/>
      <sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
      <userTask id="b"><extensionElements><camunda:executionListener event="start" class="com.example.Veto"/></extensionElements></userTask>`);
    const driver = InstanceDriver.start(model, testEnvironment(registry));
    const before = structuredClone(driver.state);

    // when
    const act = () => driver.completeTask('a');

    // then
    expect(act).toThrow('vetoed');
    expect(driver.state).toEqual(before);
  });

  it('refuses a delegate expression that does not resolve to an object', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
      <userTask id="t"><extensionElements><camunda:executionListener event="start" delegateExpression="\${notABean}"/></extensionElements></userTask>`);

    // when
    const act = () => InstanceDriver.start(model, testEnvironment(), { notABean: str('text') });

    // then
    expect(act).toThrow('Delegate expression ${notABean} did not resolve to an implementation of a listener or delegate');
  });

  it('skips listeners of every kind when the delete request says skipCustomListeners', async () => {
    // given
    const { registry, calls } = recordingListener();
    const model = await loadModel('ProcessInstanceModificationTest.taskListeners.bpmn20.xml');
    const driver = InstanceDriver.start(model, testEnvironment(registry));
    const created = calls.length;

    // when
    driver.apply(deleteProcessInstance(driver.state, model, driver.env, { skipCustomListeners: true }));

    // then
    expect(calls).toHaveLength(created);
  });
});

describe('task listeners', () => {
  it('fires the create listener when the task is created and the delete listener when the instance is deleted (taskListeners)', async () => {
    // given
    const events: string[] = [];
    const registry = new DelegateRegistry().register('listener', {
      notify(task: DelegateTask) {
        events.push(`${task.taskDefinitionKey}:${task.eventName}`);
      },
    });
    const model = await loadModel('ProcessInstanceModificationTest.taskListeners.bpmn20.xml');

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // then
    expect(events).toEqual(['task:create']);
    expect(listenerLog(driver.events)).toEqual(['task:create']);

    // when
    driver.apply(deleteProcessInstance(driver.state, model, driver.env));

    // then
    expect(events).toEqual(['task:create', 'task:delete']);
    expect(listenerLog(driver.events)).toEqual(['task:create', 'task:delete']);
  });

  it('does not fire the delete listener when the task is completed', async () => {
    // given
    const { registry } = recordingListener();
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.taskListeners.bpmn20.xml'), testEnvironment(registry));

    // when
    driver.completeTask('task');

    // then
    expect(listenerLog(driver.events)).toEqual(['task:create']);
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('lets a create listener assign the task, and evaluates camunda:assignee expressions', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="fork"/><parallelGateway id="fork"/>
      <sequenceFlow id="f2" sourceRef="fork" targetRef="byListener"/><sequenceFlow id="f3" sourceRef="fork" targetRef="byExpression"/>
      <userTask id="byListener"><extensionElements><camunda:taskListener event="create" expression="\${task.setAssignee('kermit')}"/></extensionElements></userTask>
      <userTask id="byExpression" camunda:assignee="\${owner}"/>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(), { owner: str('gonzo') });

    // then
    expect(driver.tasks().map((t) => [t.activityId, t.assignee])).toEqual([
      ['byListener', 'kermit'],
      ['byExpression', 'gonzo'],
    ]);
  });

  it('keeps a literal camunda:assignee', async () => {
    // given
    const model = await inlineModel('<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/><userTask id="t" camunda:assignee="kermit"/>');

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.tasks()[0]!.assignee).toBe('kermit');
  });
});

describe('input and output mappings', () => {
  it('creates input variables local to task2 and writes output variables to the process instance (ioMapping)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.ioMapping.bpmn20.xml'));

    // when
    driver.completeTask('task1');

    // then
    expect(driver.instancesOf('task2')[0]!.variables).toEqual({ inputMappingExecuted: { type: 'Boolean', value: true } });
    expect(driver.state.root.variables).toBeUndefined();

    // when
    driver.completeTask('task2');

    // then
    expect(driver.state.root.variables).toEqual({ outputMappingExecuted: { type: 'Boolean', value: true } });
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('runs the output mapping of a sub-process when a boundary path inside ends it (ioMappingOnSubProcess)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.ioMappingOnSubProcess.bpmn20.xml'));
    expect(driver.shape).toBe('root{subProcess{innerTask1}}');

    // when
    driver.correlate('newMessage');

    // then
    expect(driver.shape).toBe('root{theTask}');
    expect(driver.variable('outputMappingExecuted')).toBe(true);
  });

  it('runs the output mapping of the outer sub-process once the nested one completes (ioMappingOnSubProcessNested)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.ioMappingOnSubProcessNested.bpmn20.xml'));
    expect(driver.shape).toBe('root{subProcess{innerSubProcess{innerTask1}}}');

    // when
    driver.completeTask('innerTask1');

    // then
    expect(driver.shape).toBe('root{theTask1}');
    expect(driver.variable('outputMappingExecuted')).toBe(true);
  });

  it('evaluates constants, expressions, lists and maps into typed local variables', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
      <userTask id="t"><extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="constant">hello</camunda:inputParameter>
        <camunda:inputParameter name="sum">\${base + 2}</camunda:inputParameter>
        <camunda:inputParameter name="nothing"></camunda:inputParameter>
        <camunda:inputParameter name="list"><camunda:list><camunda:value>a</camunda:value><camunda:value>\${base}</camunda:value></camunda:list></camunda:inputParameter>
        <camunda:inputParameter name="map"><camunda:map><camunda:entry key="k">\${base * 10}</camunda:entry><camunda:entry key="nested"><camunda:list><camunda:value>x</camunda:value></camunda:list></camunda:entry></camunda:map></camunda:inputParameter>
        <camunda:outputParameter name="result">\${sum * 2}</camunda:outputParameter>
      </camunda:inputOutput></extensionElements></userTask>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(), { base: { type: 'Integer', value: 1 } });

    // then
    expect(driver.instancesOf('t')[0]!.variables).toEqual({
      constant: { type: 'String', value: 'hello' },
      sum: { type: 'Integer', value: 3 },
      nothing: { type: 'Null', value: null },
      list: { type: 'Object', value: ['a', 1] },
      map: { type: 'Object', value: { k: 10, nested: ['x'] } },
    });

    // when
    driver.completeTask('t');

    // then
    expect(driver.state.root.variables).toEqual({ base: { type: 'Integer', value: 1 }, result: { type: 'Integer', value: 6 } });
  });

  it('updates a local input variable when the task is completed with a variable of the same name', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
      <userTask id="t"><extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="decision">pending</camunda:inputParameter>
        <camunda:outputParameter name="finalDecision">\${decision}</camunda:outputParameter>
      </camunda:inputOutput></extensionElements></userTask>`);
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('t', { decision: str('approved') });

    // then
    expect(driver.state.root.variables).toEqual({ finalDecision: { type: 'String', value: 'approved' } });
  });

  it('fails completing a task whose output mapping reads an unknown variable and leaves the state untouched (failingOutputMappingProcess)', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.failingOutputMappingProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model);
    const before = structuredClone(driver.state);
    const taskId = driver.tasks().find((t) => t.activityId === 'outerTask')!.id;

    // when
    const act = () => completeTask(driver.state, model, taskId, undefined, driver.env);

    // then
    expect(act).toThrow("Cannot resolve identifier 'nonExistingVariable'");
    expect(driver.state).toEqual(before);
  });

  it('skips output mappings when deleting with skipIoMappings, and fails without it (failingOutputMappingProcess)', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.failingOutputMappingProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model);

    // when
    const failing = () => deleteProcessInstance(driver.state, model, driver.env);
    const skipped = deleteProcessInstance(driver.state, model, driver.env, { skipIoMappings: true });

    // then
    expect(failing).toThrow("Cannot resolve identifier 'nonExistingVariable'");
    expect(skipped.state.status).toBe('EXTERNALLY_TERMINATED');
  });
});
