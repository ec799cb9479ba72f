/**
 * Reference §6 scenarios S1–S12 (process instance modification on the exclusive- and parallel-gateway
 * models): whole trees, tasks, DTO fields, exact §2.11 errors, and how the instance goes on afterwards.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { EngineError, instanceCannotBeModified, modifyProcessInstance } from '../../../shared/engine/index.ts';
import { InstanceDriver, testEnvironment } from '../../support/engine-harness.ts';
import { allDtos, expectModificationError, model, modify, taskIds } from './helpers.ts';

const PD = 'exclusiveGateway:1:def';

async function exclusive(): Promise<InstanceDriver> {
  const driver = InstanceDriver.start(await model('exclusiveGateway'), testEnvironment());
  expect(driver.shape).toBe('root{task1}');
  return driver;
}

async function parallel(): Promise<InstanceDriver> {
  const driver = InstanceDriver.start(await model('parallelGateway'), testEnvironment());
  expect(driver.shape).toBe('root{task1, task2}');
  return driver;
}

const only = (driver: InstanceDriver, activityId: string) => {
  const found = driver.instancesOf(activityId);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('S1 start before second branch', () => {
  it('adds task2 next to task1; the DTO tree is complete and consistent', async () => {
    const driver = await exclusive();
    const task1Id = only(driver, 'task1').id;

    modify(driver, [{ type: 'startBeforeActivity', activityId: 'task2' }]);

    expect(driver.shape).toBe('root{task1, task2}');
    expect(driver.state.status).toBe('ACTIVE');
    expect(taskIds(driver)).toEqual(['task1', 'task2']);
    expect(driver.tasks().find((t) => t.activityId === 'task2')?.assignee).toBe('kermit');
    expect(driver.jobs()).toEqual([]);

    const tree = driver.tree!;
    expect(tree.id).toBe(driver.state.id);
    expect(tree.parentActivityInstanceId).toBeNull();
    expect(tree.activityId).toBe(PD);
    expect(tree.activityType).toBe('processDefinition');
    expect(tree.processInstanceId).toBe(driver.state.id);
    expect(tree.childTransitionInstances).toEqual([]);
    const [first, second] = tree.childActivityInstances;
    expect(first).toMatchObject({ activityId: 'task1', activityType: 'userTask', parentActivityInstanceId: driver.state.id, id: task1Id });
    expect(second).toMatchObject({ activityId: 'task2', activityType: 'userTask', parentActivityInstanceId: driver.state.id, processDefinitionId: PD });
    expect(second!.id).toMatch(/^task2:/);
    expect(second!.id).not.toBe(task1Id);
    expect(second!.childActivityInstances).toEqual([]);
    const ids = allDtos(tree).map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('completing both tasks ends the process instance', async () => {
    const driver = await exclusive();
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'task2' }]);
    driver.completeTask('task1');
    expect(driver.shape).toBe('root{task2}');
    expect(driver.state.status).toBe('ACTIVE');
    driver.completeTask('task2');
    expect(driver.state.status).toBe('COMPLETED');
    expect(driver.tree).toBeNull();
    expect(driver.state.root.children).toBeUndefined();
    expect(driver.events.filter((e) => e.type === 'processEnd')).toEqual([expect.objectContaining({ type: 'processEnd', status: 'COMPLETED' })]);
  });

  it('with ancestorActivityInstanceId = process instance id gives the same result', async () => {
    const driver = await exclusive();
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'task2', ancestorActivityInstanceId: driver.state.id }]);
    expect(driver.shape).toBe('root{task1, task2}');
    expect(driver.tree!.childActivityInstances.every((c) => c.parentActivityInstanceId === driver.state.id)).toBe(true);
    driver.completeTask('task2');
    driver.completeTask('task1');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('does not mutate the input state and emits activityStart/taskCreate for the new instance', async () => {
    const driver = await exclusive();
    const before = structuredClone(driver.state);
    const result = modifyProcessInstance(driver.state, driver.model, { instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }] }, driver.env);
    expect(driver.state).toEqual(before);
    expect(result.state).not.toBe(driver.state);
    const task2 = result.state.root.children!.find((c) => c.activityId === 'task2')!;
    expect(result.events).toEqual([
      expect.objectContaining({ type: 'activityStart', activityId: 'task2', activityInstanceId: task2.id, parentActivityInstanceId: driver.state.id }),
      expect.objectContaining({ type: 'taskCreate', taskId: task2.task!.id, activityInstanceId: task2.id }),
    ]);
  });
});

describe('S2 start transition', () => {
  it('startTransition flow4 creates task2', async () => {
    const driver = await exclusive();
    modify(driver, [{ type: 'startTransition', transitionId: 'flow4' }]);
    expect(driver.shape).toBe('root{task1, task2}');
    expect(taskIds(driver)).toEqual(['task1', 'task2']);
    driver.completeTask('task2');
    expect(driver.shape).toBe('root{task1}');
    driver.completeTask('task1');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('startTransition flow2 creates a second task1', async () => {
    const driver = await exclusive();
    const original = only(driver, 'task1').id;
    modify(driver, [{ type: 'startTransition', transitionId: 'flow2' }]);
    expect(driver.shape).toBe('root{task1, task1}');
    const ids = driver.instancesOf('task1').map((n) => n.id);
    expect(ids).toContain(original);
    expect(new Set(ids).size).toBe(2);
    expect(taskIds(driver)).toEqual(['task1', 'task1']);
    driver.completeTask('task1');
    expect(driver.shape).toBe('root{task1}');
    driver.completeTask('task1');
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('S3 start after start event', () => {
  it('startAfterActivity theStart routes through the gateway to a second task1', async () => {
    const driver = await exclusive();
    modify(driver, [{ type: 'startAfterActivity', activityId: 'theStart' }]);
    expect(driver.shape).toBe('root{task1, task1}');
    expect(taskIds(driver)).toEqual(['task1', 'task1']);
    driver.completeTask('task1');
    driver.completeTask('task1');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('startBeforeActivity theStart (none start event) just runs on from it', async () => {
    const driver = await exclusive();
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'theStart' }]);
    expect(driver.shape).toBe('root{task1, task1}');
    expect(driver.state.status).toBe('ACTIVE');
  });

  // ProcessInstanceModificationEventTest#testStartBeforeMessageStartEvent / #testStartBeforeTimerStartEvent (engine part;
  // the subscription and the timer job that stay are checked in test/integration/start-events.test.ts)
  it.each(['messageStart', 'timerStart'] as const)('%s: startBefore the start event just runs on from it', async (name) => {
    const driver = InstanceDriver.start(await model(name), testEnvironment());
    expect(driver.shape).toBe('root{task}');
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'theStart' }]);
    expect(driver.shape).toBe('root{task, task}');
    expect(driver.jobs()).toEqual([]);
    driver.completeTask('task');
    driver.completeTask('task');
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('S4 start after with 2 outgoing', () => {
  it('startAfterActivity fork fails with ProcessEngineException', async () => {
    const driver = await exclusive();
    expectModificationError(
      driver,
      [{ type: 'startAfterActivity', activityId: 'fork' }],
      'ProcessEngineException',
      'Cannot start after activity fork; activity has more than one outgoing sequence flow',
    );
  });

  it('rolls back earlier instructions of the same request', async () => {
    const driver = await exclusive();
    expectModificationError(
      driver,
      [
        { type: 'cancel', activityInstanceId: only(driver, 'task1').id },
        { type: 'startBeforeActivity', activityId: 'task2' },
        { type: 'startAfterActivity', activityId: 'fork' },
      ],
      'ProcessEngineException',
      'Cannot start after activity fork; activity has more than one outgoing sequence flow',
    );
    expect(driver.shape).toBe('root{task1}');
  });
});

describe('S5 start after end event', () => {
  it('startAfterActivity theEnd fails with ProcessEngineException', async () => {
    const driver = await exclusive();
    expectModificationError(
      driver,
      [{ type: 'startAfterActivity', activityId: 'theEnd' }],
      'ProcessEngineException',
      'Cannot start after activity theEnd; activity has no outgoing sequence flow to take',
    );
  });
});

describe('S6 unknown ids', () => {
  it('startBeforeActivity of an unknown activity', async () => {
    const driver = await exclusive();
    expectModificationError(
      driver,
      [{ type: 'startBeforeActivity', activityId: 'someNonExistingActivity' }],
      'NotValidException',
      `Cannot perform instruction: Start before activity 'someNonExistingActivity'; Element 'someNonExistingActivity' does not exist in process '${PD}': element is null`,
    );
  });

  it('startAfterActivity of an unknown activity', async () => {
    const driver = await exclusive();
    expectModificationError(
      driver,
      [{ type: 'startAfterActivity', activityId: 'someNonExistingActivity' }],
      'NotValidException',
      "Cannot perform instruction: Start after activity 'someNonExistingActivity'; Activity 'someNonExistingActivity' does not exist: activity is null",
    );
  });

  it('startTransition of an unknown flow', async () => {
    const driver = await exclusive();
    expectModificationError(
      driver,
      [{ type: 'startTransition', transitionId: 'invalidFlowId' }],
      'NotValidException',
      `Cannot perform instruction: Start transition 'invalidFlowId'; Element 'invalidFlowId' does not exist in process '${PD}': element is null`,
    );
  });

  it('an unknown id after a valid instruction still fails the whole request', async () => {
    const driver = await exclusive();
    expectModificationError(
      driver,
      [
        { type: 'startBeforeActivity', activityId: 'task2' },
        { type: 'startBeforeActivity', activityId: 'someNonExistingActivity' },
      ],
      'NotValidException',
      `Cannot perform instruction: Start before activity 'someNonExistingActivity'; Element 'someNonExistingActivity' does not exist in process '${PD}': element is null`,
    );
    expect(driver.shape).toBe('root{task1}');
  });
});

describe('S7 unknown instance ids', () => {
  it('cancel of an unknown activity instance', async () => {
    const driver = await exclusive();
    expectModificationError(
      driver,
      [{ type: 'cancel', activityInstanceId: 'nonExistingActivityInstance' }],
      'NotValidException',
      "Cannot perform instruction: Cancel activity instance 'nonExistingActivityInstance'; Activity instance 'nonExistingActivityInstance' does not exist: activityInstance is null",
    );
  });

  it('cancel of an unknown transition instance', async () => {
    const driver = await exclusive();
    expectModificationError(
      driver,
      [{ type: 'cancel', transitionInstanceId: 'nonExistingTransitionInstance' }],
      'NotValidException',
      "Cannot perform instruction: Cancel transition instance 'nonExistingTransitionInstance'; Transition instance 'nonExistingTransitionInstance' does not exist: transitionInstance is null",
    );
  });

  it('an activity instance id is not a transition instance id', async () => {
    const driver = await exclusive();
    const task1 = only(driver, 'task1').id;
    expectModificationError(
      driver,
      [{ type: 'cancel', transitionInstanceId: task1 }],
      'NotValidException',
      `Cannot perform instruction: Cancel transition instance '${task1}'; Transition instance '${task1}' does not exist: transitionInstance is null`,
    );
  });

  it('cancelling the same activity instance twice fails on the second', async () => {
    const driver = await exclusive();
    const task1 = only(driver, 'task1').id;
    expectModificationError(
      driver,
      [
        { type: 'startBeforeActivity', activityId: 'task2' },
        { type: 'cancel', activityInstanceId: task1 },
        { type: 'cancel', activityInstanceId: task1 },
      ],
      'NotValidException',
      `Cannot perform instruction: Cancel activity instance '${task1}'; Activity instance '${task1}' does not exist: activityInstance is null`,
    );
  });

  it('cancel all of an unknown or inactive activity is a no-op', async () => {
    const driver = await exclusive();
    const before = structuredClone(driver.state);
    modify(driver, [
      { type: 'cancel', activityId: 'someNonExistingActivity' },
      { type: 'cancel', activityId: 'task2' },
    ]);
    expect(driver.shape).toBe('root{task1}');
    expect(driver.state).toEqual(before);
  });
});

describe('S8 unknown process instance', () => {
  it('an ended process instance cannot be modified (ENGINE-13036)', async () => {
    const driver = await exclusive();
    driver.completeTask('task1');
    expect(driver.state.status).toBe('COMPLETED');
    expectModificationError(
      driver,
      [{ type: 'startBeforeActivity', activityId: 'task1' }],
      'ProcessEngineException',
      `ENGINE-13036 Process instance '${driver.state.id}' cannot be modified. The process instance does not exist`,
    );
  });

  it('a cancelled process instance cannot be modified either', async () => {
    const driver = await parallel();
    modify(driver, { instructions: [{ type: 'cancel', activityInstanceId: driver.state.id }], externallyTerminated: true });
    expect(driver.state.status).toBe('EXTERNALLY_TERMINATED');
    expectModificationError(driver, [], 'ProcessEngineException', `ENGINE-13036 Process instance '${driver.state.id}' cannot be modified. The process instance does not exist`);
  });

  it('the message names the requested id', () => {
    const error = instanceCannotBeModified('foo') as EngineError;
    expect(error).toBeInstanceOf(EngineError);
    expect({ type: error.type, message: error.message }).toEqual({
      type: 'ProcessEngineException',
      message: "ENGINE-13036 Process instance 'foo' cannot be modified. The process instance does not exist",
    });
  });
});

describe('S9 cancel one parallel branch', () => {
  it('cancelling task1 leaves task2; completing task2 ends the instance', async () => {
    const driver = await parallel();
    const task1 = only(driver, 'task1');
    const result = modify(driver, [{ type: 'cancel', activityInstanceId: task1.id }]);
    expect(driver.shape).toBe('root{task2}');
    expect(taskIds(driver)).toEqual(['task2']);
    expect(result.events).toEqual([
      expect.objectContaining({ type: 'taskDelete', taskId: task1.task!.id }),
      expect.objectContaining({ type: 'activityEnd', activityId: 'task1', activityInstanceId: task1.id, canceled: true }),
    ]);
    expect(driver.state.status).toBe('ACTIVE');
    driver.completeTask('task2');
    expect(driver.state.status).toBe('COMPLETED');
    expect(driver.tree).toBeNull();
  });
});

describe('S10 cancel everything', () => {
  let driver: InstanceDriver;
  beforeEach(async () => {
    driver = await parallel();
  });

  const cancelBoth = () => [
    { type: 'cancel' as const, activityInstanceId: only(driver, 'task1').id },
    { type: 'cancel' as const, activityInstanceId: only(driver, 'task2').id },
  ];

  it('ends the instance EXTERNALLY_TERMINATED through the per-instance REST endpoint', async () => {
    const result = modify(driver, { instructions: cancelBoth(), externallyTerminated: true });
    expect(driver.state.status).toBe('EXTERNALLY_TERMINATED');
    expect(driver.tree).toBeNull();
    expect(driver.state.root.children).toBeUndefined();
    expect(driver.state.endTime).toBe(driver.env.clock);
    expect(result.events.filter((e) => e.type === 'processEnd')).toEqual([{ type: 'processEnd', processInstanceId: driver.state.id, time: driver.env.clock, status: 'EXTERNALLY_TERMINATED' }]);
    expect(result.events.filter((e) => e.type === 'activityEnd').map((e) => e.type === 'activityEnd' && [e.activityId, e.canceled])).toEqual([
      ['task1', true],
      ['task2', true],
    ]);
  });

  it('ends the instance INTERNALLY_TERMINATED without the flag (batch execution)', async () => {
    modify(driver, { instructions: cancelBoth() });
    expect(driver.state.status).toBe('INTERNALLY_TERMINATED');
    expect(driver.tree).toBeNull();
  });

  it('cancelling the root activity instance cancels everything', async () => {
    modify(driver, { instructions: [{ type: 'cancel', activityInstanceId: driver.state.id }], externallyTerminated: true });
    expect(driver.state.status).toBe('EXTERNALLY_TERMINATED');
    expect(driver.tree).toBeNull();
  });

  it('cancel by activity id, one per branch, ends it too', async () => {
    modify(driver, {
      instructions: [
        { type: 'cancel', activityId: 'task1' },
        { type: 'cancel', activityId: 'task2' },
      ],
    });
    expect(driver.state.status).toBe('INTERNALLY_TERMINATED');
  });
});

describe('S11 cancel then start', () => {
  it('the instance survives being empty in between', async () => {
    const driver = await exclusive();
    const result = modify(driver, {
      instructions: [
        { type: 'cancel', activityInstanceId: only(driver, 'task1').id },
        { type: 'startBeforeActivity', activityId: 'task2' },
      ],
      externallyTerminated: true,
    });
    expect(driver.shape).toBe('root{task2}');
    expect(driver.state.status).toBe('ACTIVE');
    expect(driver.tree!.id).toBe(driver.state.id);
    expect(result.events.some((e) => e.type === 'processEnd')).toBe(false);
    driver.completeTask('task2');
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('S12 intermediate end', () => {
  it('an end event reached mid-request does not end the instance (CAM-3718)', async () => {
    const driver = await exclusive();
    const result = modify(driver, [
      { type: 'cancel', activityInstanceId: only(driver, 'task1').id },
      { type: 'startAfterActivity', activityId: 'task1' },
      { type: 'startBeforeActivity', activityId: 'task1' },
    ]);
    expect(driver.shape).toBe('root{task1}');
    expect(taskIds(driver)).toEqual(['task1']);
    expect(driver.state.status).toBe('ACTIVE');
    expect(result.events.some((e) => e.type === 'processEnd')).toBe(false);
    // the token really went through join to theEnd
    expect(result.events.filter((e) => e.type === 'activityStart').map((e) => e.type === 'activityStart' && e.activityId)).toEqual(['join', 'theEnd', 'task1']);
    driver.completeTask('task1');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('when the end event empties the instance last, it ends COMPLETED (not terminated)', async () => {
    const driver = await exclusive();
    modify(driver, {
      instructions: [
        { type: 'cancel', activityInstanceId: only(driver, 'task1').id },
        { type: 'startAfterActivity', activityId: 'task1' },
      ],
      externallyTerminated: true,
    });
    expect(driver.state.status).toBe('COMPLETED');
    expect(driver.tree).toBeNull();
  });
});
