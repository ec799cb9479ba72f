import { describe, expect, it } from 'vitest';
import { type DelegateExecution, DelegateRegistry, modifyVariables } from '../../../shared/engine/index.ts';
import { InstanceDriver, loadModel, testEnvironment } from '../../support/engine-harness.ts';
import { bool, inlineModel, int, str } from './inline-models.ts';

/** A process whose sub-process start listener runs `com.example.Scoped` and whose inner task waits. */
const SCOPED = `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
  <subProcess id="sub"><extensionElements><camunda:executionListener event="start" class="com.example.Scoped"/></extensionElements>
    <startEvent id="ss"/><sequenceFlow id="f2" sourceRef="ss" targetRef="inner"/><userTask id="inner"/>
  </subProcess>
  <sequenceFlow id="f3" sourceRef="sub" targetRef="after"/><userTask id="after"/>`;

describe('variable scopes', () => {
  it('stores start variables with their types on the process instance', async () => {
    // when
    const driver = InstanceDriver.start(await loadModel('oneTaskProcess.bpmn20.xml'), testEnvironment(), {
      name: str('Kermit'),
      age: int(42),
      vip: bool(true),
      due: { type: 'Date', value: '2026-02-01T00:00:00.000Z' },
    });

    // then
    expect(driver.state.root.variables).toEqual({
      name: { type: 'String', value: 'Kermit' },
      age: { type: 'Integer', value: 42 },
      vip: { type: 'Boolean', value: true },
      due: { type: 'Date', value: '2026-02-01T00:00:00.000Z' },
    });
  });

  it('puts new variables from task completion on the process instance, not on the task', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.subprocess.bpmn20.xml'));
    driver.completeTask('outerTask');

    // when
    driver.completeTask('innerTask', { approved: bool(true) });

    // then
    expect(driver.state.root.variables).toEqual({ approved: { type: 'Boolean', value: true } });
  });

  it('keeps variables set locally on a sub-process instance there, visible from inside, and gone when it ends', async () => {
    // given
    const registry = new DelegateRegistry().register('com.example.Scoped', {
      notify(execution: DelegateExecution) {
        execution.setVariableLocal('draft', 'v1');
        execution.setVariable('global', 1);
      },
    });
    const driver = InstanceDriver.start(await inlineModel(SCOPED), testEnvironment(registry));

    // then
    expect(driver.instancesOf('sub')[0]!.variables).toEqual({ draft: { type: 'String', value: 'v1' } });
    expect(driver.state.root.variables).toEqual({ global: { type: 'Integer', value: 1 } });

    // when
    driver.completeTask('inner', { draft: str('v2') });

    // then
    expect(driver.shape).toBe('root{after}');
    expect(driver.state.root.variables).toEqual({ global: { type: 'Integer', value: 1 } });
  });

  it('shows delegates the nearest value of a name and the merged view of all scopes', async () => {
    // given
    const seen: unknown[] = [];
    const registry = new DelegateRegistry()
      .register('com.example.Scoped', {
        notify(execution: DelegateExecution) {
          execution.setVariableLocal('shadowed', 'inner');
        },
      })
      .register('com.example.Reader', {
        notify(execution: DelegateExecution) {
          seen.push(
            execution.getVariable('shadowed'),
            execution.getVariableLocal('shadowed'),
            execution.hasVariable('outer'),
            execution.hasVariable('missing'),
            execution.getVariable('missing'),
            execution.getVariables(),
          );
        },
      });
    const model = await inlineModel(
      SCOPED.replace('<userTask id="inner"/>', '<userTask id="inner"><extensionElements><camunda:executionListener event="start" class="com.example.Reader"/></extensionElements></userTask>'),
    );

    // when
    InstanceDriver.start(model, testEnvironment(registry), { shadowed: str('outer'), outer: int(1) });

    // then
    expect(seen).toEqual(['inner', null, true, false, null, { shadowed: 'inner', outer: 1 }]);
  });

  it('infers Camunda types for values set by delegates', async () => {
    // given
    const registry = new DelegateRegistry().register('com.example.Types', {
      execute(execution: DelegateExecution) {
        execution.setVariable('int', 7);
        execution.setVariable('long', 2 ** 40);
        execution.setVariable('double', 1.5);
        execution.setVariable('bool', false);
        execution.setVariable('string', 'x');
        execution.setVariable('nothing', null);
        execution.setVariable('list', [1, 'a']);
        execution.setVariable('date', new Date(Date.UTC(2026, 0, 2)));
      },
    });
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="svc"/>
      <serviceTask id="svc" camunda:class="com.example.Types"/><sequenceFlow id="f2" sourceRef="svc" targetRef="t"/><userTask id="t"/>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // then
    expect(driver.state.root.variables).toEqual({
      int: { type: 'Integer', value: 7 },
      long: { type: 'Long', value: 2 ** 40 },
      double: { type: 'Double', value: 1.5 },
      bool: { type: 'Boolean', value: false },
      string: { type: 'String', value: 'x' },
      nothing: { type: 'Null', value: null },
      list: { type: 'Object', value: [1, 'a'] },
      date: { type: 'Date', value: '2026-01-02T00:00:00.000Z' },
    });
  });

  it('removes a variable from the scope that holds it', async () => {
    // given
    const registry = new DelegateRegistry().register('com.example.Remove', {
      execute(execution: DelegateExecution) {
        execution.removeVariable('temp');
      },
    });
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="svc"/>
      <serviceTask id="svc" camunda:class="com.example.Remove"/><sequenceFlow id="f2" sourceRef="svc" targetRef="t"/><userTask id="t"/>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry), { temp: int(1), keep: int(2) });

    // then
    expect(driver.state.root.variables).toEqual({ keep: { type: 'Integer', value: 2 } });
  });

  it('keeps multi-instance counters on the body and loopCounter on each inner instance, never on the process instance', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.parallelTasks.bpmn20.xml'));

    // when
    driver.completeTask('beforeTask');

    // then
    const holders = driver.nodes().flatMap((n) => Object.keys(n.variables ?? {}).map((name) => `${n.activityId}.${name}`));
    expect(holders.sort()).toEqual([
      'miTasks#multiInstanceBody.nrOfActiveInstances',
      'miTasks#multiInstanceBody.nrOfCompletedInstances',
      'miTasks#multiInstanceBody.nrOfInstances',
      'miTasks.loopCounter',
      'miTasks.loopCounter',
      'miTasks.loopCounter',
    ]);
  });
});

