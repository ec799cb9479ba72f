/**
 * A business-rule task that evaluates a DMN decision (Camunda's DmnBusinessRuleTaskActivityBehavior):
 * camunda:decisionRef with its binding, version, version tag and tenant, the result variable and
 * how the result maps into it. The references are read as constants: a decision named by an
 * expression is refused (the engine loads the decisions a process evaluates before it runs it).
 */
import type { ModdleElement } from './moddle-types.ts';
import { text } from './moddle-types.ts';
import type { ProblemCollector } from './parse-extensions.ts';
import type { DecisionBinding, DecisionResultMapping, DecisionTaskNode } from './task-nodes.ts';

const MAPPINGS: readonly DecisionResultMapping[] = ['singleEntry', 'singleResult', 'collectEntries', 'resultList'];

const isExpression = (value: string) => /[$#]\{/.test(value);

export function readDecisionTask(
  element: ModdleElement,
  id: string,
  problems: ProblemCollector,
): NonNullable<Pick<DecisionTaskNode, 'decisionRef' | 'binding' | 'tenantId' | 'resultVariable' | 'mapDecisionResult'>> | undefined {
  const decisionRef = text(element, 'decisionRef') ?? '';
  const constant = (name: string, value: string | undefined) => {
    if (value !== undefined && isExpression(value)) {
      problems.add(id, `camunda:${name} '${value}' of business rule task '${id}' is an expression; only a constant is supported`);
      return undefined;
    }
    return value;
  };
  if (!constant('decisionRef', decisionRef)) return undefined;
  const binding = readBinding(element, id, problems, constant);
  const mapping = text(element, 'mapDecisionResult') ?? 'resultList';
  if (!MAPPINGS.includes(mapping as DecisionResultMapping)) {
    // Camunda's BpmnParse#parseDecisionResultMapper.
    problems.add(id, `No decision result mapper found for name '${mapping}'. Supported mappers are 'singleEntry', 'singleResult', 'collectEntries' and 'resultList'.`);
    return undefined;
  }
  const tenantId = constant('decisionRefTenantId', text(element, 'decisionRefTenantId'));
  const resultVariable = text(element, 'resultVariable');
  if (!binding) return undefined;
  return { decisionRef, binding, ...(tenantId ? { tenantId } : {}), ...(resultVariable ? { resultVariable } : {}), mapDecisionResult: mapping as DecisionResultMapping };
}

function readBinding(element: ModdleElement, id: string, problems: ProblemCollector, constant: (name: string, value: string | undefined) => string | undefined): DecisionBinding | undefined {
  const binding = text(element, 'decisionRefBinding') ?? 'latest';
  switch (binding) {
    case 'latest':
    case 'deployment':
      return { type: binding };
    case 'version': {
      const version = constant('decisionRefVersion', text(element, 'decisionRefVersion'));
      if (version === undefined || !/^\d+$/.test(version)) {
        problems.add(id, `Could not parse BPMN process. Missing attribute 'decisionRefVersion' when 'decisionRefBinding' has value 'version'`);
        return undefined;
      }
      return { type: 'version', version: Number(version) };
    }
    case 'versionTag': {
      const versionTag = constant('decisionRefVersionTag', text(element, 'decisionRefVersionTag'));
      if (!versionTag) {
        problems.add(id, `Could not parse BPMN process. Missing attribute 'decisionRefVersionTag' when 'decisionRefBinding' has value 'versionTag'`);
        return undefined;
      }
      return { type: 'versionTag', versionTag };
    }
    default:
      problems.add(id, `Invalid attribute value for 'decisionRefBinding': '${binding}' is not one of latest, deployment, version, versionTag`);
      return undefined;
  }
}
