import { expect } from 'vitest';
import { parseBpmn } from '../../../shared/bpmn/index.ts';
import type { ProcessModel } from '../../../shared/bpmn/index.ts';
import {
  type ActivityInstanceDto,
  DelegateRegistry,
  EngineError,
  type EngineEvent,
  type InstructionVariable,
  type ModificationInstruction,
  type ModificationRequest,
  modifyProcessInstance,
  type OperationResult,
  type TypedValue,
} from '../../../shared/engine/index.ts';
import { type InstanceDriver, loadModel, testEnvironment } from '../../support/engine-harness.ts';

/** Fixture file names of the Camunda models used by the modification tests (reference §8). */
export const M = {
  exclusiveGateway: 'ProcessInstanceModificationTest.exclusiveGateway.bpmn20.xml',
  parallelGateway: 'ProcessInstanceModificationTest.parallelGateway.bpmn20.xml',
  subprocess: 'ProcessInstanceModificationTest.subprocess.bpmn20.xml',
  doubleNestedSubprocess: 'ProcessInstanceModificationTest.doubleNestedSubprocess.bpmn20.xml',
  oneScopeTaskProcess: 'ProcessInstanceModificationTest.oneScopeTaskProcess.bpmn20.xml',
  interruptingBoundaryEvent: 'ProcessInstanceModificationTest.interruptingBoundaryEvent.bpmn20.xml',
  nonInterruptingBoundaryEvent: 'ProcessInstanceModificationTest.nonInterruptingBoundaryEvent.bpmn20.xml',
  interruptingBoundaryEventWithParallelGateway: 'ProcessInstanceModificationTest.interruptingBoundaryEventWithParallelGateway.bpmn20.xml',
  nonInterruptingBoundaryEventWithParallelGateway: 'ProcessInstanceModificationTest.nonInterruptingBoundaryEventWithParallelGateway.bpmn20.xml',
  interruptingEventSubProcess: 'ProcessInstanceModificationTest.interruptingEventSubProcess.bpmn20.xml',
  interruptingEventSubProcessInsideSubProcess: 'ProcessInstanceModificationTest.interruptingEventSubProcessInsideSubProcess.bpmn20.xml',
  nonInterruptingEventSubProcess: 'ProcessInstanceModificationTest.nonInterruptingEventSubProcess.bpmn20.xml',
  subprocessBoundaryEvents: 'ProcessInstanceModificationTest.subprocessBoundaryEvents.bpmn20.xml',
  subprocessListeners: 'ProcessInstanceModificationTest.subprocessListeners.bpmn20.xml',
  listenersOnSubProcessNested: 'ProcessInstanceModificationTest.listenersOnSubProcessNested.bpmn20.xml',
  ioMapping: 'ProcessInstanceModificationTest.ioMapping.bpmn20.xml',
  ioMappingOnSubProcessNested: 'ProcessInstanceModificationTest.ioMappingOnSubProcessNested.bpmn20.xml',
  parallelTasks: 'ProcessInstanceModificationMultiInstanceTest.parallelTasks.bpmn20.xml',
  sequentialTasks: 'ProcessInstanceModificationMultiInstanceTest.sequentialTasks.bpmn20.xml',
  parallelSubprocess: 'ProcessInstanceModificationMultiInstanceTest.parallelSubprocess.bpmn20.xml',
  sequentialSubprocess: 'ProcessInstanceModificationMultiInstanceTest.sequentialSubprocess.bpmn20.xml',
  exclusiveGatewayAsyncTask: 'ProcessInstanceModificationTest.exclusiveGatewayAsyncTask.bpmn20.xml',
  startAfterAsync: 'ProcessInstanceModificationAsyncTest.testStartAfterAsync.bpmn20.xml',
  nestedParallelAsyncBeforeOneTaskProcess: 'ProcessInstanceModificationTest.nestedParallelAsyncBeforeOneTaskProcess.bpmn20.xml',
  asyncAfterOneTaskProcess: 'ProcessInstanceModificationTest.asyncAfterOneTaskProcess.bpmn20.xml',
  terminateEnd: 'ProcessInstanceModificationTest.terminateEnd.bpmn20.xml',
  intermediateTimerCatch: 'ProcessInstanceModificationTest.intermediateTimerCatch.bpmn20.xml',
  oneTaskProcess: 'oneTaskProcess.bpmn20.xml',
  transactionWithCompensation: 'ProcessInstanceModificationTest.testTransactionWithCompensation.bpmn20.xml',
  compensationCreation: 'ProcessInstanceModificationTest.testCompensationCreation.bpmn20.xml',
  cancelEnd: 'ProcessInstanceModificationTest.cancelEnd.bpmn20.xml',
  compensationNoCreation: 'ProcessInstanceModificationTest.testNoCompensationCreatedOnCancellation.bpmn20.xml',
  compensationRemoval: 'ProcessInstanceModificationTest.testCompensationRemovalOnCancellation.bpmn20.xml',
  messageStart: 'ProcessInstanceModificationTest.messageStart.bpmn20.xml',
  timerStart: 'ProcessInstanceModificationTest.timerStart.bpmn20.xml',
  eventSubProcessWithEscalation: 'ProcessInstanceModificationEventSubProcessTest.testCancelAndRestart.bpmn20.xml',
  callActivityParent: 'ProcessInstanceModificationTest.testCancelCallActivityParentProcess.bpmn',
} as const;