describe('modifying variables of a running instance', () => {
  it('sets and deletes process-instance variables, modifications first', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model, testEnvironment(), { a: int(1), b: int(2) });

    // when
    driver.apply(modifyVariables(driver.state, model, { a: int(10), c: str('new') }, ['b', 'c'], driver.env));

    // then
    expect(driver.state.root.variables).toEqual({ a: { type: 'Integer', value: 10 } });
    expect(driver.shape).toBe('root{theTask}');
  });

  it('removes the variables map when the last variable is deleted', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model, testEnvironment(), { a: int(1) });

    // when
    driver.apply(modifyVariables(driver.state, model, undefined, ['a'], driver.env));

    // then
    expect(driver.state.root.variables).toBeUndefined();
  });
});

describe('service tasks', () => {
  it('stores the value of an expression service task in its resultVariable on the process instance', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="calc"/>
      <serviceTask id="calc" camunda:expression="\${price * quantity}" camunda:resultVariable="total"/>
      <sequenceFlow id="f2" sourceRef="calc" targetRef="t"/><userTask id="t"/>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(), { price: int(3), quantity: int(4) });

    // then
    expect(driver.shape).toBe('root{t}');
    expect(driver.state.root.variables?.total).toEqual({ type: 'Integer', value: 12 });
  });

  it('evaluates an expression service task without resultVariable for its side effect only', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="calc"/>
      <serviceTask id="calc" camunda:expression="\${execution.setVariable('touched', true)}"/>
      <sequenceFlow id="f2" sourceRef="calc" targetRef="t"/><userTask id="t"/>`);

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.state.root.variables).toEqual({ touched: { type: 'Boolean', value: true } });
  });

  it('runs a camunda:class delegate from the DelegateRegistry with the execution of its activity instance', async () => {
    // given
    const calls: { activityId: string; activityInstanceId: string; processInstanceId: string; name: string | undefined }[] = [];
    const registry = new DelegateRegistry().register('com.example.Charge', {
      execute(execution: DelegateExecution) {
        calls.push({
          activityId: execution.currentActivityId,
          activityInstanceId: execution.activityInstanceId,
          processInstanceId: execution.processInstanceId,
          name: execution.currentActivityName,
        });
        execution.setVariable('charged', execution.getVariable('amount'));
      },
    });
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="charge"/>
      <serviceTask id="charge" name="Charge card" camunda:class="com.example.Charge"/>
      <sequenceFlow id="f2" sourceRef="charge" targetRef="t"/><userTask id="t"/>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry), { amount: int(99) });

    // then
    expect(calls).toEqual([{ activityId: 'charge', activityInstanceId: expect.stringMatching(/^charge:/), processInstanceId: driver.state.id, name: 'Charge card' }]);
    expect(driver.variable('charged')).toBe(99);
    expect(driver.shape).toBe('root{t}');
  });

  it('runs a delegateExpression delegate resolved as a bean from the registry', async () => {
    // given
    const registry = new DelegateRegistry().register('charger', {
      execute(execution: DelegateExecution) {
        execution.setVariable('viaBean', true);
      },
    });
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="charge"/>
      <serviceTask id="charge" camunda:delegateExpression="\${charger}"/><sequenceFlow id="f2" sourceRef="charge" targetRef="t"/><userTask id="t"/>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry));

    // then
    expect(driver.variable('viaBean')).toBe(true);
  });

  it('fails with a clear ENGINE-09008 error for an unknown delegate class and leaves the state untouched', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="before"/><userTask id="before"/>
      <sequenceFlow id="f2" sourceRef="before" targetRef="svc"/><serviceTask id="svc" camunda:class="com.example.Missing"/>
      <sequenceFlow id="f3" sourceRef="svc" targetRef="after"/><userTask id="after"/>`);
    const driver = InstanceDriver.start(model);
    const before = structuredClone(driver.state);
    const eventCount = driver.events.length;

    // when
    const act = () => driver.completeTask('before');

    // then
    expect(act).toThrow("ENGINE-09008 Exception while instantiating class 'com.example.Missing': no delegate is registered under that name");
    expect(driver.state).toEqual(before);
    expect(driver.events).toHaveLength(eventCount);
  });

  it('refuses a registered object without execute as a service-task delegate', async () => {
    // given
    const registry = new DelegateRegistry().register('com.example.OnlyListener', { notify() {} });
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="svc"/>
      <serviceTask id="svc" camunda:class="com.example.OnlyListener"/>`);

    // when
    const act = () => InstanceDriver.start(model, testEnvironment(registry));

    // then
    expect(act).toThrow("'com.example.OnlyListener' does not implement JavaDelegate.execute");
  });
});
