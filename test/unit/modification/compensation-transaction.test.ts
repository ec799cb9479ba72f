/**
 * Compensation and transactions with modification: Camunda's ProcessInstanceModificationTest cases on
 * the compensation and transaction models (testCompensationCreation, testNoCompensationCreatedOnCancellation,
 * testCompensationRemovalOnCancellation, the testTransactionWithCompensation group), plus the
 * compensation semantics they rest on.
 */
import { describe, expect, it } from 'vitest';
import type { InstanceDriver as Driver } from '../../support/engine-harness.ts';
import { InstanceDriver, loadModel, testEnvironment } from '../../support/engine-harness.ts';
import { expectModificationError, inlineModel, model, modify } from './helpers.ts';

const compensations = (driver: Driver) => driver.nodes().flatMap((n) => (n.subscriptions ?? []).filter((s) => s.eventType === 'compensate'));
const taskKeys = (driver: Driver) =>
  driver
    .tasks()
    .map((t) => t.activityId)
    .sort();
const idOf = (driver: Driver, activityId: string) => driver.instancesOf(activityId)[0]!.id;

function completeInOrder(driver: Driver, ...activityIds: string[]): void {
  for (const id of activityIds) driver.completeTask(id);
}

describe('compensation (ProcessInstanceModificationTest)', () => {
  it('testCompensationCreation: a sub-process started by modification leaves compensation behind; the throw runs both handlers', async () => {
    // given
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.testCompensationCreation.bpmn20.xml'), testEnvironment());
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'innerTask' }]);

    // when
    driver.completeTask('innerTask');

    // then: the sub-process's own handler, and the event scope holding innerTask's
    expect(compensations(driver).map((s) => [s.activityId, s.eventScope?.subscriptions.map((i) => i.activityId) ?? null])).toEqual([
      ['subProcess', ['innerTask']],
      ['subProcess', null],
    ]);

    // when
    driver.completeTask('outerTask');

    // then
    expect(taskKeys(driver)).toEqual(['innerAfterBoundaryTask', 'outerAfterBoundaryTask', 'taskAfterSubprocess']);
    expect(driver.shape).toBe('root{outerAfterBoundaryTask, subProcess{innerAfterBoundaryTask}, taskAfterSubprocess, throwCompensate}');
    expect(driver.tree!.childActivityInstances.find((c) => c.activityId === 'throwCompensate')!.activityType).toBe('intermediateCompensationThrowEvent');

    // when
    completeInOrder(driver, 'taskAfterSubprocess', 'innerAfterBoundaryTask', 'outerAfterBoundaryTask');

    // then
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('testNoCompensationCreatedOnCancellation: a cancelled activity leaves no compensation; the throw passes', async () => {
    // given
    const driver = InstanceDriver.start(await model('compensationNoCreation'), testEnvironment());
    expect(taskKeys(driver)).toEqual(['innerTask', 'outerTask']);

    // when
    modify(driver, [{ type: 'cancel', activityInstanceId: idOf(driver, 'innerTask') }]);

    // then
    expect(compensations(driver)).toEqual([]);
    expect(taskKeys(driver)).toEqual(['outerTask']);
    driver.completeTask('outerTask');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('testCompensationRemovalOnCancellation: cancelling the scope removes the compensation of what completed in it', async () => {
    // given
    const driver = InstanceDriver.start(await model('compensationRemoval'), testEnvironment());
    driver.completeTask('innerTask');
    expect(compensations(driver)).toHaveLength(1);

    // when
    modify(driver, [{ type: 'cancel', activityInstanceId: idOf(driver, 'innerTask2') }]);

    // then
    expect(compensations(driver)).toEqual([]);
  });

  it('compensates newest first with activityRef narrowing to one activity; a throw without subscriptions passes', async () => {
    // given: a, b with handlers; throwA compensates a only, throwAll the rest
    const driver = InstanceDriver.start(
      await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
        <userTask id="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="b"/><userTask id="b"/>
        <sequenceFlow id="f3" sourceRef="b" targetRef="throwA"/>
        <intermediateThrowEvent id="throwA"><compensateEventDefinition activityRef="a"/></intermediateThrowEvent>
        <sequenceFlow id="f4" sourceRef="throwA" targetRef="throwAll"/>
        <intermediateThrowEvent id="throwAll"><compensateEventDefinition/></intermediateThrowEvent>
        <sequenceFlow id="f5" sourceRef="throwAll" targetRef="end"/><endEvent id="end"><compensateEventDefinition/></endEvent>
        <boundaryEvent id="ca" attachedToRef="a"><compensateEventDefinition/></boundaryEvent><userTask id="undoA" isForCompensation="true"/>
        <boundaryEvent id="cb" attachedToRef="b"><compensateEventDefinition/></boundaryEvent><userTask id="undoB" isForCompensation="true"/>
        <association sourceRef="ca" targetRef="undoA"/><association sourceRef="cb" targetRef="undoB"/>`),
      testEnvironment(),
    );
    completeInOrder(driver, 'a', 'b');

    // then: throwA waits for undoA only
    expect(driver.shape).toBe('root{throwA, undoA}');

    // when
    driver.completeTask('undoA');

    // then: throwAll compensates b (a was compensated already), the compensation end event has nothing left
    expect(driver.shape).toBe('root{throwAll, undoB}');
    driver.completeTask('undoB');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('a compensation event sub-process compensates its sub-process and may compensate its insides', async () => {
    // given
    const driver = InstanceDriver.start(
      await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="sub"/>
        <subProcess id="sub">
          <startEvent id="ss"/><sequenceFlow id="s1" sourceRef="ss" targetRef="book"/><userTask id="book"/>
          <boundaryEvent id="cbook" attachedToRef="book"><compensateEventDefinition/></boundaryEvent><userTask id="unbook" isForCompensation="true"/>
          <association sourceRef="cbook" targetRef="unbook"/>
          <subProcess id="onCompensation" triggeredByEvent="true">
            <startEvent id="cs"><compensateEventDefinition/></startEvent><sequenceFlow id="c1" sourceRef="cs" targetRef="notify"/><userTask id="notify"/>
            <sequenceFlow id="c2" sourceRef="notify" targetRef="inner"/><intermediateThrowEvent id="inner"><compensateEventDefinition/></intermediateThrowEvent>
          </subProcess>
        </subProcess>
        <sequenceFlow id="f2" sourceRef="sub" targetRef="undoAll"/><intermediateThrowEvent id="undoAll"><compensateEventDefinition/></intermediateThrowEvent>
        <sequenceFlow id="f3" sourceRef="undoAll" targetRef="done"/><userTask id="done"/>`),
      testEnvironment(),
    );

    // when
    driver.completeTask('book');

    // then: the event sub-process runs in the brought-back sub-process
    expect(driver.shape).toBe('root{sub{onCompensation{notify}}, undoAll}');
    expect(driver.model.nodes.get('cs')!.activityType).toBe('compensationStartEvent');

    // when
    driver.completeTask('notify');

    // then
    expect(driver.shape).toBe('root{sub{onCompensation{inner}, unbook}, undoAll}');

    // when
    driver.completeTask('unbook');

    // then
    expect(driver.shape).toBe('root{done}');
  });

  it('a multi-instance activity is compensated once per completed instance, each handler seeing its loop variables', async () => {
    // given: three parallel bookings, compensated after all completed
    const driver = InstanceDriver.start(
      await inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="book"/>
        <userTask id="book"><multiInstanceLoopCharacteristics camunda:collection="\${hotels}" camunda:elementVariable="hotel"/></userTask>
        <sequenceFlow id="f2" sourceRef="book" targetRef="undoAll"/><intermediateThrowEvent id="undoAll"><compensateEventDefinition activityRef="book"/></intermediateThrowEvent>
        <sequenceFlow id="f3" sourceRef="undoAll" targetRef="done"/><userTask id="done"/>
        <boundaryEvent id="cb" attachedToRef="book"><compensateEventDefinition/></boundaryEvent><userTask id="cancelBooking" isForCompensation="true"/>
        <association sourceRef="cb" targetRef="cancelBooking"/>`),
      testEnvironment(),
      { hotels: { type: 'Json', value: ['a', 'b', 'c'] } },
    );

    // when
    completeInOrder(driver, 'book', 'book', 'book');

    // then
    const handlers = driver.instancesOf('cancelBooking');
    expect(handlers.map((h) => h.variables?.hotel?.value).sort()).toEqual(['a', 'b', 'c']);
    expect(driver.shape).toBe('root{book#multiInstanceBody{cancelBooking, cancelBooking, cancelBooking}, undoAll}');

    // when
    completeInOrder(driver, 'cancelBooking', 'cancelBooking', 'cancelBooking');

    // then
    expect(driver.shape).toBe('root{done}');
  });

  it('refuses what Camunda refuses: a handler with flows, an activityRef outside the scope, waitForCompletion false', async () => {
    await expect(
      inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/><userTask id="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="undo"/>
        <boundaryEvent id="c" attachedToRef="a"><compensateEventDefinition/></boundaryEvent><userTask id="undo" isForCompensation="true"/><association sourceRef="c" targetRef="undo"/>`),
    ).rejects.toThrow("Invalid sequence flow of compensation activity 'undo'");
    await expect(
      inlineModel(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
        <intermediateThrowEvent id="t"><compensateEventDefinition activityRef="s" waitForCompletion="false"/></intermediateThrowEvent>`),
    ).rejects.toThrow("'waitForCompletion': 'false' is not supported");
  });
});

describe('cancel end events (ProcessInstanceModificationEventTest, cancelEnd model)', () => {
  it('testStartBeforeCancelEndEventConcurrent: the transaction is cancelled and left through its cancel boundary event', async () => {
    // given
    const driver = InstanceDriver.start(await model('cancelEnd'), testEnvironment());
    const txTask = driver.tasks()[0]!.id;

    // when
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'cancelEnd' }]);

    // then
    expect(driver.shape).toBe('root{afterCancellation}');
    expect(driver.tasks()[0]!.id).not.toBe(txTask);
  });

  it('testStartBeforeCancelEndEvent: a new transaction is cancelled at once; the completed one keeps its compensation untriggered', async () => {
    // given
    const driver = InstanceDriver.start(await model('cancelEnd'), testEnvironment());
    driver.completeTask('txTask', { success: { type: 'Boolean', value: true } });
    expect(taskKeys(driver)).toEqual(['afterSuccess']);

    // when
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'cancelEnd' }]);

    // then
    expect(driver.shape).toBe('root{afterCancellation, afterSuccess}');
    expect(compensations(driver).map((s) => s.activityId)).toEqual(['tx']);
    completeInOrder(driver, 'afterCancellation', 'afterSuccess');
    expect(driver.state.status).toBe('COMPLETED');
  });
});

describe('transactions with compensation (ProcessInstanceModificationTest, testTransactionWithCompensation model)', () => {
  async function compensating(): Promise<Driver> {
    const driver = InstanceDriver.start(await model('transactionWithCompensation'), testEnvironment());
    driver.completeTask('userTask');
    expect(driver.shape).toBe('root{tx{txEnd, undoTask}}');
    return driver;
  }

  it('the cancel end event compensates, then cancels the transaction and leaves through its cancel boundary event', async () => {
    // given
    const driver = await compensating();
    expect(driver.tree!.childActivityInstances[0]!.activityType).toBe('transaction');

    // when
    driver.completeTask('undoTask');

    // then
    expect(driver.shape).toBe('root{afterCancel}');
    driver.completeTask('afterCancel');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('testStartActivityInTransactionWithCompensation: a second cancel end event interrupts the first compensation and starts its own', async () => {
    // given
    const driver = await compensating();
    const firstUndo = driver.tasks().find((t) => t.activityId === 'undoTask')!.id;

    // when
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'userTask' }]);
    expect(driver.shape).toBe('root{tx{txEnd, undoTask, userTask}}');
    driver.completeTask('userTask');

    // then
    expect(driver.shape).toBe('root{tx{txEnd, undoTask}}');
    expect(driver.tasks().find((t) => t.activityId === 'undoTask')!.id).not.toBe(firstUndo);
    completeInOrder(driver, 'undoTask', 'afterCancel');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('testStartActivityWithAncestorInTransactionWithCompensation: a second transaction compensates on its own', async () => {
    // given
    const driver = await compensating();

    // when
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'userTask', ancestorActivityInstanceId: driver.state.id }]);
    driver.completeTask('userTask');

    // then
    expect(driver.shape).toBe('root{tx{txEnd, undoTask}, tx{txEnd, undoTask}}');
    completeInOrder(driver, 'undoTask', 'undoTask', 'afterCancel', 'afterCancel');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('testStartAfterActivityDuringCompensation and testStartCancelEndEvent: a new cancel end event with nothing to compensate cancels at once', async () => {
    for (const instruction of [
      { type: 'startAfterActivity', activityId: 'userTask' },
      { type: 'startBeforeActivity', activityId: 'txEnd' },
    ] as const) {
      // given
      const driver = await compensating();

      // when
      modify(driver, [instruction]);

      // then
      expect(taskKeys(driver)).toEqual(['afterCancel']);
      driver.completeTask('afterCancel');
      expect(driver.state.status).toBe('COMPLETED');
    }
  });

  it('testCancelCompensatingTask: cancelling the handler cancels its compensation, and the instance ends', async () => {
    // given
    const driver = await compensating();

    // when
    modify(driver, [{ type: 'cancel', activityInstanceId: idOf(driver, 'undoTask') }]);

    // then
    expect(driver.state.status).not.toBe('ACTIVE');
  });

  it('testCancelCompensatingTaskAndStartActivity (with and without ancestor) and testStartActivityAndCancelCompensatingTask', async () => {
    for (const instructions of [
      (d: Driver) => [
        { type: 'cancel', activityInstanceId: idOf(d, 'undoTask') },
        { type: 'startBeforeActivity', activityId: 'userTask' },
      ],
      (d: Driver) => [
        { type: 'cancel', activityInstanceId: idOf(d, 'undoTask') },
        { type: 'startBeforeActivity', activityId: 'userTask', ancestorActivityInstanceId: d.state.id },
      ],
      (d: Driver) => [
        { type: 'startBeforeActivity', activityId: 'userTask' },
        { type: 'cancel', activityInstanceId: idOf(d, 'undoTask') },
      ],
    ]) {
      // given
      const driver = await compensating();

      // when
      modify(driver, instructions(driver) as never);

      // then
      expect(driver.shape).toBe('root{tx{userTask}}');
      completeInOrder(driver, 'userTask', 'undoTask', 'afterCancel');
      expect(driver.state.status).toBe('COMPLETED');
    }
  });

  it('testStartCompensatingTask: a handler started by modification is a plain task', async () => {
    // given
    const driver = InstanceDriver.start(await model('transactionWithCompensation'), testEnvironment());

    // when
    modify(driver, [{ type: 'startBeforeActivity', activityId: 'undoTask' }]);
    driver.completeTask('undoTask');

    // then
    expect(taskKeys(driver)).toEqual(['userTask']);
    completeInOrder(driver, 'userTask', 'undoTask', 'afterCancel');
    expect(driver.state.status).toBe('COMPLETED');
  });

  it('testStartAdditionalCompensatingTask…: the first handler ends the compensation; one started by modification does not', async () => {
    // given: complete the original handler first
    const first = await compensating();
    modify(first, [{ type: 'startBeforeActivity', activityId: 'undoTask' }]);
    expect(first.shape).toBe('root{tx{txEnd, undoTask, undoTask}}');
    const original = first.instancesOf('undoTask').find((n) => n.compensationThrower)!;

    // when
    first.apply((await import('../../../shared/engine/index.ts')).completeTask(first.state, first.model, original.task!.id, undefined, first.env));

    // then
    expect(taskKeys(first)).toEqual(['afterCancel']);

    // given: complete the added one first
    const second = await compensating();
    modify(second, [{ type: 'startBeforeActivity', activityId: 'undoTask' }]);
    const added = second.instancesOf('undoTask').find((n) => !n.compensationThrower)!;

    // when
    second.apply((await import('../../../shared/engine/index.ts')).completeTask(second.state, second.model, added.task!.id, undefined, second.env));

    // then
    expect(second.shape).toBe('root{tx{txEnd, undoTask}}');
    completeInOrder(second, 'undoTask', 'afterCancel');
    expect(second.state.status).toBe('COMPLETED');
  });

  it('testStartCompensationBoundary: a compensation boundary event cannot be started before or after', async () => {
    // given
    const driver = InstanceDriver.start(await model('transactionWithCompensation'), testEnvironment());

    // when / then
    expect(() => modify(driver, [{ type: 'startBeforeActivity', activityId: 'compensateBoundaryEvent' }])).toThrow('compensation boundary event');
    expectModificationError(driver, [{ type: 'startAfterActivity', activityId: 'compensateBoundaryEvent' }], 'ProcessEngineException', expect.stringContaining('no outgoing sequence flow') as never);
  });

  it('testStartCancelBoundaryEvent and testStartTaskAfterCancelBoundaryEvent', async () => {
    // given
    const boundary = await compensating();
    const after = await compensating();

    // when
    modify(boundary, [{ type: 'startBeforeActivity', activityId: 'catchCancelTx' }]);
    modify(after, [{ type: 'startBeforeActivity', activityId: 'afterCancel' }]);

    // then
    expect(taskKeys(boundary)).toEqual(['afterCancel']);
    expect(after.shape).toBe('root{afterCancel, tx{txEnd, undoTask}}');
  });
});
