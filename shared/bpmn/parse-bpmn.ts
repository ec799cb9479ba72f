import { BpmnModdle } from 'bpmn-moddle';
import camundaSchema from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { buildProcessModel, type ProcessDraft } from './build-process-model.ts';
import { BpmnParseError } from './errors.ts';
import { parseHistoryTimeToLive } from './history-time-to-live.ts';
import { type BpmnLimits, UNLIMITED_BPMN_LIMITS } from './limits.ts';
import { readElement } from './read-element.ts';
import { multiInstanceBodyId, type ProcessModel, type SequenceFlow } from './model.ts';
import { child, children, type ModdleElement } from './moddle-types.ts';
import type { NodeDraft } from './node-draft.ts';
import { ProblemCollector, readExecutionListeners, readPriority } from './parse-extensions.ts';
import { isScript } from './script-def.ts';
import { readCondition } from './scripts.ts';
import { canCatchEscalations, checkEventBasedGateways, resolveCompensation, resolveLinks } from './event-checks.ts';

/** camunda-bpmn-moddle predates camunda:decisionRefVersionTag (Camunda 7.13): it is added to the business-rule task's attributes. */
const camunda = structuredClone(camundaSchema) as { types: { name: string; properties?: { name: string; isAttr?: boolean; type: string }[] }[] };
camunda.types.find((type) => type.name === 'DmnCapable')?.properties?.push({ name: 'decisionRefVersionTag', isAttr: true, type: 'String' });
const moddle = new BpmnModdle({ camunda });

/** Elements that carry no behaviour and are skipped silently. */
const IGNORED_TYPES = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference', 'bpmn:TextAnnotation', 'bpmn:Association', 'bpmn:Group']);

/**
 * Parses BPMN 2.0 XML into one immutable model per executable process. Anything the engine cannot
 * run is refused here, all problems at once, so a deployment never holds a model that fails later.
 */
/**
 * XML allows spaces around an attribute's `=` (`source ="x"`, as one of Camunda's own test models
 * has); bpmn-moddle's parser does not, so they are removed inside start tags before it reads them.
 */
