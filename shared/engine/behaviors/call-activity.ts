import type { CallActivityNode, CallMapping } from '../../bpmn/model.ts';
import { type CompiledExpression, evaluate, type ExpressionContext } from '../../expression/index.ts';
import type { BehaviorContext } from '../behavior-context.ts';
import type { Delegate } from '../delegates.ts';
import { EngineError, processEngineError } from '../errors.ts';
import type { CallTarget } from '../events.ts';
import { createDelegateExecution, createExpressionContext } from '../execution-facade.ts';
import { resolveDelegate } from '../invoke-implementation.ts';
import { getOwn, hasOwn, setOwn } from '../own-properties.ts';
import type { ActivityInstanceState, TypedValue, Variables } from '../state.ts';
import { fromTypedValue, toTypedValue } from '../typed-values.ts';
import { setTyped } from '../set-typed.ts';
import type { Behavior } from './behavior.ts';
import { callerCatches } from './event-propagation.ts';

/** What Camunda's passOutputVariables filters out of the non-local outputs. */
const LOOP_COUNTERS = new Set(['nrOfInstances', 'nrOfActiveInstances', 'nrOfCompletedInstances']);

/** How deep a call hierarchy may nest (a process calling itself must end its recursion before). */
export const MAX_CALL_DEPTH = 200;

/**
 * A call activity starts an instance of another process and waits until it ends (Camunda's
 * CallableElementActivityBehavior). The engine decides the new instance's id, variables and target
 * and announces the call; the service starts it through a durable hand-over and, when it ends,
 * continues this instance (shared/engine/call-operations.ts) with its variables.
 */
export const callActivityBehavior: Behavior<CallActivityNode> = {
  execute(ctx, instance, node) {
    const depth = (ctx.state.caller?.depth ?? 0) + 1;
    // Camunda has no limit but its stack; calls are carried out in the request, so this bounds the request.
    if (depth > MAX_CALL_DEPTH) throw processEngineError(`Call activity '${node.id}' would nest a called instance ${depth} levels deep; at most ${MAX_CALL_DEPTH} are allowed`);
    const target = callTarget(ctx, instance, node);
    const variables = inputVariables(ctx, instance, node);
    const businessKey = node.businessKey ? ctx.evaluate(node.businessKey, instance) : undefined;
    const calledInstanceId = ctx.env.newId();
    instance.calledInstanceId = calledInstanceId;
    ctx.events.push({
      type: 'callStarted',
      calledInstanceId,
      callActivityInstanceId: instance.id,
      activityId: node.id,
      target,
      variables,
      ...(businessKey === undefined || businessKey === null ? {} : { businessKey: String(businessKey) }),
      caller: {
        processInstanceId: ctx.state.id,
        activityInstanceId: instance.id,
        rootProcessInstanceId: ctx.state.caller?.rootProcessInstanceId ?? ctx.state.id,
        depth,
        catches: callerCatches(ctx, instance),
      },
    });
  },
  cancel(ctx, instance) {
    if (!instance.calledInstanceId) return;
    if (ctx.options.skipSubprocesses) {
      ctx.events.push({ type: 'calledInstanceDetached', calledInstanceId: instance.calledInstanceId });
      return;
    }
    // Camunda deletes the called instance (and what it called) with the call activity.
    const { skipCustomListeners, skipIoMappings, externalCancellation } = ctx.options;
    ctx.events.push({ type: 'calledInstanceCancelled', calledInstanceId: instance.calledInstanceId, skipCustomListeners, skipIoMappings, externallyTerminated: externalCancellation ?? false });
  },
};

/** The called element, binding and tenant as the call activity's expressions evaluate now. */
function callTarget(ctx: BehaviorContext, instance: ActivityInstanceState, node: CallActivityNode): CallTarget {
  const key = ctx.evaluate(node.calledElement, instance);
  if (typeof key !== 'string' || key === '') throw processEngineError(`The called element of call activity '${node.id}' evaluated to '${String(key)}', not to a process definition key`);
  const target: CallTarget = { key, binding: node.binding.type };
  if (node.binding.type === 'version') {
    const version = Number(ctx.evaluate(node.binding.version, instance));
    if (!Number.isInteger(version)) throw processEngineError(`The calledElementVersion of call activity '${node.id}' is not a whole number`);
    target.version = version;
  }
  if (node.binding.type === 'versionTag') target.versionTag = String(ctx.evaluate(node.binding.versionTag, instance));
  if (node.tenantId) {
    const tenantId = ctx.evaluate(node.tenantId, instance);
    target.tenantId = tenantId === null || tenantId === undefined || tenantId === '' ? null : String(tenantId);
  }
  return target;
}

