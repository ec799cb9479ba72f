import { parseBpmn } from '../../../shared/bpmn/index.ts';
import type { ProcessModel } from '../../../shared/bpmn/index.ts';
import { DelegateRegistry, type DelegateExecution, type EngineEvent, type TypedValue } from '../../../shared/engine/index.ts';

/** Wraps process content in a BPMN definitions document with the camunda namespace. */
export function bpmnXml(processBody: string, options: { processId?: string; definitions?: string } = {}): string {
  const processId = options.processId ?? 'inlineProcess';
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  targetNamespace="Examples">
  ${options.definitions ?? ''}
  <process id="${processId}" isExecutable="true">
    ${processBody}
  </process>
</definitions>`;
}

/** Parses an inline process (see {@link bpmnXml}) into its model. */
export async function inlineModel(processBody: string, options: { processId?: string; definitions?: string } = {}): Promise<ProcessModel> {
  const [model] = await parseBpmn(bpmnXml(processBody, options), 'inline.bpmn');
  if (!model) throw new Error('inline model has no executable process');
  return model;
}

/** Class name the Camunda failing-job fixtures reference. */
export const FAILING_DELEGATE = 'org.camunda.bpm.engine.test.api.runtime.FailingDelegate';

/** A registry with Camunda's test FailingDelegate, whose execute always throws. */
export function registryWithFailingDelegate(message = 'Expected exception.'): DelegateRegistry {
  return new DelegateRegistry().register(FAILING_DELEGATE, {
    execute() {
      throw new Error(message);
    },
  });
}

/** A `${listener}` bean that records every execution it is notified for. */
export function recordingListener(): { registry: DelegateRegistry; calls: { activityId: string; event: string | undefined }[] } {
  const calls: { activityId: string; event: string | undefined }[] = [];
  const registry = new DelegateRegistry().register('listener', {
    notify(execution: DelegateExecution) {
      calls.push({ activityId: execution.currentActivityId, event: execution.eventName });
    },
  });
  return { registry, calls };
}

/** The listener invocations recorded in the driver's events, as `activityId:event`. */
export function listenerLog(events: readonly EngineEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'listener' ? [`${e.activityId}:${e.event}`] : []));
}

export const str = (value: string): TypedValue => ({ type: 'String', value });
export const int = (value: number): TypedValue => ({ type: 'Integer', value });
export const bool = (value: boolean): TypedValue => ({ type: 'Boolean', value });
export const json = (value: unknown): TypedValue => ({ type: 'Json', value });

/** A fixed uuid the test environment hands out as its n-th id. */
export function nthId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
