import { type CompiledExpression, parseExpression } from '../expression/index.ts';
import type { BpmnProblem } from './errors.ts';
import { type BpmnLimits, UNLIMITED_BPMN_LIMITS } from './limits.ts';
import type { Implementation, IoParameter, IoValue, ListenerDef, ListenerImplementation } from './model.ts';
import type { ScriptDef } from './script-def.ts';
import { readScript } from './scripts.ts';
import { children, extensionValues, type ModdleElement, text } from './moddle-types.ts';

/** Collects problems instead of throwing so one deployment reports every broken element at once. */
export class ProblemCollector {
  readonly problems: BpmnProblem[] = [];
  /** The JavaScript scripts read so far: a model's scripts need the sandbox and their resources loaded. */
  readonly scripts: ScriptDef[] = [];

  constructor(readonly limits: BpmnLimits = UNLIMITED_BPMN_LIMITS) {}

  add(elementId: string | undefined, message: string): void {
    this.problems.push({ elementId, message });
  }

  expression(elementId: string | undefined, source: string): CompiledExpression | undefined {
    if (source.length > this.limits.maxExpressionLength) {
      this.add(elementId, `An expression of '${elementId ?? ''}' is ${source.length} characters long; at most ${this.limits.maxExpressionLength} are allowed (BPMN_MAX_EXPRESSION_LENGTH)`);
      return undefined;
    }
    try {
      return parseExpression(source);
    } catch (error) {
      this.add(elementId, `Invalid expression '${source}': ${(error as Error).message}`);
      return undefined;
    }
  }
}

/** Reads camunda:class / expression / delegateExpression from a listener or a service task. */
export function readImplementation(element: ModdleElement, ownerId: string | undefined, problems: ProblemCollector): Implementation | undefined {
  const className = text(element, 'class');
  const expression = text(element, 'expression');
  const delegateExpression = text(element, 'delegateExpression');
  const given = [className, expression, delegateExpression].filter((v) => v !== undefined).length;
  if (given > 1) {
    problems.add(ownerId, 'Only one of class, expression or delegateExpression may be set');
    return undefined;
  }
  if (className !== undefined) return { type: 'class', className };
  if (expression !== undefined) {
    const compiled = problems.expression(ownerId, expression);
    return compiled && { type: 'expression', expression: compiled };
  }
  if (delegateExpression !== undefined) {
    const compiled = problems.expression(ownerId, delegateExpression);
    return compiled && { type: 'delegateExpression', expression: compiled };
  }
  return undefined;
}

/** camunda:script in a listener: a JUEL script runs as the expression it is. */
function readListenerScript(script: ModdleElement, ownerId: string | undefined, what: string, problems: ProblemCollector): ListenerImplementation | undefined {
  const read = readScript(ownerId, what, text(script, 'scriptFormat'), text(script, 'value'), text(script, 'resource'), problems);
  if (!read) return undefined;
  return 'language' in read ? { type: 'script', script: read } : { type: 'expression', expression: read };
}

function readListeners(element: ModdleElement, moddleType: string, allowedEvents: readonly string[], problems: ProblemCollector): ListenerDef[] {
  const listeners: ListenerDef[] = [];
  for (const value of extensionValues(element)) {
    if (value.$type !== moddleType) continue;
    const event = text(value, 'event') ?? '';
    if (!allowedEvents.includes(event)) {
      problems.add(element.id, `Unsupported ${moddleType} event '${event}'; supported: ${allowedEvents.join(', ')}`);
      continue;
    }
    if (value.script) {
      const script = readListenerScript(value.script as ModdleElement, element.id, `the ${moddleType} of '${element.id ?? ''}' on '${event}'`, problems);
      if (script) listeners.push({ event, implementation: script });
      continue;
    }
    const implementation = readImplementation(value, element.id, problems);
    if (!implementation) {
      problems.add(element.id, `${moddleType} on event '${event}' needs class, expression or delegateExpression`);
      continue;
    }
    listeners.push({ event, implementation });
  }
  return listeners;
}

export function readExecutionListeners(element: ModdleElement, allowedEvents: readonly string[], problems: ProblemCollector): ListenerDef[] {
  return readListeners(element, 'camunda:ExecutionListener', allowedEvents, problems);
}

export function readTaskListeners(element: ModdleElement, problems: ProblemCollector): ListenerDef[] {
  return readListeners(element, 'camunda:TaskListener', ['create', 'complete', 'delete'], problems);
}

function readIoValue(parameter: ModdleElement, definition: ModdleElement | undefined, ownerId: string | undefined, problems: ProblemCollector): IoValue {
  if (definition) {
    switch (definition.$type) {
      case 'camunda:List':
        return {
          type: 'list',
          items: children(definition, 'items').map((item) => readIoValue(item, item.$type === 'camunda:Value' ? undefined : item, ownerId, problems)),
        };
      case 'camunda:Map':
        return {
          type: 'map',
          entries: children(definition, 'entries').map((entry) => ({
            key: text(entry, 'key') ?? '',
            value: readIoValue(entry, entry.definition as ModdleElement | undefined, ownerId, problems),
          })),
        };
      case 'camunda:Script': {
        const read = readScript(
          ownerId,
          `the parameter '${text(parameter, 'name') ?? ''}' of '${ownerId ?? ''}'`,
          text(definition, 'scriptFormat'),
          text(definition, 'value'),
          text(definition, 'resource'),
          problems,
        );
        if (!read) return { type: 'null' };
        return 'language' in read ? { type: 'script', script: read } : { type: 'expression', expression: read };
      }
      default:
        problems.add(ownerId, `Unsupported input/output definition ${definition.$type}`);
        return { type: 'null' };
    }
  }
  // Camunda trims parameter text; whitespace only means null.
  const raw = text(parameter, 'value')?.trim();
  if (raw === undefined || raw === '') return { type: 'null' };
  const expression = problems.expression(ownerId, raw);
  return expression ? { type: 'expression', expression } : { type: 'null' };
}

export function readInputOutput(element: ModdleElement, problems: ProblemCollector): { inputs: IoParameter[]; outputs: IoParameter[] } {
  const io = extensionValues(element).find((v) => v.$type === 'camunda:InputOutput');
  if (!io) return { inputs: [], outputs: [] };
  const read = (key: string) =>
    children(io, key).map((parameter) => ({
      name: text(parameter, 'name') ?? '',
      value: readIoValue(parameter, parameter.definition as ModdleElement | undefined, element.id, problems),
    }));
  return { inputs: read('inputParameters'), outputs: read('outputParameters') };
}

/**
 * camunda:taskPriority (or jobPriority): an expression, or else a constant that must be an integer
 * (Camunda's BpmnParse#parsePriority).
 */
export function readPriority(elementId: string | undefined, source: string | undefined, attribute: string, problems: ProblemCollector): CompiledExpression | undefined {
  if (source === undefined) return undefined;
  if (!/[$#]\{/.test(source) && !/^[+-]?\d+$/.test(source.trim())) {
    problems.add(elementId, `Value '${source}' for attribute '${attribute}' is not a valid number`);
    return undefined;
  }
  return problems.expression(elementId, source);
}
