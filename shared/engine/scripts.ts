/**
 * Running a model's scripts from the engine: what a script sees (Camunda's ScriptBindings: the
 * `execution`, `task` in task listeners, and every visible variable by its name) and how its
 * failures read. The script itself runs in the injected {@link ScriptRunner} (a WebAssembly sandbox
 * in production): the engine stays pure, it hands over names and methods, never its objects.
 */
import type { ScriptDef } from '../bpmn/model.ts';
import { BpmnError } from './delegates.ts';
import { EngineError, processEngineError } from './errors.ts';
import type { ExecutionContext } from './execution-context.ts';
import { createDelegateExecution, createDelegateTask } from './execution-facade.ts';
import { INVOKE } from '../expression/index.ts';
import { getOwn, hasOwn } from './own-properties.ts';
import type { ActivityInstanceState, TypedValue } from './state.ts';
import { ScriptFailure, type ScriptScope } from './script-runner.ts';

export { ScriptFailure, type ScriptRunner, type ScriptScope, type ScriptTarget } from './script-runner.ts';

/**
 * Runs a script for a token and returns its completion value (a JS value; undefined as null).
 * Failures read as Camunda's ScriptEvaluationException; a BpmnError the script threw propagates as one.
 */
export function runScript(ctx: ExecutionContext, instance: ActivityInstanceState, script: ScriptDef, options: { eventName?: string; taskEvent?: string } = {}): unknown {
  const runner = ctx.env.scripts;
  if (!runner) throw processEngineError(`No script engine is loaded for the ${script.format} script of '${instance.activityId}'`);
  try {
    return runner.run(ctx.state.definitionId, script, scriptScope(ctx, instance, options)) ?? null;
  } catch (error) {
    if (error instanceof BpmnError || !(error instanceof ScriptFailure || error instanceof EngineError)) throw error;
    // Camunda's SourceExecutableScript#evaluate message, its missing space included.
    throw new EngineError(
      'ScriptEvaluationException',
      `Unable to evaluate script while executing activity '${instance.activityId}' in the process definition with id '${ctx.state.definitionId}':${error.message}`,
    );
  }
}

/** Camunda's ScriptCondition: a script condition must yield a boolean. */
export function runScriptCondition(ctx: ExecutionContext, instance: ActivityInstanceState, script: ScriptDef): boolean {
  const result = runScript(ctx, instance, script);
  if (result === null) throw new EngineError('NullValueException', 'condition script returns null: result is null');
  if (typeof result !== 'boolean') throw processEngineError(`condition script returns non-Boolean: result has class ${javaClassOf(result)} and not java.lang.Boolean`);
  return result;
}

function javaClassOf(value: unknown): string {
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'number') return Number.isInteger(value) ? 'java.lang.Integer' : 'java.lang.Double';
  if (value instanceof Date) return 'java.util.Date';
  return Array.isArray(value) ? 'java.util.List' : 'java.util.Map';
}

/**
 * A stored variable as a script sees it: a Date variable as a Date, a Json variable as the object it
 * holds (Camunda hands scripts a Spin node instead; Spin's API is not offered here), the rest as stored.
 */
function scriptValue(typed: TypedValue | undefined): unknown {
  if (!typed) return undefined;
  if (typed.type === 'Date' && typeof typed.value === 'string') return new Date(typed.value);
  if (typed.type === 'Json' && typeof typed.value === 'string') {
    try {
      return JSON.parse(typed.value);
    } catch {
      return typed.value;
    }
  }
  return typed.value;
}

function scriptScope(ctx: ExecutionContext, instance: ActivityInstanceState, options: { eventName?: string; taskEvent?: string }): ScriptScope {
  const visible = () => ctx.visibleVariables(instance);
  const execution = createDelegateExecution(ctx, instance, options.eventName) as unknown as { [INVOKE](method: string, args: unknown[]): unknown };
  const task = options.taskEvent !== undefined && instance.task ? (createDelegateTask(ctx, instance, options.taskEvent) as unknown as typeof execution) : undefined;
  const variables = {
    getVariable: ([name]: readonly unknown[]) => scriptValue(getOwn(visible(), String(name))) ?? null,
    getVariableLocal: ([name]: readonly unknown[]) => scriptValue(getOwn(instance.variables, String(name))) ?? null,
    getVariables: () => Object.fromEntries(Object.entries(visible()).map(([name, typed]) => [name, scriptValue(typed)])),
    getVariablesLocal: () => Object.fromEntries(Object.entries(instance.variables ?? {}).map(([name, typed]) => [name, scriptValue(typed)])),
    getVariableNames: () => Object.keys(visible()),
    getVariableNamesLocal: () => Object.keys(instance.variables ?? {}),
    hasVariables: () => Object.keys(visible()).length > 0,
    hasVariableLocal: ([name]: readonly unknown[]) => hasOwn(instance.variables, String(name)),
    setVariables: ([values]: readonly unknown[]) => forEachEntry(values, (name, value) => ctx.setVariable(instance, name, value)),
    setVariablesLocal: ([values]: readonly unknown[]) => forEachEntry(values, (name, value) => ctx.setVariableLocal(instance, name, value)),
    removeVariable: ([name]: readonly unknown[]) => {
      ctx.removeVariable(instance, String(name));
      return null;
    },
    removeVariableLocal: ([name]: readonly unknown[]) => {
      if (!hasOwn(instance.variables, String(name))) return null;
      return ctx.removeVariable(instance, String(name)) ?? null;
    },
    removeVariables: () => {
      for (const name of Object.keys(visible())) ctx.removeVariable(instance, name);
      return null;
    },
  } satisfies Record<string, (args: readonly unknown[]) => unknown>;
  return {
    has: (name) => ctx.variableOwner(instance, name) !== undefined,
    hasTask: task !== undefined,
    variable: (name) => scriptValue(getOwn(visible(), name)),
    invoke(target, method, args) {
      const object = target === 'task' ? task : execution;
      if (!object) throw processEngineError(`There is no '${target}' in this script`);
      if (hasOwn(variables, method)) return variables[method as keyof typeof variables](args);
      return object[INVOKE](method, [...args]);
    },
  };
}

function forEachEntry(values: unknown, apply: (name: string, value: unknown) => void): null {
  if (!values || typeof values !== 'object' || Array.isArray(values)) throw processEngineError('setVariables expects a map of variable names to values');
  for (const [name, value] of Object.entries(values)) apply(name, value);
  return null;
}
