import { describe, expect, it } from 'vitest';
import { DelegateRegistry, type DelegateExecution } from '../../../shared/engine/index.ts';
import { InstanceDriver, loadModel, testEnvironment } from '../../support/engine-harness.ts';
import { inlineModel, int, json, nthId } from './inline-models.ts';

const counters = (driver: InstanceDriver, bodyId: string) => {
  const body = driver.instancesOf(bodyId)[0]!;
  const value = (name: string) => body.variables?.[name];
  return { nrOfInstances: value('nrOfInstances'), nrOfActiveInstances: value('nrOfActiveInstances'), nrOfCompletedInstances: value('nrOfCompletedInstances') };
};

const loopCounters = (driver: InstanceDriver, activityId: string) => driver.instancesOf(activityId).map((n) => n.variables?.loopCounter);

describe('parallel multi-instance user tasks (parallelTasks model)', () => {
  it('creates the body miTasks#multiInstanceBody with three inner task instances, as the full activity instance tree shows', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.parallelTasks.bpmn20.xml'));
    expect(driver.shape).toBe('root{beforeTask}');

    // when
    driver.completeTask('beforeTask');

    // then
    const pi = nthId(1);
    const common = { processInstanceId: pi, processDefinitionId: 'miParallelUserTasks:1:def', childTransitionInstances: [], incidentIds: [], incidents: [], activityName: null, name: null };
    const inner = (n: number) => ({
      ...common,
      id: `miTasks:${nthId(n)}`,
      parentActivityInstanceId: `miTasks#multiInstanceBody:${nthId(5)}`,
      activityId: 'miTasks',
      activityType: 'userTask',
      childActivityInstances: [],
      executionIds: [`${pi}.${nthId(n)}`],
    });
    expect(driver.tree).toEqual({
      ...common,
      id: pi,
      parentActivityInstanceId: null,
      activityId: 'miParallelUserTasks:1:def',
      activityType: 'processDefinition',
      executionIds: [pi],
      childActivityInstances: [
        {
          ...common,
          id: `miTasks#multiInstanceBody:${nthId(5)}`,
          parentActivityInstanceId: pi,
          activityId: 'miTasks#multiInstanceBody',
          activityType: 'multiInstanceBody',
          executionIds: [`${pi}.${nthId(5)}`],
          childActivityInstances: [inner(6), inner(8), inner(10)],
        },
      ],
    });
    expect(driver.tasks().map((t) => t.activityId)).toEqual(['miTasks', 'miTasks', 'miTasks']);
  });

  it('keeps nrOfInstances / nrOfActiveInstances / nrOfCompletedInstances on the body and loopCounter on each inner instance', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.parallelTasks.bpmn20.xml'));

    // when
    driver.completeTask('beforeTask');

    // then
    expect(counters(driver, 'miTasks#multiInstanceBody')).toEqual({
      nrOfInstances: { type: 'Integer', value: 3 },
      nrOfActiveInstances: { type: 'Integer', value: 3 },
      nrOfCompletedInstances: { type: 'Integer', value: 0 },
    });
    expect(loopCounters(driver, 'miTasks')).toEqual([0, 1, 2].map((value) => ({ type: 'Integer', value })));
    expect(driver.state.root.variables).toBeUndefined();
  });

  it('counts completed instances on the body and leaves the body after the third completion', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.parallelTasks.bpmn20.xml'));
    driver.completeTask('beforeTask');

    // when
    driver.completeTask('miTasks');

    // then
    expect(driver.shape).toBe('root{miTasks#multiInstanceBody{miTasks, miTasks}}');
    expect(counters(driver, 'miTasks#multiInstanceBody')).toEqual({
      nrOfInstances: { type: 'Integer', value: 3 },
      nrOfActiveInstances: { type: 'Integer', value: 2 },
      nrOfCompletedInstances: { type: 'Integer', value: 1 },
    });
    expect(loopCounters(driver, 'miTasks').map((v) => v?.value)).toEqual([1, 2]);

    // when
    driver.completeTask('miTasks').completeTask('miTasks');

    // then
    expect(driver.shape).toBe('root{afterTask}');
    expect(driver.state.root.variables).toBeUndefined();

    // when
    driver.completeTask('afterTask');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('sequential multi-instance', () => {
  it('runs one inner task at a time with an increasing loopCounter (sequentialTasks model)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.sequentialTasks.bpmn20.xml'));

    // when
    driver.completeTask('beforeTask');

    // then
    expect(driver.shape).toBe('root{miTasks#multiInstanceBody{miTasks}}');
    expect(counters(driver, 'miTasks#multiInstanceBody')).toEqual({
      nrOfInstances: { type: 'Integer', value: 3 },
      nrOfActiveInstances: { type: 'Integer', value: 1 },
      nrOfCompletedInstances: { type: 'Integer', value: 0 },
    });
    expect(loopCounters(driver, 'miTasks').map((v) => v?.value)).toEqual([0]);

    // when
    driver.completeTask('miTasks');

    // then
    expect(driver.shape).toBe('root{miTasks#multiInstanceBody{miTasks}}');
    expect(counters(driver, 'miTasks#multiInstanceBody')).toEqual({
      nrOfInstances: { type: 'Integer', value: 3 },
      nrOfActiveInstances: { type: 'Integer', value: 1 },
      nrOfCompletedInstances: { type: 'Integer', value: 1 },
    });
    expect(loopCounters(driver, 'miTasks').map((v) => v?.value)).toEqual([1]);

    // when
    driver.completeTask('miTasks');

    // then
    expect(loopCounters(driver, 'miTasks').map((v) => v?.value)).toEqual([2]);

    // when
    driver.completeTask('miTasks');

    // then
    expect(driver.shape).toBe('root{afterTask}');
  });

  it('runs the sub-process of sequentialSubprocess three times, one scope instance at a time', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.sequentialSubprocess.bpmn20.xml'));

    // when
    driver.completeTask('beforeTask');

    // then
    expect(driver.shape).toBe('root{miSubProcess#multiInstanceBody{miSubProcess{subProcessTask}}}');
    expect(loopCounters(driver, 'miSubProcess').map((v) => v?.value)).toEqual([0]);

    // when
    driver.completeTask('subProcessTask').completeTask('subProcessTask');

    // then
    expect(driver.shape).toBe('root{miSubProcess#multiInstanceBody{miSubProcess{subProcessTask}}}');
    expect(loopCounters(driver, 'miSubProcess').map((v) => v?.value)).toEqual([2]);

    // when
    driver.completeTask('subProcessTask');

    // then
    expect(driver.shape).toBe('root{afterTask}');
  });
});

