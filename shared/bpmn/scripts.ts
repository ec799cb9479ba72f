/**
 * Scripts in a model (Camunda's ScriptUtil#getScript): a script task's script, camunda:script in
 * listeners and input/output parameters, and conditions with a `language`. JavaScript runs in a
 * WebAssembly sandbox (docs/decisions.md #48); JUEL "scripts" are expressions, so they compile to
 * the expression they are. Other languages (Groovy, Python, …) have no engine here and are refused
 * at deployment with the element and the language named.
 */
import type { CompiledExpression } from '../expression/index.ts';
import { type ModdleElement, text } from './moddle-types.ts';
import type { Condition, ScriptDef } from './script-def.ts';

/** What reading a script records into (the parser's ProblemCollector). */
interface ScriptProblems {
  add(elementId: string | undefined, message: string): void;
  expression(elementId: string | undefined, source: string): CompiledExpression | undefined;
  readonly scripts: ScriptDef[];
}

/** Camunda's ScriptingEngines.DEFAULT_SCRIPTING_LANGUAGE: a script task without scriptFormat. */
export const DEFAULT_SCRIPT_FORMAT = 'juel';

/** Names Camunda's JSR-223 lookup finds a JavaScript engine under (it lower-cases the format). */
const JAVASCRIPT_NAMES = new Set(['javascript', 'js', 'ecmascript', 'graal.js', 'nashorn']);

const DYNAMIC = /^\s*[$#]\{[\s\S]*\}\s*$/;

/** `deployment://name` and a plain path both name a resource of the script's own deployment. */
function resourceName(resource: string): string {
  return resource.startsWith('deployment://') ? resource.slice('deployment://'.length) : resource;
}

/**
 * The script a format, an inline text and a camunda:resource make, or undefined with the problem
 * recorded. `what` names the element for messages ("script task 'x'", "execution listener of 'x'").
 */
export function readScript(
  elementId: string | undefined,
  what: string,
  format: string | undefined,
  inline: string | undefined,
  resource: string | undefined,
  problems: ScriptProblems,
): ScriptDef | CompiledExpression | undefined {
  if (!format) {
    problems.add(elementId, `Missing attribute 'scriptFormat' for 'script' element of ${what}`);
    return undefined;
  }
  if (!inline?.trim() && !resource) {
    problems.add(elementId, `Unable to process the script of ${what}: No script source or resource was given`);
    return undefined;
  }
  const language = format.toLowerCase();
  if (language === 'juel') {
    if (resource) {
      problems.add(elementId, `The juel script of ${what} names a resource ('${resource}'); only an inline juel script is supported`);
      return undefined;
    }
    return problems.expression(elementId, inline!.trim());
  }
  if (!JAVASCRIPT_NAMES.has(language)) {
    problems.add(elementId, `Script language '${format}' of ${what} is not supported: scripts run in javascript (in a sandbox) or juel`);
    return undefined;
  }
  const dynamic = resource ?? inline!;
  if (DYNAMIC.test(dynamic)) {
    // Camunda's DynamicSourceExecutableScript: the script text itself comes from an expression.
    problems.add(elementId, `The script of ${what} is given by the expression '${dynamic.trim()}'; only a script text or a deployment resource is supported`);
    return undefined;
  }
  const script: ScriptDef = { language: 'javascript', format, source: resource ? { resource: resourceName(resource) } : { inline: inline! } };
  problems.scripts.push(script);
  return script;
}

/** A bpmn:conditionExpression or bpmn:condition: with a `language` a script, otherwise an expression. */
export function readCondition(element: ModdleElement, elementId: string, what: string, problems: ScriptProblems): Condition | undefined {
  const language = text(element, 'language');
  const body = text(element, 'body');
  if (language === undefined) return problems.expression(elementId, (body ?? '').trim());
  return readScript(elementId, what, language, body, text(element, 'resource'), problems);
}
