import { parseBpmn } from '../../shared/bpmn/index.ts';
import type { ProcessModel } from '../../shared/bpmn/model.ts';

/** Wraps process content in a deployable BPMN document with the camunda namespace. */
export function bpmnXml(processId: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="bench">
  <process id="${processId}" isExecutable="true">${body}</process>
</definitions>`;
}

/** start → task1 … taskN (user tasks) → end. */
export function sequentialUserTasks(processId: string, count: number): string {
  const ids = Array.from({ length: count }, (_, i) => `task${i + 1}`);
  const nodes = ['start', ...ids, 'end'];
  const flows = nodes.slice(1).map((target, i) => `<sequenceFlow id="f${i}" sourceRef="${nodes[i]}" targetRef="${target}"/>`);
  const tasks = ids.map((id) => `<userTask id="${id}" name="${id}"/>`);
  return bpmnXml(processId, `<startEvent id="start"/>${tasks.join('')}<endEvent id="end"/>${flows.join('')}`);
}

/**
 * start → `work` (parallel multi-instance user task, loopCardinality `${n}`) → `review` (user task) → end.
 * Started with n = N it holds N user-task tokens inside one multi-instance body.
 */
export function parallelMultiInstance(processId: string): string {
  return bpmnXml(
    processId,
    `<startEvent id="start"/>
     <userTask id="work" name="Work item">
       <multiInstanceLoopCharacteristics isSequential="false"><loopCardinality>\${n}</loopCardinality></multiInstanceLoopCharacteristics>
     </userTask>
     <userTask id="review" name="Review"/>
     <endEvent id="end"/>
     <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
     <sequenceFlow id="f2" sourceRef="work" targetRef="review"/>
     <sequenceFlow id="f3" sourceRef="review" targetRef="end"/>`,
  );
}

export async function parseOne(xml: string): Promise<ProcessModel> {
  const [model] = await parseBpmn(xml, 'bench.bpmn');
  if (!model) throw new Error('no executable process in benchmark model');
  return model;
}