export type ModelName = keyof typeof M;

const cache = new Map<string, Promise<ProcessModel>>();

/** Parses a fixture once per test file (models are immutable). */
export function model(name: ModelName): Promise<ProcessModel> {
  let found = cache.get(name);
  if (!found) {
    found = loadModel(M[name]);
    cache.set(name, found);
  }
  return found;
}

/** An instruction variable in the REST shape: `{ value: { type, value }, local }`. */
export function str(value: string, local = false): InstructionVariable {
  return { value: { type: 'String', value }, local };
}

export const typed = (value: string): TypedValue => ({ type: 'String', value });

/** Runs a modification on the driver's current state and records the outcome on the driver. */
export function modify(driver: InstanceDriver, request: ModificationRequest | readonly ModificationInstruction[]): OperationResult {
  const req: ModificationRequest = Array.isArray(request) ? { instructions: request } : (request as ModificationRequest);
  const result = modifyProcessInstance(driver.state, driver.model, req, driver.env);
  driver.apply(result);
  return result;
}

/**
 * Expects the modification to fail with exactly this engine exception, and the driver's state to be
 * left untouched (all or nothing).
 */
export function expectModificationError(driver: InstanceDriver, request: ModificationRequest | readonly ModificationInstruction[], type: EngineError['type'], message: string): void {
  const req: ModificationRequest = Array.isArray(request) ? { instructions: request } : (request as ModificationRequest);
  const before = structuredClone(driver.state);
  let thrown: unknown;
  try {
    modifyProcessInstance(driver.state, driver.model, req, driver.env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'modification should throw').toBeInstanceOf(EngineError);
  const error = thrown as EngineError;
  expect({ type: error.type, message: error.message }).toEqual({ type, message });
  expect(driver.state).toEqual(before);
}

/** Ids of the direct child activity instances of a DTO node with this activity id. */
export function childrenOf(node: ActivityInstanceDto, activityId: string): ActivityInstanceDto[] {
  return node.childActivityInstances.filter((c) => c.activityId === activityId);
}

/** Every activity instance DTO in the tree, depth first. */
export function allDtos(tree: ActivityInstanceDto | null): ActivityInstanceDto[] {
  if (!tree) return [];
  return [tree, ...tree.childActivityInstances.flatMap((c) => allDtos(c))];
}

/** The listener invocations recorded in events, as `activityId:event`. */
export function listenerLog(events: readonly EngineEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'listener' ? [`${e.activityId}:${e.event}`] : []));
}

/** A `${listener}` bean that does nothing (the engine records its invocations as events). */
export function listenerEnvironment() {
  return testEnvironment(new DelegateRegistry().register('listener', { notify() {} }));
}

/** Wraps process content in a BPMN definitions document with the camunda namespace. */
export async function inlineModel(processBody: string, processId = 'inlineProcess'): Promise<ProcessModel> {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  targetNamespace="Examples">
  <process id="${processId}" isExecutable="true">
    ${processBody}
  </process>
</definitions>`;
  const [parsed] = await parseBpmn(xml, 'inline.bpmn');
  if (!parsed) throw new Error('inline model has no executable process');
  return parsed;
}

/** Sorted activity ids of the open user tasks. */
export function taskIds(driver: InstanceDriver): string[] {
  return driver
    .tasks()
    .map((t) => t.activityId)
    .sort();
}

/** Jobs as `{activityId, owner, kind, dueDate}` rows, sorted by activity id. */
export function jobRows(driver: InstanceDriver) {
  return driver
    .jobs()
    .map((j) => ({ activityId: j.activityId, kind: j.kind, owner: j.ownerActivityId, ownerId: j.ownerId, dueDate: j.dueDate }))
    .sort((a, b) => a.activityId.localeCompare(b.activityId));
}

export const HOUR = 3_600_000;