describe('multi-instance sub-processes', () => {
  it('creates three sub-process scopes, each with its task and its loopCounter (parallelSubprocess model)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.parallelSubprocess.bpmn20.xml'));

    // when
    driver.completeTask('beforeTask');

    // then
    expect(driver.shape).toBe('root{miSubProcess#multiInstanceBody{miSubProcess{subProcessTask}, miSubProcess{subProcessTask}, miSubProcess{subProcessTask}}}');
    expect(loopCounters(driver, 'miSubProcess').map((v) => v?.value)).toEqual([0, 1, 2]);
    expect(driver.instancesOf('subProcessTask').every((n) => n.variables === undefined)).toBe(true);
    const body = driver.tree!.childActivityInstances[0]!;
    expect(body.activityType).toBe('multiInstanceBody');
    expect(body.childActivityInstances.map((c) => [c.activityType, c.parentActivityInstanceId])).toEqual([
      ['subProcess', body.id],
      ['subProcess', body.id],
      ['subProcess', body.id],
    ]);
    expect(body.childActivityInstances[0]!.childActivityInstances[0]!.activityName).toBe('task one');

    // when
    driver.completeTask('subProcessTask').completeTask('subProcessTask').completeTask('subProcessTask');

    // then
    expect(driver.shape).toBe('root{afterTask}');
  });

  it('nests a parallel multi-instance task inside each instance of a parallel multi-instance sub-process (nestedParallelTasks model)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.nestedParallelTasks.bpmn20.xml'));

    // when
    driver.completeTask('beforeTask');

    // then
    const innerBody = 'miTasks#multiInstanceBody{miTasks, miTasks, miTasks}';
    expect(driver.shape).toBe(`root{miSubProcess#multiInstanceBody{miSubProcess{${innerBody}}, miSubProcess{${innerBody}}, miSubProcess{${innerBody}}}}`);
    expect(driver.instancesOf('miTasks#multiInstanceBody').map((b) => b.variables?.nrOfInstances?.value)).toEqual([3, 3, 3]);
    expect(loopCounters(driver, 'miTasks').map((v) => v?.value)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);

    // when
    for (let i = 0; i < 9; i++) driver.completeTask('miTasks');

    // then
    expect(driver.shape).toBe('root{afterTask}');
  });
});

