import { describe, expect, it } from 'vitest';
import { type ActivityInstanceDto, buildActivityInstanceTree } from '../../../shared/engine/index.ts';
import { describeTree, InstanceDriver, loadModel, testEnvironment } from '../../support/engine-harness.ts';
import { inlineModel, nthId, registryWithFailingDelegate, UUID } from './inline-models.ts';

/** Every node of a DTO tree with its parent, depth first. */
function flatten(dto: ActivityInstanceDto): ActivityInstanceDto[] {
  return [dto, ...dto.childActivityInstances.flatMap(flatten)];
}

describe('the activity instance tree DTO', () => {
  it('describes oneTaskProcess field for field: root = process instance, child = <activityId>:<uuid>', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');

    // when
    const driver = InstanceDriver.start(model);

    // then
    const pi = nthId(1);
    expect(driver.tree).toEqual({
      id: pi,
      parentActivityInstanceId: null,
      activityId: 'oneTaskProcess:1:def',
      activityType: 'processDefinition',
      processInstanceId: pi,
      processDefinitionId: 'oneTaskProcess:1:def',
      childActivityInstances: [
        {
          id: `theTask:${nthId(3)}`,
          parentActivityInstanceId: pi,
          activityId: 'theTask',
          activityType: 'userTask',
          processInstanceId: pi,
          processDefinitionId: 'oneTaskProcess:1:def',
          childActivityInstances: [],
          childTransitionInstances: [],
          executionIds: [`${pi}.${nthId(3)}`],
          activityName: 'my task',
          incidentIds: [],
          incidents: [],
          name: 'my task',
        },
      ],
      childTransitionInstances: [],
      executionIds: [pi],
      activityName: null,
      incidentIds: [],
      incidents: [],
      name: null,
    });
  });

  it('chains parentActivityInstanceId through nested sub-processes (doubleNestedSubprocess)', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.doubleNestedSubprocess.bpmn20.xml'));

    // when
    driver.completeTask('subProcessTask');

    // then
    const root = driver.tree!;
    const sub = root.childActivityInstances[0]!;
    const inner = sub.childActivityInstances[0]!;
    const task = inner.childActivityInstances[0]!;
    expect([sub, inner, task].map((n) => [n.activityId, n.activityType, n.parentActivityInstanceId])).toEqual([
      ['subProcess', 'subProcess', root.id],
      ['innerSubProcess', 'subProcess', sub.id],
      ['innerSubProcessTask', 'userTask', inner.id],
    ]);
    for (const node of [sub, inner, task]) {
      expect(node.id.startsWith(`${node.activityId}:`)).toBe(true);
      expect(node.id.slice(node.activityId.length + 1)).toMatch(UUID);
      expect(node.executionIds).toEqual([`${root.id}.${node.id.slice(node.activityId.length + 1)}`]);
      expect(node.processInstanceId).toBe(root.id);
    }
  });

  it('names multi-instance bodies <activityId>#multiInstanceBody:<uuid> with activityType multiInstanceBody', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationMultiInstanceTest.sequentialTasks.bpmn20.xml'));

    // when
    driver.completeTask('beforeTask');

    // then
    const body = driver.tree!.childActivityInstances[0]!;
    expect(body.activityId).toBe('miTasks#multiInstanceBody');
    expect(body.activityType).toBe('multiInstanceBody');
    expect(body.id).toMatch(/^miTasks#multiInstanceBody:[0-9a-f-]{36}$/);
    expect(body.childActivityInstances.map((c) => [c.activityId, c.activityType, c.parentActivityInstanceId])).toEqual([['miTasks', 'userTask', body.id]]);
  });

  it('shows the intermediate timer as activityType intermediateTimer', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.intermediateTimerCatch.bpmn20.xml'));

    // when
    driver.completeTask('task');

    // then
    expect(driver.tree!.childActivityInstances.map((c) => [c.activityId, c.activityType])).toEqual([['intermediateCatchEvent', 'intermediateTimer']]);
  });

  it('shows transition instances with a plain uuid id, executionId = <instance>.<id> and targetActivityId = activityId', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nestedParallelAsyncBeforeOneTaskProcess.bpmn20.xml'));

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{~innerTask}}');
    const sub = driver.tree!.childActivityInstances.find((c) => c.activityId === 'subProcess')!;
    const transition = sub.childTransitionInstances[0]!;
    expect(transition.id).toMatch(UUID);
    expect(transition).toEqual({
      id: transition.id,
      parentActivityInstanceId: sub.id,
      processInstanceId: driver.state.id,
      processDefinitionId: 'nestedOneTaskProcess:1:def',
      activityId: 'innerTask',
      activityName: null,
      activityType: 'userTask',
      executionId: `${driver.state.id}.${transition.id}`,
      incidentIds: [],
      incidents: [],
      targetActivityId: 'innerTask',
    });
    expect(sub.childActivityInstances).toEqual([]);
  });

  it('never shows boundary events, start events or passed gateways as activity instances', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nestedParallelGatewayScopeTasks.bpmn20.xml'));

    // then
    const ids = flatten(driver.tree!).map((n) => n.activityId);
    expect(ids).toEqual(['nestedParallelGatewayScopeTasks:1:def', 'outerTask', 'subProcess', 'innerTask1', 'innerTask2']);
    expect(driver.shape).toBe('root{outerTask, subProcess{innerTask1, innerTask2}}');
  });

  it('shows an event sub-process instance as a subProcess child of the scope it interrupted', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nonInterruptingEventSubProcessInsideSubProcess.bpmn20.xml'));
    driver.completeTask('task1');

    // when
    driver.correlate('newMessage');

    // then
    const sub = driver.tree!.childActivityInstances[0]!;
    const esp = sub.childActivityInstances.find((c) => c.activityId === 'eventSubProcess')!;
    expect(esp).toMatchObject({ activityType: 'subProcess', parentActivityInstanceId: sub.id });
    expect(esp.childActivityInstances.map((c) => [c.activityId, c.activityName, c.parentActivityInstanceId])).toEqual([['eventSubProcessTask', 'Task', esp.id]]);
  });

  it('uses the bare uuid as id when <activityId>:<uuid> would exceed 64 characters', async () => {
    // given
    const longId = 'aVeryVeryLongActivityIdentifierForCamunda';
    const model = await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="${longId}"/><userTask id="${longId}"/>`);

    // when
    const driver = InstanceDriver.start(model);

    // then
    const child = driver.tree!.childActivityInstances[0]!;
    expect(child.activityId).toBe(longId);
    expect(child.id).toBe(nthId(3));
    expect(child.executionIds).toEqual([`${driver.state.id}.${nthId(3)}`]);
  });

  it('carries the process name as the root activityName and name', async () => {
    // when
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.subprocessWithAsyncBeforeTask.bpmn20.xml'));

    // then
    expect(driver.tree).toMatchObject({ activityName: 'Failing SubProcess', name: 'Failing SubProcess', activityType: 'processDefinition' });
    expect(driver.shape).toBe('root{outerTask}');
    driver.completeTask('outerTask');
    expect(driver.shape).toBe('root{subProcess{innerTask}}');
  });

  it('lists incidents on the node that owns the failed job', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.asyncBeforeFailingTaskProcess.bpmn20.xml'), testEnvironment(registryWithFailingDelegate()));
    driver.executeJob();

    // when
    for (let i = 0; i < 3; i++) driver.executeJob();

    // then
    const tree = driver.tree!;
    expect(tree.incidentIds).toEqual([]);
    expect(tree.childTransitionInstances).toHaveLength(1);
    const incident = driver.state.root.children![0]!.incidents![0]!;
    expect(tree.childTransitionInstances[0]!.incidentIds).toEqual([incident.id]);
    expect(tree.childTransitionInstances[0]!.incidents).toEqual([{ id: incident.id, activityId: 'task2' }]);
  });

  it('is null for an ended instance', async () => {
    // given
    const model = await loadModel('oneTaskProcess.bpmn20.xml');
    const driver = InstanceDriver.start(model);

    // when
    driver.completeTask('theTask');

    // then
    expect(buildActivityInstanceTree(driver.state, model)).toBeNull();
    expect(describeTree(null)).toBeNull();
  });

  it('sorts the compact notation alphabetically and marks transition instances with ~', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nestedParallelAsyncBeforeConcurrentScopeTaskProcess.bpmn20.xml'));

    // then
    expect(driver.shape).toBe('root{outerTask, subProcess{~innerTask1, ~innerTask2}}');
    expect(driver.tree!.childActivityInstances.map((c) => c.activityId)).toEqual(['outerTask', 'subProcess']);
  });
});