function withoutSpaceAroundEquals(xml: string): string {
  if (!/\s=|=\s+["']/.test(xml)) return xml;
  return xml.replace(/<[A-Za-z][^<>]*>/g, (tag) => tag.replace(/(\s[\w:.-]+)\s*=\s*(["'])/g, '$1=$2'));
}

export async function parseBpmn(xml: string, resourceName = 'process.bpmn', limits: BpmnLimits = UNLIMITED_BPMN_LIMITS): Promise<ProcessModel[]> {
  // Camunda's parser refuses DOCTYPE declarations (no entity expansion, no external entities); so do we, by name.
  if (/<!DOCTYPE/i.test(xml)) throw new BpmnParseError(resourceName, [{ message: 'DOCTYPE is disallowed: a BPMN model may not declare entities or a document type' }]);
  let definitions: ModdleElement;
  let warnings: { message: string }[];
  try {
    const result = await moddle.fromXML(withoutSpaceAroundEquals(xml), 'bpmn:Definitions');
    definitions = result.rootElement as unknown as ModdleElement;
    warnings = result.warnings as { message: string }[];
    resolvePrefixedReferences(result as unknown as ModdleResult);
  } catch (error) {
    throw new BpmnParseError(resourceName, [{ message: `Malformed BPMN XML: ${(error as Error).message}` }]);
  }
  const problems = new ProblemCollector(limits);
  // Unresolved references are checked where they matter (flows, boundary hosts, messages); diagram
  // references to missing elements are harmless, as in Camunda.
  for (const warning of warnings) {
    const lines = warning.message.split('\n').map((l) => l.trim());
    const nested = lines.find((l) => l.startsWith('nested error:'))?.replace('nested error: ', '');
    const message = nested ? `${lines[0]}: ${nested}` : (lines[0] ?? warning.message);
    if (!message.startsWith('unresolved reference')) problems.add(undefined, message);
  }
  const processes = children(definitions, 'rootElements').filter((e) => e.$type === 'bpmn:Process');
  if (processes.length === 0) problems.add(undefined, 'The BPMN file contains no process');
  const seenIds = new Map<string, string>();
  // Camunda ignores non-executable processes (only documentation of a collaboration): they are not checked.
  const drafts = processes.filter((process) => process.isExecutable !== false).map((process) => draftProcess(process, problems, seenIds));
  if (problems.problems.length > 0) throw new BpmnParseError(resourceName, problems.problems);
  const models = drafts.map((draft) => buildProcessModel(draft, problems));
  if (problems.problems.length > 0) throw new BpmnParseError(resourceName, problems.problems);
  return models.filter((m): m is ProcessModel => m?.isExecutable === true);
}

interface ModdleResult {
  elementsById: Record<string, ModdleElement>;
  references: { element: Record<string, unknown>; property: string; id: string }[];
}

/**
 * Camunda resolves QName references such as `messageRef="tns:message"` by their local part;
 * bpmn-moddle leaves them unresolved, so they are resolved here.
 */
function resolvePrefixedReferences(result: ModdleResult): void {
  for (const reference of result.references ?? []) {
    const property = reference.property.replace(/^bpmn:/, '');
    if (reference.element[property] !== undefined) continue;
    const colon = reference.id.indexOf(':');
    const target = colon < 0 ? undefined : result.elementsById?.[reference.id.slice(colon + 1)];
    if (target) reference.element[property] = target;
    // Camunda takes an errorRef that names no error as the error code itself.
    else if (property === 'errorRef') reference.element[property] = { $type: 'bpmn:Error', id: reference.id, errorCode: reference.id };
  }
}

/** Reads one process into drafts and runs every check on them, collecting problems instead of throwing. */
function draftProcess(process: ModdleElement, problems: ProblemCollector, seenIds: Map<string, string>): ProcessDraft {
  const processId = process.id ?? '';
  if (!processId) problems.add(undefined, 'A process needs an id');
  const scriptsBefore = problems.scripts.length;
  const drafts = new Map<string, NodeDraft>();
  const flowElements: { flow: ModdleElement; id: string; scopeId: string }[] = [];
  /** Associations link compensation boundary events to their handlers (source → target ids). */
  const associations: { sourceId?: string; targetId?: string }[] = [];

  let unnamedFlows = 0;
  let elements = 0;
  const visitScope = (container: ModdleElement, scopeId: string, depth = 0): string[] => {
    const ids: string[] = [];
    if (depth > problems.limits.maxScopeDepth) {
      problems.add(scopeId, `'${scopeId}' is nested ${depth} sub-processes deep; at most ${problems.limits.maxScopeDepth} are allowed (BPMN_MAX_SCOPE_DEPTH)`);
      return ids;
    }
    elements += children(container, 'flowElements').length;
    if (elements > problems.limits.maxElements) {
      if (elements - children(container, 'flowElements').length <= problems.limits.maxElements) {
        problems.add(processId, `The model has more than ${problems.limits.maxElements} flow elements and sequence flows (BPMN_MAX_ELEMENTS)`);
      }
      return ids;
    }
    for (const artifact of children(container, 'artifacts')) {
      if (artifact.$type === 'bpmn:Association') associations.push({ sourceId: child(artifact, 'sourceRef')?.id, targetId: child(artifact, 'targetRef')?.id });
    }
    for (const element of children(container, 'flowElements')) {
      if (element.$type === 'bpmn:SequenceFlow' && !element.id) {
        // Camunda accepts sequence flows without id; give them a stable one (never addressable by clients).
        unnamedFlows += 1;
        flowElements.push({ flow: element, id: `${processId}#sequenceFlow${unnamedFlows}`, scopeId });
        continue;
      }
      const id = element.id ?? '';
      if (!id) {
        problems.add(undefined, `A ${element.$type} needs an id`);
        continue;
      }
      if (seenIds.has(id)) {
        problems.add(id, `Duplicate id '${id}'`);
        continue;
      }
      seenIds.set(id, element.$type);
      if (element.$type === 'bpmn:SequenceFlow') {
        flowElements.push({ flow: element, id, scopeId });
        continue;
      }
      if (IGNORED_TYPES.has(element.$type)) continue;
      const draft = readElement(element, scopeId, problems);
      if (!draft) continue;
      drafts.set(draft.id, draft);
      ids.push(draft.id);
      if (draft.kind === 'subProcess' || draft.kind === 'eventSubProcess') {
        draft.childIds = visitScope(element, draft.id, depth + 1);
      }
    }
    return ids;
  };

  const rootDraft: NodeDraft = {
    id: processId,
    name: process.name,
    kind: 'subProcess',
    activityType: 'processDefinition',
    scopeId: '',
    incoming: [],
    outgoing: [],
    asyncBefore: false,
    asyncAfter: false,
    listeners: readExecutionListeners(process, ['start', 'end'], problems),
    taskListeners: [],
    inputs: [],
    outputs: [],
    boundaryEventIds: [],
    interrupting: false,
    childIds: [],
    eventSubProcessIds: [],
  };
  drafts.set(processId, rootDraft);
  rootDraft.childIds = visitScope(process, processId);

  wrapMultiInstanceActivities(drafts);
  const flows = connectFlows(flowElements, drafts, problems);
  resolveLinks(drafts, flows, problems);
  checkEventBasedGateways(drafts, flows, problems);
  attachBoundaryEvents(drafts, problems);
  resolveCompensation(drafts, associations, problems);
  resolveScopeStarts(drafts, problems);
  const starts = resolveProcessStarts(rootDraft, drafts, problems);
  const versionTag = typeof process.versionTag === 'string' ? process.versionTag : undefined;
  const ttl = parseHistoryTimeToLive(process.historyTimeToLive);
  if ('error' in ttl) problems.add(processId, ttl.error);
  const historyTimeToLive = 'days' in ttl && ttl.days !== null ? ttl.days : undefined;
  const taskPriority = readPriority(processId, typeof process.taskPriority === 'string' ? process.taskPriority : undefined, 'taskPriority', problems);
  const scripts = problems.scripts.slice(scriptsBefore);
  return { id: processId, name: process.name, isExecutable: process.isExecutable !== false, versionTag, historyTimeToLive, taskPriority, drafts, flows, scripts, ...starts };
}

/**
 * Camunda runs a looping activity inside a multi-instance body `<id>#multiInstanceBody`: the body takes
 * the activity's place in its scope (flows, boundary events) and the activity becomes its only child.
 */
function wrapMultiInstanceActivities(drafts: Map<string, NodeDraft>): void {
  for (const inner of [...drafts.values()]) {
    if (!inner.multiInstance) continue;
    const bodyId = multiInstanceBodyId(inner.id);
    const body: NodeDraft = {
      id: bodyId,
      name: inner.name,
      kind: 'multiInstanceBody',
      activityType: 'multiInstanceBody',
      scopeId: inner.scopeId,
      incoming: [],
      outgoing: [],
      asyncBefore: false,
      asyncAfter: false,
      listeners: [],
      taskListeners: [],
      inputs: [],
      outputs: [],
      boundaryEventIds: [],
      interrupting: false,
      childIds: [inner.id],
      eventSubProcessIds: [],
      multiInstance: inner.multiInstance,
      innerActivityId: inner.id,
    };
    const parent = drafts.get(inner.scopeId);
    if (parent) parent.childIds = parent.childIds.map((id) => (id === inner.id ? bodyId : id));
    drafts.set(bodyId, body);
    // Camunda: the activity's async flags belong to the body, the loop's flags to each inner instance.
    body.asyncBefore = inner.asyncBefore;
    body.asyncAfter = inner.asyncAfter;
    inner.asyncBefore = inner.multiInstance.innerAsyncBefore;
    inner.asyncAfter = inner.multiInstance.innerAsyncAfter;
    inner.scopeId = bodyId;
    inner.multiInstance = undefined;
  }
}

/** The node a flow or boundary event really connects to: the body for a multi-instance activity. */
function connectionTarget(drafts: Map<string, NodeDraft>, id: string): NodeDraft | undefined {
  return drafts.get(multiInstanceBodyId(id)) ?? drafts.get(id);
}

function connectFlows(flowElements: { flow: ModdleElement; id: string; scopeId: string }[], drafts: Map<string, NodeDraft>, problems: ProblemCollector): Map<string, SequenceFlow> {
  const flows = new Map<string, SequenceFlow>();
  for (const { flow, id, scopeId } of flowElements) {
    const sourceRef = child(flow, 'sourceRef')?.id;
    const targetRef = child(flow, 'targetRef')?.id;
    const source = sourceRef ? connectionTarget(drafts, sourceRef) : undefined;
    const target = targetRef ? connectionTarget(drafts, targetRef) : undefined;
    if (!source || !target) {
      problems.add(id, `Sequence flow '${id}' connects to a missing element (source '${sourceRef ?? ''}', target '${targetRef ?? ''}')`);
      continue;
    }
    if (source.scopeId !== scopeId || target.scopeId !== scopeId) {
      problems.add(id, `Sequence flow '${id}' crosses a scope boundary`);
      continue;
    }
    const conditionElement = child(flow, 'conditionExpression');
    let condition: SequenceFlow['condition'];
    if (conditionElement) {
      condition = readCondition(conditionElement, id, `the condition of sequence flow '${id}'`, problems);
    }
    flows.set(id, {
      id,
      name: flow.name,
      sourceId: source.id,
      targetId: target.id,
      condition,
      listeners: readExecutionListeners(flow, ['take'], problems),
    });
    source.outgoing = [...source.outgoing, id];
    target.incoming = [...target.incoming, id];
    if (source.kind === 'startEvent' && target.kind === 'startEvent') {
      problems.add(id, 'A start event cannot be the target of a sequence flow');
    }
  }
  for (const draft of drafts.values()) {
    if (draft.defaultFlowId && !draft.outgoing.includes(draft.defaultFlowId)) {
      problems.add(draft.id, `Default flow '${draft.defaultFlowId}' is not an outgoing flow of '${draft.id}'`);
    }
    if ((draft.kind === 'startEvent' || draft.attachedToId) && draft.incoming.length > 0) {
      problems.add(draft.id, `'${draft.id}' (${draft.activityType}) cannot have incoming sequence flows`);
    }
  }
  return flows;
}

function attachBoundaryEvents(drafts: Map<string, NodeDraft>, problems: ProblemCollector): void {
  for (const draft of drafts.values()) {
    if (!draft.attachedToId) continue;
    const host = connectionTarget(drafts, draft.attachedToId);
    if (!host || host.scopeId !== draft.scopeId) {
      problems.add(draft.id, `Boundary event '${draft.id}' is attached to a missing element '${draft.attachedToId}'`);
      continue;
    }
    draft.attachedToId = host.id;
    host.boundaryEventIds = [...host.boundaryEventIds, draft.id];
    if (draft.kind === 'boundaryEscalation' && !canCatchEscalations(drafts, host)) {
      problems.add(draft.id, `An escalation boundary event should only be attached to a subprocess, a call activity or an user task ('${draft.id}')`);
    }
  }
}

function resolveScopeStarts(drafts: Map<string, NodeDraft>, problems: ProblemCollector): void {
  for (const scope of drafts.values()) {
    if (scope.kind !== 'subProcess' && scope.kind !== 'eventSubProcess') continue;
    const members = scope.childIds.map((id) => drafts.get(id)!).filter(Boolean);
    scope.eventSubProcessIds = members.filter((m) => m.kind === 'eventSubProcess').map((m) => m.id);
    const starts = members.filter((m) => m.kind === 'startEvent');
    if (scope.kind === 'eventSubProcess') {
      const triggers = starts.filter(isEventStart);
      if (triggers.length !== 1 || starts.length !== 1) {
        problems.add(scope.id, 'An event sub-process needs exactly one message, timer, signal, conditional, error, escalation or compensation start event');
        continue;
      }
      const trigger = triggers[0]!;
      if (trigger.errorCatch && !trigger.interrupting) problems.add(trigger.id, `error start event of event subprocess must be interrupting ('${trigger.id}')`);
      scope.triggerStartEventId = trigger.id;
      scope.interrupting = trigger.interrupting;
      continue;
    }
    // The process's own start events are checked by resolveProcessStarts.
    if (scope.scopeId === '') continue;
    const noneStarts = starts.filter((s) => !isEventStart(s));
    if (noneStarts.length > 1) problems.add(scope.id, `'${scope.id}' has more than one none start event`);
    if (noneStarts.length === 0) problems.add(scope.id, `'${scope.id}' has no none start event`);
    for (const s of starts) {
      if (isEventStart(s)) {
        problems.add(s.id, `Start event '${s.id}' (${s.activityType}) is only supported in an event sub-process or at process level`);
      }
    }
    scope.noneStartEventId = noneStarts[0]?.id;
  }
}

/**
 * The process's start events, with Camunda's rules (BpmnParse.selectInitial): one none or timer start
 * event at most; message names unique; the initial start event is the none or timer one, or else the
 * only start event there is. Error and escalation start events belong in event sub-processes.
 */
function resolveProcessStarts(root: NodeDraft, drafts: Map<string, NodeDraft>, problems: ProblemCollector): { initialStartEventId?: string; eventStartEventIds: string[] } {
  const starts = root.childIds.map((id) => drafts.get(id)).filter((d): d is NodeDraft => d?.kind === 'startEvent');
  for (const start of starts) {
    if (start.errorCatch || start.escalationCatch) problems.add(start.id, `Start event '${start.id}' (${start.activityType}) is only supported in an event sub-process`);
    // Evaluated by POST /condition before any instance exists, where no script sandbox is loaded.
    if (start.conditional && isScript(start.conditional.condition))
      problems.add(start.id, `A script condition on the conditional start event '${start.id}' of a process is not supported; use an expression \${...}`);
  }
  const exclusive = starts.filter((s) => !s.messageName && !s.signalName && !s.conditional && !s.errorCatch && !s.escalationCatch && !s.compensationStart);
  for (const extra of exclusive.slice(1)) problems.add(extra.id, `multiple none start events or timer start events not supported on process definition ('${extra.id}')`);
  const messageNames = new Set<string>();
  for (const start of starts) {
    if (!start.messageName) continue;
    if (messageNames.has(start.messageName)) problems.add(start.id, `Cannot have more than one message event subscription with name '${start.messageName}' for scope '${root.id}'`);
    messageNames.add(start.messageName);
  }
  const none = exclusive.find((s) => !s.timer);
  root.noneStartEventId = none?.id;
  const initial = exclusive[0] ?? (starts.length === 1 ? starts[0] : undefined);
  return { initialStartEventId: initial?.id, eventStartEventIds: starts.filter((s) => s.timer || s.messageName || s.signalName || s.conditional).map((s) => s.id) };
}

/** A start event with a trigger (timer, message, error, escalation) rather than a none start event. */
function isEventStart(draft: NodeDraft): boolean {
  return Boolean(draft.timer || draft.messageName || draft.signalName || draft.conditional || draft.errorCatch || draft.escalationCatch || draft.compensationStart);
}