describe('completion conditions', () => {
  it('runs all instances when the completion condition of parallelTasksCompletionCondition never holds', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.parallelTasksCompletionCondition.bpmn20.xml'));
    expect(driver.shape).toBe('root{miTasks#multiInstanceBody{miTasks, miTasks, miTasks}}');

    // when
    driver.completeTask('miTasks').completeTask('miTasks');

    // then
    expect(driver.shape).toBe('root{miTasks#multiInstanceBody{miTasks}}');

    // when
    driver.completeTask('miTasks');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('runs all sub-process instances of parallelSubprocessCompletionCondition before completing', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.parallelSubprocessCompletionCondition.bpmn20.xml'));
    expect(driver.instancesOf('miSubProcess')).toHaveLength(3);

    // when
    driver.completeTask('subProcessTask').completeTask('subProcessTask').completeTask('subProcessTask');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('cancels the remaining instances once the completion condition holds', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
      <userTask id="review"><multiInstanceLoopCharacteristics><loopCardinality>\${reviewers}</loopCardinality>
        <completionCondition>\${nrOfCompletedInstances &gt;= 1}</completionCondition></multiInstanceLoopCharacteristics></userTask>
      <sequenceFlow id="f2" sourceRef="review" targetRef="after"/><userTask id="after"/>`);
    const driver = InstanceDriver.start(model, testEnvironment(), { reviewers: int(3) });
    expect(driver.shape).toBe('root{review#multiInstanceBody{review, review, review}}');

    // when
    driver.completeTask('review');

    // then
    expect(driver.shape).toBe('root{after}');
    const ends = driver.events.flatMap((e) => (e.type === 'activityEnd' && e.activityId.startsWith('review') ? [`${e.activityId}:${e.canceled}`] : []));
    expect(ends).toEqual(['review:false', 'review:true', 'review:true', 'review#multiInstanceBody:false']);
    expect(driver.events.filter((e) => e.type === 'taskDelete')).toHaveLength(2);
  });
});

describe('cardinality and collections', () => {
  it('skips the activity when the cardinality is 0', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="mi"/>
      <userTask id="mi"><multiInstanceLoopCharacteristics><loopCardinality>\${n}</loopCardinality></multiInstanceLoopCharacteristics></userTask>
      <sequenceFlow id="f2" sourceRef="mi" targetRef="after"/><userTask id="after"/>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(), { n: int(0) });

    // then
    expect(driver.shape).toBe('root{after}');
  });

  it('fails with ENGINE-02011 on a negative cardinality', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="mi"/>
      <userTask id="mi"><multiInstanceLoopCharacteristics><loopCardinality>\${n}</loopCardinality></multiInstanceLoopCharacteristics></userTask>`);

    // when
    const act = () => InstanceDriver.start(model, testEnvironment(), { n: int(-1) });

    // then
    expect(act).toThrow('ENGINE-02011 Invalid number of instances: must be a non-negative integer value, but was -1');
  });

  it('creates one instance per collection element with the element variable local to it (loop model)', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.loop.bpmn');

    // when
    const driver = InstanceDriver.start(model, testEnvironment(), { ids: json(['a', 'b']) });

    // then
    expect(driver.shape).toBe('root{loop#multiInstanceBody{loop{task}, loop{task}}}');
    expect(driver.instancesOf('loop').map((n) => n.variables)).toEqual([
      { loopCounter: { type: 'Integer', value: 0 }, id: { type: 'String', value: 'a' } },
      { loopCounter: { type: 'Integer', value: 1 }, id: { type: 'String', value: 'b' } },
    ]);
    expect(driver.instancesOf('task').map((n) => n.externalTask?.topic)).toEqual(['not-existent', 'not-existent']);

    // when
    driver.completeExternalTask('task').completeExternalTask('task');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('fails with ENGINE-02010 when the collection is not a list', async () => {
    // given
    const model = await loadModel('ProcessInstanceModificationTest.loop.bpmn');

    // when
    const act = () => InstanceDriver.start(model, testEnvironment(), { ids: { type: 'String', value: 'a,b' } });

    // then
    expect(act).toThrow("ENGINE-02010 Variable '${ids}':a,b is not a Collection.");
  });

  it('gives delegates of each inner instance its loopCounter and the body counters', async () => {
    // given
    const seen: unknown[] = [];
    const registry = new DelegateRegistry().register('com.example.Record', {
      execute(execution: DelegateExecution) {
        seen.push([execution.getVariable('loopCounter'), execution.getVariable('nrOfInstances'), execution.getVariable('nrOfCompletedInstances'), execution.getVariable('item')]);
      },
    });
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="mi"/>
      <serviceTask id="mi" camunda:class="com.example.Record"><multiInstanceLoopCharacteristics isSequential="true" camunda:collection="items" camunda:elementVariable="item"/></serviceTask>
      <sequenceFlow id="f2" sourceRef="mi" targetRef="after"/><userTask id="after"/>`);

    // when
    const driver = InstanceDriver.start(model, testEnvironment(registry), { items: json(['x', 'y', 'z']) });

    // then
    expect(driver.shape).toBe('root{after}');
    expect(seen).toEqual([
      [0, 3, 0, 'x'],
      [1, 3, 1, 'y'],
      [2, 3, 2, 'z'],
    ]);
  });
});

describe('async continuations on multi-instance activities', () => {
  // Regression (found while writing this suite, fixed): camunda:asyncBefore on a multi-instance activity must make the multi-instance body async (one transition instance ~mi#multiInstanceBody); the engine creates one async-before job per inner instance instead
  it('parks the token before the multi-instance body when the activity is asyncBefore', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="mi"/>
      <userTask id="mi" camunda:asyncBefore="true"><multiInstanceLoopCharacteristics><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics></userTask>`);

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{~mi#multiInstanceBody}');
    expect(driver.jobs().map((j) => j.activityId)).toEqual(['mi#multiInstanceBody']);

    // when
    driver.executeJob();

    // then
    expect(driver.shape).toBe('root{mi#multiInstanceBody{mi, mi}}');
  });

  // Regression (found while writing this suite, fixed): camunda:asyncAfter on multiInstanceLoopCharacteristics (async of the inner activity) is ignored by the parser, so the inner instances never park after completing
  it('parks each inner instance after it completes when the loop characteristics are asyncAfter', async () => {
    // given
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="mi"/>
      <serviceTask id="mi" camunda:expression="\${1}"><multiInstanceLoopCharacteristics camunda:asyncAfter="true"><loopCardinality>2</loopCardinality></multiInstanceLoopCharacteristics></serviceTask>
      <sequenceFlow id="f2" sourceRef="mi" targetRef="after"/><userTask id="after"/>`);

    // when
    const driver = InstanceDriver.start(model);

    // then
    expect(driver.shape).toBe('root{mi#multiInstanceBody{~mi, ~mi}}');
    expect(driver.jobs().map((j) => [j.kind, j.activityId])).toEqual([
      ['async-after', 'mi'],
      ['async-after', 'mi'],
    ]);

    // when
    driver.executeJob();
    driver.executeJob();

    // then
    expect(driver.shape).toBe('root{after}');
  });
});
