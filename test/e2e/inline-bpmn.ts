/** Wraps process content in a BPMN definitions document with the camunda namespace (deployable as is). */
export function bpmnXml(processId: string, processBody: string, definitions = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  targetNamespace="Examples">
  ${definitions}
  <process id="${processId}" isExecutable="true">
    ${processBody}
  </process>
</definitions>`;
}

/** start → userTask per id, in a row → end. */
export function userTaskChain(processId: string, taskIds: string[]): string {
  const nodes = ['start', ...taskIds, 'end'];
  const flows = nodes.slice(1).map((target, i) => `<sequenceFlow id="f${i}" sourceRef="${nodes[i]}" targetRef="${target}"/>`);
  const tasks = taskIds.map((id) => `<userTask id="${id}" name="${id} name"/>`);
  return bpmnXml(processId, `<startEvent id="start"/>${tasks.join('')}<endEvent id="end"/>${flows.join('')}`);
}

/** Reference scenario model P1: start → user1 -seq→ user2 → end. */
export const P1 = bpmnXml(
  'p1',
  `<startEvent id="start"/>
   <sequenceFlow id="toUser1" sourceRef="start" targetRef="user1"/>
   <userTask id="user1"/>
   <sequenceFlow id="seq" sourceRef="user1" targetRef="user2"/>
   <userTask id="user2"/>
   <sequenceFlow id="toEnd" sourceRef="user2" targetRef="end"/>
   <endEvent id="end"/>`,
);

/** Camunda's activity-instance tree as sorted activity ids: `root{a, sub{b}, ~c}` (~ = transition instance). */
export interface TreeNode {
  id: string;
  activityId: string;
  childActivityInstances: TreeNode[];
  childTransitionInstances: { id: string; activityId: string }[];
}

export function treeShape(node: TreeNode, isRoot = true): string {
  const parts = [...node.childActivityInstances.map((c) => treeShape(c, false)), ...node.childTransitionInstances.map((t) => `~${t.activityId}`)].sort();
  const label = isRoot ? 'root' : node.activityId;
  return parts.length > 0 ? `${label}{${parts.join(', ')}}` : label;
}

/** All activity instances of the tree (depth first), for looking up instance ids by activity. */
export function treeNodes(node: TreeNode): TreeNode[] {
  return [node, ...node.childActivityInstances.flatMap((c) => treeNodes(c))];
}

/**
 * start → fork → (user task `approve` | external task `extWork` of `topic` | one-hour timer
 * `waitTimer` | message catch `waitMsg`), each to its own end: one instance with every kind of
 * query item (task, external task, job, subscription).
 */
export function fourWaitStatesModel(key: string, options: { topic: string; messageName: string; taskName: string }): string {
  return bpmnXml(
    key,
    `<startEvent id="start"/>
   <parallelGateway id="fork"/>
   <userTask id="approve" name="${options.taskName}"/>
   <serviceTask id="extWork" camunda:type="external" camunda:topic="${options.topic}"/>
   <intermediateCatchEvent id="waitTimer"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
   <intermediateCatchEvent id="waitMsg"><messageEventDefinition messageRef="waitMsgMessage"/></intermediateCatchEvent>
   <endEvent id="end1"/><endEvent id="end2"/><endEvent id="end3"/><endEvent id="end4"/>
   <sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
   <sequenceFlow id="f1" sourceRef="fork" targetRef="approve"/>
   <sequenceFlow id="f2" sourceRef="fork" targetRef="extWork"/>
   <sequenceFlow id="f3" sourceRef="fork" targetRef="waitTimer"/>
   <sequenceFlow id="f4" sourceRef="fork" targetRef="waitMsg"/>
   <sequenceFlow id="f5" sourceRef="approve" targetRef="end1"/>
   <sequenceFlow id="f6" sourceRef="extWork" targetRef="end2"/>
   <sequenceFlow id="f7" sourceRef="waitTimer" targetRef="end3"/>
   <sequenceFlow id="f8" sourceRef="waitMsg" targetRef="end4"/>`,
    `<message id="waitMsgMessage" name="${options.messageName}"/>`,
  );
}

/**
 * start → user1 → user2, where user2 reads the variable `needed` (an input mapping): a
 * modification starting user2 fails on an instance without it, and succeeds once it is set (a
 * batch job that fails, then can be mended).
 */
export function needsVariableModel(processId: string): string {
  return bpmnXml(
    processId,
    `<startEvent id="start"/>
     <userTask id="user1"/>
     <userTask id="user2"><extensionElements><camunda:inputOutput><camunda:inputParameter name="copy">\${needed}</camunda:inputParameter></camunda:inputOutput></extensionElements></userTask>
     <endEvent id="end"/>
     <sequenceFlow id="f1" sourceRef="start" targetRef="user1"/>
     <sequenceFlow id="f2" sourceRef="user1" targetRef="user2"/>
     <sequenceFlow id="f3" sourceRef="user2" targetRef="end"/>`,
  );
}
