import { readDecisionTask } from './decision-task.ts';
import type { ConditionalDef, ErrorCatchDef, EscalationCatchDef, TimerDef, TimerKind } from './element-parts.ts';
import type { FlowNodeKind } from './flow-node.ts';
import type { CompiledExpression } from '../expression/index.ts';
import { child, children, type ModdleElement, text } from './moddle-types.ts';
import { readFormReference } from './forms.ts';
import type { MultiInstanceDraft, NodeDraft } from './node-draft.ts';
import { readCallActivity } from './call-activity.ts';
import { DEFAULT_SCRIPT_FORMAT, readCondition, readScript } from './scripts.ts';
import { type ProblemCollector, readExecutionListeners, readImplementation, readInputOutput, readPriority, readTaskListeners } from './parse-extensions.ts';

const SERVICE_LIKE = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);

/** What Camunda calls each refused element in messages, so users recognise it. */
const UNSUPPORTED_EVENT_DEFINITIONS: Record<string, string> = {};

/** Events that wait for their message: they need a messageRef to a named message (throwing ones do not). */
const MESSAGE_CATCHERS = new Set(['bpmn:StartEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent']);

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
  const isMessage = definition?.$type === 'bpmn:MessageEventDefinition';
  const waitsForMessage = (isMessage && MESSAGE_CATCHERS.has(element.$type)) || hasMessageRef(element);
  const messageName = waitsForMessage ? readMessageName(definition ?? element, id, problems) : undefined;
  if (waitsForMessage && !messageName) return undefined;
  // A message throw or end event with an implementation runs like a service task, configured on its definition.
  const implementationSource = isMessage && isServiceTaskLike(definition) ? definition : element;
  const classified = classify(element, definition, problems);
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
  if (definition?.$type === 'bpmn:ErrorEventDefinition') {
    if (kind === 'errorEndEvent') Object.assign(draft, readThrownError(definition, id, problems));
    else draft.errorCatch = readErrorCatch(definition);
  }
  if (definition?.$type === 'bpmn:EscalationEventDefinition') {
    if (kind === 'escalationThrow') draft.escalationCode = readThrownEscalation(definition, id, problems);
    else draft.escalationCatch = readEscalationCatch(definition, id, problems);
  }
  if (definition?.$type === 'bpmn:LinkEventDefinition') draft.linkName = readLinkName(definition, id, problems);
  if (definition?.$type === 'bpmn:ConditionalEventDefinition') draft.conditional = readConditional(definition, id, problems);
  if (compensateDefinition(definition, id, problems)) {
    draft.compensationActivityRef = child(definition!, 'activityRef')?.id;
    if (element.$type === 'bpmn:StartEvent') draft.compensationStart = true;
  }
  if (element.$type === 'bpmn:Transaction') draft.transaction = true;
  if (kind === 'callActivity') {
    draft.call = readCallActivity(element, problems);
    if (!draft.call) return undefined;
  }
  if (element.isForCompensation === true) draft.isForCompensation = true;
  if (definition?.$type === 'bpmn:SignalEventDefinition') {
    draft.signalName = readSignalName(definition, id, problems);
    draft.signalAsync = definition.async === true;
  }
  if (isTask) {
    const assignee = text(element, 'assignee');
    if (assignee) draft.assignee = problems.expression(id, assignee);
    const candidateUsers = text(element, 'candidateUsers');
    if (candidateUsers) draft.candidateUsers = commaSeparated(candidateUsers).flatMap((entry) => problems.expression(id, entry) ?? []);
    const candidateGroups = text(element, 'candidateGroups');
    if (candidateGroups) draft.candidateGroups = commaSeparated(candidateGroups).flatMap((entry) => problems.expression(id, entry) ?? []);
    const optional = (source: string | undefined) => (source ? problems.expression(id, source) : undefined);
    const documentation = children(element, 'documentation')
      .map((d) => text(d, 'text') ?? '')
      .join('')
      .trim();
    draft.taskDates = {
      dueDate: optional(text(element, 'dueDate')),
      followUpDate: optional(text(element, 'followUpDate')),
      priority: optional(text(element, 'priority')),
      description: optional(documentation || undefined),
    };
  }
  if (kind === 'userTask' || kind === 'startEvent') draft.form = readFormReference(element, id, problems);
  if (kind === 'externalTask') {
    draft.topic = text(implementationSource, 'topic');
    draft.taskPriority = readPriority(id, text(implementationSource, 'taskPriority'), 'taskPriority', problems);
  }
  if (kind === 'decisionTask') draft.decision = readDecisionTask(element, id, problems);
  if (kind === 'scriptTask') {
    const format = text(element, 'scriptFormat') ?? DEFAULT_SCRIPT_FORMAT;
    draft.script = readScript(id, `script task '${id}'`, format, text(element, 'script'), text(element, 'resource'), problems);
    // Camunda also reads the older camunda:resultVariableName.
    draft.resultVariable = text(element, 'resultVariable') ?? text(element, 'resultVariableName');
  }
  if (kind === 'expressionTask' || kind === 'delegateTask') {
    draft.implementation = readImplementation(implementationSource, id, problems);
    draft.resultVariable = text(implementationSource, 'resultVariable');
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

function classify(element: ModdleElement, definition: ModdleElement | undefined, problems: ProblemCollector): [NodeDraft['kind'], string] | undefined {
  const id = element.id!;
  const refuse = (why: string) => {
    problems.add(id, `Unsupported element '${id}' of type ${typeName(element)}${why ? `: ${why}` : ''}`);
    return undefined;
  };
  const definitionType = definition?.$type;
  const timer = definitionType === 'bpmn:TimerEventDefinition';
  const message = definitionType === 'bpmn:MessageEventDefinition';
  const error = definitionType === 'bpmn:ErrorEventDefinition';
  const escalation = definitionType === 'bpmn:EscalationEventDefinition';
  const link = definitionType === 'bpmn:LinkEventDefinition';
  const signal = definitionType === 'bpmn:SignalEventDefinition';
  const conditional = definitionType === 'bpmn:ConditionalEventDefinition';
  const compensate = definitionType === 'bpmn:CompensateEventDefinition';
  const cancel = definitionType === 'bpmn:CancelEventDefinition';
  switch (element.$type) {
    case 'bpmn:StartEvent':
      if (timer) return ['startEvent', 'startTimerEvent'];
      if (message) return ['startEvent', 'messageStartEvent'];
      if (error) return ['startEvent', 'errorStartEvent'];
      if (escalation) return ['startEvent', 'escalationStartEvent'];
      if (signal) return ['startEvent', 'signalStartEvent'];
      if (conditional) return ['startEvent', 'conditionalStartEvent'];
      if (compensate) return ['startEvent', 'compensationStartEvent'];
      return definitionType ? refuse('') : ['startEvent', 'startEvent'];
    case 'bpmn:EndEvent':
      if (definitionType === 'bpmn:TerminateEventDefinition') return ['terminateEndEvent', 'terminateEndEvent'];
      if (error) return ['errorEndEvent', 'errorEndEvent'];
      if (escalation) return ['escalationThrow', 'escalationEndEvent'];
      if (signal) return ['signalThrow', 'signalEndEvent'];
      if (compensate) return ['compensationThrow', 'compensationEndEvent'];
      if (cancel) return ['cancelEndEvent', 'cancelEndEvent'];
      if (message) return isServiceTaskLike(definition) ? classifyServiceTask(definition!, 'messageEndEvent', refuse) : ['noneEndEvent', 'endEvent'];
      return definitionType ? refuse('only none, terminate, error, escalation, signal and message end events are supported') : ['noneEndEvent', 'noneEndEvent'];
    case 'bpmn:IntermediateThrowEvent':
      if (escalation) return ['escalationThrow', 'intermediateEscalationThrowEvent'];
      if (signal) return ['signalThrow', 'intermediateSignalThrow'];
      if (compensate) return ['compensationThrow', 'intermediateCompensationThrowEvent'];
      if (link) return ['linkThrow', 'intermediateLinkThrowEvent'];
      if (message) return isServiceTaskLike(definition) ? classifyServiceTask(definition!, 'intermediateMessageThrowEvent', refuse) : ['intermediateThrow', 'intermediateNoneThrowEvent'];
      return definitionType ? refuse('only none, escalation, signal, link and message intermediate throw events are supported') : ['intermediateThrow', 'intermediateNoneThrowEvent'];
    case 'bpmn:IntermediateCatchEvent':
      if (timer) return ['intermediateTimer', 'intermediateTimer'];
      if (message) return ['intermediateMessage', 'intermediateMessageCatch'];
      if (link) return ['linkCatch', 'intermediateLinkCatch'];
      if (signal) return ['intermediateSignal', 'intermediateSignalCatch'];
      if (conditional) return ['intermediateConditional', 'intermediateConditional'];
      return refuse('only timer, message, signal, conditional and link catch events are supported');
    case 'bpmn:BoundaryEvent':
      if (timer) return ['boundaryTimer', 'boundaryTimer'];
      if (message) return ['boundaryMessage', 'boundaryMessage'];
      if (error) return ['boundaryError', 'boundaryError'];
      if (escalation) return ['boundaryEscalation', 'boundaryEscalation'];
      if (signal) return ['boundarySignal', 'boundarySignal'];
      if (conditional) return ['boundaryConditional', 'boundaryConditional'];
      if (compensate) return ['boundaryCompensation', 'compensationBoundaryCatch'];
      if (cancel) return ['boundaryCancel', 'cancelBoundaryCatch'];
      return refuse('');
    case 'bpmn:UserTask':
      return ['userTask', 'userTask'];
    case 'bpmn:Task':
      return ['passThroughTask', 'task'];
    case 'bpmn:ManualTask':
      return ['passThroughTask', 'manualTask'];
    case 'bpmn:ScriptTask':
      return ['scriptTask', 'scriptTask'];
    case 'bpmn:ReceiveTask':
      return ['receiveTask', 'receiveTask'];
    case 'bpmn:CallActivity':
      return text(element, 'caseRef') !== undefined ? refuse('calling a CMMN case (camunda:caseRef) is not supported') : ['callActivity', 'callActivity'];
    case 'bpmn:SubProcess':
      return element.triggeredByEvent === true ? ['eventSubProcess', 'subProcess'] : ['subProcess', 'subProcess'];
    case 'bpmn:Transaction':
      return ['subProcess', 'transaction'];
    case 'bpmn:ExclusiveGateway':
      return ['exclusiveGateway', 'exclusiveGateway'];
    case 'bpmn:ParallelGateway':
      return ['parallelGateway', 'parallelGateway'];
    case 'bpmn:InclusiveGateway':
      return ['inclusiveGateway', 'inclusiveGateway'];
    case 'bpmn:EventBasedGateway':
      return ['eventBasedGateway', 'eventBasedGateway'];
    default:
      if (element.$type === 'bpmn:BusinessRuleTask' && text(element, 'decisionRef') !== undefined) return ['decisionTask', 'businessRuleTask'];
      if (SERVICE_LIKE.has(element.$type)) return classifyServiceTask(element, SERVICE_ACTIVITY_TYPES[element.$type]!, refuse);
      return refuse('');
  }
}

const SERVICE_ACTIVITY_TYPES: Record<string, string> = { 'bpmn:ServiceTask': 'serviceTask', 'bpmn:SendTask': 'sendTask', 'bpmn:BusinessRuleTask': 'businessRuleTask' };

/** Camunda's test for a message throw event that runs like a service task: it names an implementation. */
function isServiceTaskLike(definition: ModdleElement | undefined): boolean {
  return definition !== undefined && ['class', 'expression', 'delegateExpression', 'type'].some((key) => text(definition, key) !== undefined);
}

/** A receive task waits for a message when it names one; without, it is a plain wait state. */
function hasMessageRef(element: ModdleElement): boolean {
  return element.$type === 'bpmn:ReceiveTask' && child(element, 'messageRef') !== undefined;
}

/** The kind of a service-like element (service, send or business-rule task, message throw event) by its implementation. */
function classifyServiceTask(element: ModdleElement, activityType: string, refuse: (why: string) => undefined): [FlowNodeKind, string] | undefined {
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

/** An error end event throws the code of the error it references; Camunda requires both. */
function readThrownError(definition: ModdleElement, id: string, problems: ProblemCollector): { errorCode?: string; errorMessage?: CompiledExpression } {
  const error = child(definition, 'errorRef');
  if (!error) {
    problems.add(id, `'errorRef' attribute is mandatory on error end event '${id}'`);
    return {};
  }
  const errorCode = text(error, 'errorCode');
  if (!errorCode) {
    problems.add(id, `'errorCode' is mandatory on errors referenced by throwing error event definitions, but the error '${error.id ?? ''}' does not define one.`);
    return {};
  }
  const message = text(error, 'errorMessage');
  return { errorCode, errorMessage: message === undefined ? undefined : problems.expression(id, message) };
}

/** An error catch event catches its referenced error's code, or every error when it references none. */
function readErrorCatch(definition: ModdleElement): ErrorCatchDef {
  const error = child(definition, 'errorRef');
  return {
    errorCode: error ? text(error, 'errorCode') : undefined,
    errorCodeVariable: text(definition, 'errorCodeVariable'),
    errorMessageVariable: text(definition, 'errorMessageVariable'),
  };
}

function readThrownEscalation(definition: ModdleElement, id: string, problems: ProblemCollector): string | undefined {
  const escalation = child(definition, 'escalationRef');
  if (!escalation) {
    problems.add(id, `escalationEventDefinition of '${id}' does not have required attribute 'escalationRef'`);
    return undefined;
  }
  const code = text(escalation, 'escalationCode');
  if (!code) problems.add(id, `throwing escalation event '${id}' must have an 'escalationCode'`);
  return code;
}

function readEscalationCatch(definition: ModdleElement, id: string, problems: ProblemCollector): EscalationCatchDef {
  const escalation = child(definition, 'escalationRef');
  if (text(definition, 'escalationRef') !== undefined && !escalation) problems.add(id, `could not find escalation referenced by '${id}'`);
  return { escalationCode: escalation ? text(escalation, 'escalationCode') : undefined, escalationCodeVariable: text(definition, 'escalationCodeVariable') };
}

/** Whether this is a compensate event definition; Camunda refuses `waitForCompletion="false"`. */
function compensateDefinition(definition: ModdleElement | undefined, id: string, problems: ProblemCollector): boolean {
  if (definition?.$type !== 'bpmn:CompensateEventDefinition') return false;
  if (definition.waitForCompletion === false) problems.add(id, `Unsupported attribute value for 'waitForCompletion': 'false' is not supported on '${id}'`);
  return true;
}

/** The name of the referenced signal, as an expression (Camunda resolves `${…}` in signal names). */
function readSignalName(definition: ModdleElement, id: string, problems: ProblemCollector): CompiledExpression | undefined {
  const signal = child(definition, 'signalRef');
  if (!signal) {
    problems.add(id, `signalEventDefinition of '${id}' does not have required property 'signalRef'`);
    return undefined;
  }
  if (!signal.name) {
    problems.add(id, `Signal '${signal.id ?? ''}' referenced by '${id}' has no name`);
    return undefined;
  }
  return problems.expression(id, signal.name);
}

/** A conditional event's condition (an expression or a script) and its variable filters. */
function readConditional(definition: ModdleElement, id: string, problems: ProblemCollector): ConditionalDef | undefined {
  const condition = child(definition, 'condition');
  if (!condition) {
    problems.add(id, `Conditional event '${id}' must contain an expression for evaluation.`);
    return undefined;
  }
  const expression = readCondition(condition, id, `the condition of conditional event '${id}'`, problems);
  if (!expression) return undefined;
  const variableEvents = text(definition, 'variableEvents');
  return {
    condition: expression,
    variableName: text(definition, 'variableName'),
    variableEvents: variableEvents === undefined ? undefined : commaSeparated(variableEvents),
  };
}

function readLinkName(definition: ModdleElement, id: string, problems: ProblemCollector): string | undefined {
  const name = definition.name;
  if (!name) problems.add(id, `Link event '${id}' needs a link name`);
  return name;
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
