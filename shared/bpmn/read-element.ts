import type { TimerDef, TimerKind } from './element-parts.ts';
import type { FlowNodeKind } from './flow-node.ts';
import { child, children, type ModdleElement, text } from './moddle-types.ts';
import type { MultiInstanceDraft, NodeDraft } from './node-draft.ts';
import { type ProblemCollector, readExecutionListeners, readImplementation, readInputOutput, readTaskListeners } from './parse-extensions.ts';

const SERVICE_LIKE = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);

/** What Camunda calls each refused element in messages, so users recognise it. */
const UNSUPPORTED_EVENT_DEFINITIONS: Record<string, string> = {
  'bpmn:SignalEventDefinition': 'signal event',
  'bpmn:ErrorEventDefinition': 'error event',
  'bpmn:EscalationEventDefinition': 'escalation event',
  'bpmn:CompensateEventDefinition': 'compensation event',
  'bpmn:ConditionalEventDefinition': 'conditional event',
  'bpmn:LinkEventDefinition': 'link event',
  'bpmn:CancelEventDefinition': 'cancel event',
};

function typeName(element: ModdleElement): string {
  return element.$type.replace(/^bpmn:/, '');
}

/** Reads one flow element; returns undefined (with a problem recorded) when it is not supported. */
export function readElement(element: ModdleElement, scopeId: string, problems: ProblemCollector): NodeDraft | undefined {
  const id = element.id!;
  const definitions = children(element, 'eventDefinitions');
  for (const definition of definitions) {
    const unsupported = UNSUPPORTED_EVENT_DEFINITIONS[definition.$type];
    if (unsupported) {
      problems.add(id, `Unsupported element '${id}' of type ${typeName(element)}: ${unsupported}s are not supported`);
      return undefined;
    }
  }
  if (definitions.length > 1) {
    problems.add(id, `Unsupported element '${id}' of type ${typeName(element)}: multiple event definitions`);
    return undefined;
  }
  const definition = definitions[0];
  const timer = definition?.$type === 'bpmn:TimerEventDefinition' ? readTimer(definition, id, problems) : undefined;
  const messageName = definition?.$type === 'bpmn:MessageEventDefinition' || element.$type === 'bpmn:ReceiveTask' ? readMessageName(definition ?? element, id, problems) : undefined;
  if ((definition?.$type === 'bpmn:MessageEventDefinition' || element.$type === 'bpmn:ReceiveTask') && !messageName) return undefined;
  const classified = classify(element, definition?.$type, problems);
  if (!classified) return undefined;
  const [kind, activityType] = classified;

  const { inputs, outputs } = readInputOutput(element, problems);
  const isTask = kind === 'userTask';
  const draft: NodeDraft = {
    id,
    name: element.name,
    kind,
    activityType,
    scopeId,
    incoming: [],
    outgoing: [],
    asyncBefore: element.asyncBefore === true || element.async === true,
    asyncAfter: element.asyncAfter === true,
    listeners: readExecutionListeners(element, ['start', 'end'], problems),
    taskListeners: isTask ? readTaskListeners(element, problems) : [],
    inputs,
    outputs,
    boundaryEventIds: [],
    interrupting: true,
    childIds: [],
    eventSubProcessIds: [],
    timer,
    messageName,
    defaultFlowId: child(element, 'default')?.id,
  };
  if (element.$type === 'bpmn:BoundaryEvent') {
    draft.attachedToId = child(element, 'attachedToRef')?.id;
    if (!draft.attachedToId) {
      problems.add(id, `Invalid reference in boundary event '${id}': attachedToRef does not name an activity`);
      return undefined;
    }
    draft.interrupting = element.cancelActivity !== false;
  }
  if (element.$type === 'bpmn:StartEvent') draft.interrupting = element.isInterrupting !== false;
  if (isTask) {
    const assignee = text(element, 'assignee');
    if (assignee) draft.assignee = problems.expression(id, assignee);
    const candidateUsers = text(element, 'candidateUsers');
    if (candidateUsers) draft.candidateUsers = commaSeparated(candidateUsers).flatMap((entry) => problems.expression(id, entry) ?? []);
    const candidateGroups = text(element, 'candidateGroups');
    if (candidateGroups) draft.candidateGroups = commaSeparated(candidateGroups).flatMap((entry) => problems.expression(id, entry) ?? []);
  }
  if (kind === 'externalTask') draft.topic = text(element, 'topic');
  if (kind === 'expressionTask' || kind === 'delegateTask') {
    draft.implementation = readImplementation(element, id, problems);
    draft.resultVariable = text(element, 'resultVariable');
  }
  const loop = child(element, 'loopCharacteristics');
  if (loop) {
    if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
      problems.add(id, `Unsupported loop characteristics ${typeName(loop)} on '${id}'`);
    } else {
      draft.multiInstance = readMultiInstance(loop, id, problems);
    }
  }
  return draft;
}

