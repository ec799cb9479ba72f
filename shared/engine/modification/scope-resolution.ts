import type { FlowNode } from '../../bpmn/model.ts';
import { behaviorOf } from '../behaviors/behavior-table.ts';
import { notValid, processEngineError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { ActivityInstanceState, Variables } from '../state.ts';

/** Where a start instruction's token goes, and which scope instances the instruction had to create. */
export interface ResolvedScope {
  scope: ActivityInstanceState;
  created: ActivityInstanceState[];
}

/** The flow scope ids from `flowScopeId` up to the process, nearest first. */
function scopeChain(runtime: Runtime, flowScopeId: string): string[] {
  const chain: string[] = [];
  for (let id: string | undefined = flowScopeId; id; id = runtime.model.nodes.get(id)?.scopeId) {
    chain.push(id);
    if (id === runtime.model.root.id) break;
  }
  return chain;
}

function instancesOfScope(runtime: Runtime, scopeId: string): ActivityInstanceState[] {
  if (scopeId === runtime.model.root.id) return [runtime.state.root];
  return runtime.tree.all().filter((n) => n.activityId === scopeId && !n.transition && n !== runtime.state.root);
}

function describeScope(runtime: Runtime, scopeId: string): string {
  return scopeId === runtime.model.root.id ? `ProcessDefinition(${runtime.state.definitionId})` : `Activity(${scopeId})`;
}

/**
 * Camunda's target-scope selection (reference §2.5). Without an ancestor the token joins the single
 * existing instance of the nearest instantiated scope (several: ambiguous); with an ancestor, every
 * scope below it down to the target's flow scope is instantiated afresh. Missing scopes are created
 * top-down with their listeners, mappings, boundary events and event sub-process triggers.
 */
export function resolveTargetScope(
  runtime: Runtime,
  flowScopeId: string,
  ancestorActivityInstanceId: string | undefined,
  describe: string,
  elementId: string,
  /** The flow scope Camunda names in the ambiguity error (the target's own, which may lie below `flowScopeId`). */
  reportedScopeId = flowScopeId,
): ResolvedScope {
  const chain = scopeChain(runtime, flowScopeId);
  let start: ActivityInstanceState;
  let toCreate: string[];
  if (ancestorActivityInstanceId !== undefined) {
    const candidate = runtime.tree.get(ancestorActivityInstanceId);
    const ancestor = candidate && !candidate.transition ? candidate : undefined;
    if (!ancestor) {
      throw notValid(`Cannot perform instruction: ${describe}; Ancestor activity instance '${ancestorActivityInstanceId}' does not exist: ancestorInstance is null`);
    }
    const at = chain.indexOf(ancestor === runtime.state.root ? runtime.model.root.id : ancestor.activityId);
    if (at < 0) {
      throw notValid(`Cannot perform instruction: ${describe}; Scope execution for '${ancestorActivityInstanceId}' cannot be found in parent hierarchy of flow element '${elementId}'`);
    }
    start = ancestor;
    toCreate = chain.slice(0, at).reverse();
  } else {
    let at = 0;
    let instances = instancesOfScope(runtime, chain[0]!);
    while (instances.length === 0) {
      at += 1;
      instances = instancesOfScope(runtime, chain[at]!);
    }
    if (instances.length > 1) {
      throw processEngineError(`Ancestor activity execution is ambiguous for activity ${describeScope(runtime, reportedScopeId)}`);
    }
    start = instances[0]!;
    toCreate = chain.slice(0, at).reverse();
  }
  const created: ActivityInstanceState[] = [];
  let scope = start;
  for (const scopeId of toCreate) {
    const parentDefinition = runtime.defOf(scope);
    const locals = behaviorOf(parentDefinition).childStartedByModification?.(scope, parentDefinition, created.includes(scope));
    scope = createMissingScope(runtime, scope, runtime.def(scopeId), locals);
    created.push(scope);
  }
  return { scope, created };
}

/** A scope instantiated on the way to a target: entered, but its normal start is not run. */
function createMissingScope(runtime: Runtime, parent: ActivityInstanceState, definition: FlowNode, locals?: Variables): ActivityInstanceState {
  const instance = runtime.createActivityInstance(parent, definition, locals);
  behaviorOf(definition).instantiatedByModification?.(instance, definition);
  return instance;
}
