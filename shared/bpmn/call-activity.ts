import type { CompiledExpression } from '../expression/index.ts';
import type { CallActivityNode, CalledElementBinding, CallMapping } from './task-nodes.ts';
import { extensionValues, type ModdleElement, text } from './moddle-types.ts';
import { type ProblemCollector, readImplementation } from './parse-extensions.ts';

/** What a call activity adds to the fields every flow node has. */
export type CallDraft = Pick<CallActivityNode, 'calledElement' | 'binding' | 'tenantId' | 'inMappings' | 'outMappings' | 'businessKey' | 'variableMapping'>;

/**
 * Reads a call activity's camunda attributes and its camunda:in / camunda:out mappings, with
 * Camunda's parse errors (BpmnParse.parseCallActivity, CallableElementUtil).
 */
export function readCallActivity(element: ModdleElement, problems: ProblemCollector): CallDraft | undefined {
  const id = element.id!;
  const calledElementText = text(element, 'calledElement');
  if (!calledElementText) {
    problems.add(id, `Missing attribute 'calledElement' or 'caseRef' on call activity '${id}'`);
    return undefined;
  }
  const calledElement = problems.expression(id, calledElementText);
  const binding = readBinding(element, id, problems);
  const tenantIdText = text(element, 'calledElementTenantId');
  const tenantId = tenantIdText === undefined ? undefined : problems.expression(id, tenantIdText);
  const inMappings: CallMapping[] = [];
  let businessKey: CompiledExpression | undefined;
  for (const value of extensionValues(element)) {
    if (value.$type !== 'camunda:In') continue;
    const key = text(value, 'businessKey');
    // An empty businessKey is an ordinary variable mapping in Camunda.
    if (key !== undefined && key !== '') businessKey = problems.expression(id, key);
    else pushMapping(inMappings, value, id, problems);
  }
  const outMappings: CallMapping[] = [];
  for (const value of extensionValues(element)) if (value.$type === 'camunda:Out') pushMapping(outMappings, value, id, problems);
  const variableMapping = readVariableMapping(element, id, problems);
  if (!calledElement || !binding) return undefined;
  return { calledElement, binding, tenantId, inMappings, outMappings, businessKey, variableMapping };
}

/** Camunda treats a missing or unknown binding as `latest`, without a parse error. */
function readBinding(element: ModdleElement, id: string, problems: ProblemCollector): CalledElementBinding | undefined {
  const binding = text(element, 'calledElementBinding');
  switch (binding) {
    case 'deployment':
      return { type: binding };
    case 'version': {
      const version = bindingValue(element, 'calledElementVersion', binding, id, problems);
      return version && { type: 'version', version };
    }
    case 'versionTag': {
      const versionTag = bindingValue(element, 'calledElementVersionTag', binding, id, problems);
      return versionTag && { type: 'versionTag', versionTag };
    }
    default:
      return { type: 'latest' };
  }
}

/** The attribute a version or versionTag binding needs, as an expression; Camunda's parse error without it. */
function bindingValue(element: ModdleElement, attribute: string, binding: string, id: string, problems: ProblemCollector): CompiledExpression | undefined {
  const value = text(element, attribute);
  if (!value) {
    problems.add(id, `Missing attribute '${attribute}' when 'calledElementBinding' has value '${binding}' ('${id}')`);
    return undefined;
  }
  return problems.expression(id, value);
}

/** One camunda:in or camunda:out: all variables, one by name, or an expression, into a target. */
function pushMapping(mappings: CallMapping[], value: ModdleElement, id: string, problems: ProblemCollector): void {
  const local = value.local === true;
  if (text(value, 'variables') === 'all') {
    mappings.push({ type: 'all', local });
    return;
  }
  const source = text(value, 'source');
  const sourceExpression = text(value, 'sourceExpression');
  const target = text(value, 'target');
  // Camunda's strict call activity validation (BpmnParse.parseInputParameter / parseOutputParameter).
  const problem = mappingProblem(source, sourceExpression, target);
  if (problem) {
    problems.add(id, `${problem} ('${id}')`);
    return;
  }
  if (source !== undefined) {
    mappings.push({ type: 'variable', source, target: target!, local });
    return;
  }
  const expression = problems.expression(id, sourceExpression!);
  if (expression) mappings.push({ type: 'expression', expression, target: target!, local });
}

/** Camunda's strict call activity validation of one mapping (BpmnParse.parseInputParameter / parseOutputParameter). */
function mappingProblem(source: string | undefined, sourceExpression: string | undefined, target: string | undefined): string | undefined {
  if (source === undefined && sourceExpression === undefined) return `Missing parameter 'source' or 'sourceExpression' when passing variables`;
  if (source !== undefined && source.trim() === '') return `Empty attribute 'source' when passing variables`;
  if (sourceExpression !== undefined && sourceExpression.trim() === '') return `Empty attribute 'sourceExpression' when passing variables`;
  if (target === undefined) return `Missing attribute 'target' when attribute 'source' or 'sourceExpression' is set`;
  if (target.trim() === '') return `Empty attribute 'target' when attribute 'source' or 'sourceExpression' is set`;
  return undefined;
}

/** camunda:variableMappingClass or variableMappingDelegateExpression, resolved through the delegate registry. */
function readVariableMapping(element: ModdleElement, id: string, problems: ProblemCollector): CallDraft['variableMapping'] {
  const className = text(element, 'variableMappingClass');
  const delegateExpression = text(element, 'variableMappingDelegateExpression');
  if (className !== undefined && delegateExpression !== undefined) {
    problems.add(id, `Only one of variableMappingClass or variableMappingDelegateExpression may be set on call activity '${id}'`);
    return undefined;
  }
  return readImplementation({ $type: element.$type, class: className, delegateExpression }, id, problems);
}