function classify(element: ModdleElement, definitionType: string | undefined, problems: ProblemCollector): [FlowNodeKind, string] | undefined {
  const id = element.id!;
  const refuse = (why: string) => {
    problems.add(id, `Unsupported element '${id}' of type ${typeName(element)}${why ? `: ${why}` : ''}`);
    return undefined;
  };
  const timer = definitionType === 'bpmn:TimerEventDefinition';
  const message = definitionType === 'bpmn:MessageEventDefinition';
  switch (element.$type) {
    case 'bpmn:StartEvent':
      if (timer) return ['startEvent', 'startTimerEvent'];
      if (message) return ['startEvent', 'messageStartEvent'];
      return definitionType ? refuse('') : ['startEvent', 'startEvent'];
    case 'bpmn:EndEvent':
      if (definitionType === 'bpmn:TerminateEventDefinition') return ['terminateEndEvent', 'terminateEndEvent'];
      return definitionType ? refuse('only none and terminate end events are supported') : ['noneEndEvent', 'noneEndEvent'];
    case 'bpmn:IntermediateThrowEvent':
      return definitionType ? refuse('only none intermediate throw events are supported') : ['intermediateThrow', 'intermediateNoneThrowEvent'];
    case 'bpmn:IntermediateCatchEvent':
      if (timer) return ['intermediateTimer', 'intermediateTimer'];
      if (message) return ['intermediateMessage', 'intermediateMessageCatch'];
      return refuse('only timer and message catch events are supported');
    case 'bpmn:BoundaryEvent':
      if (timer) return ['boundaryTimer', 'boundaryTimer'];
      if (message) return ['boundaryMessage', 'boundaryMessage'];
      return refuse('only timer and message boundary events are supported');
    case 'bpmn:UserTask':
      return ['userTask', 'userTask'];
    case 'bpmn:Task':
      return ['passThroughTask', 'task'];
    case 'bpmn:ManualTask':
      return ['passThroughTask', 'manualTask'];
    case 'bpmn:ReceiveTask':
      if (!child(element, 'messageRef')) return refuse('a receive task needs a messageRef');
      return ['receiveTask', 'receiveTask'];
    case 'bpmn:SubProcess':
      return element.triggeredByEvent === true ? ['eventSubProcess', 'subProcess'] : ['subProcess', 'subProcess'];
    case 'bpmn:ExclusiveGateway':
      return ['exclusiveGateway', 'exclusiveGateway'];
    case 'bpmn:ParallelGateway':
      return ['parallelGateway', 'parallelGateway'];
    case 'bpmn:InclusiveGateway':
      return ['inclusiveGateway', 'inclusiveGateway'];
    default:
      if (SERVICE_LIKE.has(element.$type)) return classifyServiceTask(element, refuse);
      return refuse('');
  }
}

function classifyServiceTask(element: ModdleElement, refuse: (why: string) => undefined): [FlowNodeKind, string] | undefined {
  const activityType = element.$type === 'bpmn:ServiceTask' ? 'serviceTask' : element.$type === 'bpmn:SendTask' ? 'sendTask' : 'businessRuleTask';
  const type = text(element, 'type');
  if (type === 'external') {
    return text(element, 'topic') ? ['externalTask', activityType] : refuse('an external task needs camunda:topic');
  }
  if (type) return refuse(`camunda:type '${type}' is not supported`);
  if (text(element, 'expression') !== undefined) return ['expressionTask', activityType];
  if (text(element, 'class') !== undefined || text(element, 'delegateExpression') !== undefined) {
    return ['delegateTask', activityType];
  }
  return refuse('needs camunda:type="external" with a topic, camunda:expression, camunda:class or camunda:delegateExpression');
}

function readTimer(definition: ModdleElement, id: string, problems: ProblemCollector): TimerDef | undefined {
  for (const kind of ['timeDuration', 'timeDate', 'timeCycle'] as TimerKind[]) {
    const body = child(definition, kind);
    if (!body) continue;
    const expression = problems.expression(id, (text(body, 'body') ?? '').trim());
    return expression && { kind, expression };
  }
  problems.add(id, `Timer of '${id}' needs timeDuration, timeDate or timeCycle`);
  return undefined;
}

function readMessageName(definition: ModdleElement, id: string, problems: ProblemCollector): string | undefined {
  const name = child(definition, 'messageRef')?.name;
  if (!name) problems.add(id, `Message event '${id}' needs a messageRef to a message with a name`);
  return name;
}

function readMultiInstance(loop: ModdleElement, id: string, problems: ProblemCollector): MultiInstanceDraft | undefined {
  const cardinality = text(child(loop, 'loopCardinality') ?? { $type: '' }, 'body');
  const completion = text(child(loop, 'completionCondition') ?? { $type: '' }, 'body');
  const collection = text(loop, 'collection');
  if (cardinality === undefined && collection === undefined) {
    problems.add(id, `Multi-instance '${id}' needs loopCardinality or camunda:collection`);
    return undefined;
  }
  return {
    isSequential: loop.isSequential === true,
    loopCardinality: cardinality !== undefined ? problems.expression(id, cardinality.trim()) : undefined,
    collection: collection === undefined ? undefined : collection.includes('${') || collection.includes('#{') ? problems.expression(id, collection) : collection,
    elementVariable: text(loop, 'elementVariable'),
    completionCondition: completion ? problems.expression(id, completion.trim()) : undefined,
    innerAsyncBefore: loop.asyncBefore === true,
    innerAsyncAfter: loop.asyncAfter === true,
  };
}

/** Camunda's comma-separated list of an attribute: commas inside `${…}` or `#{…}` do not separate. */
export function commaSeparated(value: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if ((c === '$' || c === '#') && value[i + 1] === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    if (c === ',' && depth === 0) {
      entries.push(current);
      current = '';
    } else current += c;
  }
  entries.push(current);
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}