/** camunda:in, in order, then the variable mapping delegate: the called instance's start variables. */
function inputVariables(ctx: BehaviorContext, instance: ActivityInstanceState, node: CallActivityNode): Variables {
  const variables: Variables = {};
  for (const mapping of node.inMappings) {
    if (mapping.type === 'all') {
      for (const [name, value] of Object.entries(mapping.local ? (instance.variables ?? {}) : ctx.visibleVariables(instance))) setOwn(variables, name, value);
      continue;
    }
    setOwn(
      variables,
      mapping.target,
      mappedValue(
        mapping,
        (name) => (mapping.local ? getOwn(instance.variables, name) : getOwn(ctx.variableOwner(instance, name)?.variables, name)),
        (expression) => ctx.evaluate(expression, instance),
      ),
    );
  }
  if (node.variableMapping) {
    const plain: Record<string, unknown> = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, fromTypedValue(value)]));
    const delegate = variableMappingOf(ctx, instance, node, 'mapInputVariables');
    invokeMapping(() => delegate.mapInputVariables!(createDelegateExecution(ctx, instance), plain));
    // What the delegate removed goes; what it set or changed is typed anew; the rest keeps its type.
    for (const name of Object.keys(variables)) if (!hasOwn(plain, name)) delete variables[name];
    for (const [name, value] of Object.entries(plain)) {
      if (!hasOwn(variables, name) || JSON.stringify(fromTypedValue(variables[name]!)) !== JSON.stringify(value)) setOwn(variables, name, toTypedValue(value));
    }
  }
  return variables;
}

/** One source/sourceExpression mapping's value: a copied variable keeps its type. */
function mappedValue(mapping: Exclude<CallMapping, { type: 'all' }>, read: (name: string) => TypedValue | undefined, evaluateExpression: (expression: CompiledExpression) => unknown): TypedValue {
  if (mapping.type === 'variable') return read(mapping.source) ?? { type: 'Null', value: null };
  return toTypedValue(evaluateExpression(mapping.expression));
}

/**
 * camunda:out, in order, then the variable mapping delegate, from the ended called instance's
 * variables. A sourceExpression sees those variables by name (and the registered beans).
 */
export function applyOutputVariables(ctx: BehaviorContext, instance: ActivityInstanceState, node: CallActivityNode, calledVariables: Variables): void {
  const inCalled: ExpressionContext = {
    resolve(name) {
      if (hasOwn(calledVariables, name)) return { value: fromTypedValue(calledVariables[name]!) };
      const bean = ctx.env.registry.get(name);
      return bean === undefined ? undefined : { value: bean };
    },
  };
  const outputs: { name: string; value: TypedValue; local: boolean }[] = [];
  for (const mapping of node.outMappings) {
    if (mapping.type === 'all') {
      for (const [name, value] of Object.entries(calledVariables)) outputs.push({ name, value, local: mapping.local });
      continue;
    }
    outputs.push({
      name: mapping.target,
      value: mappedValue(
        mapping,
        (name) => getOwn(calledVariables, name),
        (expression) => evaluate(expression, inCalled),
      ),
      local: mapping.local,
    });
  }
  // Camunda sets the non-local outputs first, without a multi-instance body's counters, then the local ones.
  for (const output of outputs.filter((o) => !o.local && !LOOP_COUNTERS.has(o.name))) setTyped(ctx, instance, output.name, output.value, false);
  for (const output of outputs.filter((o) => o.local)) setTyped(ctx, instance, output.name, output.value, true);
  if (node.variableMapping) {
    const delegate = variableMappingOf(ctx, instance, node, 'mapOutputVariables');
    invokeMapping(() =>
      delegate.mapOutputVariables!(createDelegateExecution(ctx, instance), {
        getVariable: (name) => (hasOwn(calledVariables, name) ? fromTypedValue(calledVariables[name]!) : null),
        getVariables: () => Object.fromEntries(Object.entries(calledVariables).map(([name, value]) => [name, fromTypedValue(value)])),
      }),
    );
  }
}

/** The call activity's DelegateVariableMapping, with Camunda's ENGINE-02041 when the object is none. */
function variableMappingOf(ctx: BehaviorContext, instance: ActivityInstanceState, node: CallActivityNode, method: 'mapInputVariables' | 'mapOutputVariables'): Delegate {
  const mapping = node.variableMapping as Exclude<CallActivityNode['variableMapping'], { type: 'expression' } | undefined>;
  const delegate = resolveDelegate(ctx.env.registry, mapping, (impl) => evaluate(impl.expression, createExpressionContext(ctx, instance)));
  if (typeof delegate[method] !== 'function') {
    const name = mapping.type === 'class' ? mapping.className : mapping.expression.text;
    throw processEngineError(`ENGINE-02041 Class '${name}' doesn't implement 'org.camunda.bpm.engine.delegate.DelegateVariableMapping'.`);
  }
  return delegate;
}

/** Whatever the mapping throws fails the operation (Camunda wraps it; a BpmnError is not caught by any boundary event). */
function invokeMapping(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw processEngineError(error instanceof Error ? error.message : String(error));
  }
}
