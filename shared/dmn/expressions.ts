/**
 * The expressions of a decision in their languages (Camunda's ExpressionEvaluationHandler): FEEL
 * through bpmn.io's feelin, JUEL through the engine's own expression language. Expressions see the
 * variables as plain values.
 */
import { evaluate as evaluateFeel, FeelDate, FeelDateTime, FeelDuration, FeelTime, unaryTest } from 'feelin';
import { type CompiledExpression, parseExpression } from '../expression/index.ts';
import { evaluate as evaluateJuel } from '../expression/evaluate.ts';
import { DmnEvaluationError } from './errors.ts';
import { isFeel, isJuel } from './languages.ts';
import type { DmnExpression } from './model.ts';

export type Context = Readonly<Record<string, unknown>>;

/**
 * FEEL's own values as plain ones: a date-time as the instant it names (a local one in the engine's
 * zone, UTC), as Camunda's JavaValueMapper gives a ZonedDateTime; dates, times and durations as their
 * ISO text; lists and contexts element by element.
 */
function plain(value: unknown): unknown {
  if (value instanceof FeelDateTime) return new Date(value.unwrap().toZonedDateTime(value.zone ?? 'UTC').epochMilliseconds);
  if (value instanceof FeelDate || value instanceof FeelTime || value instanceof FeelDuration) return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

const feelFailure = (text: string, error: unknown) => new DmnEvaluationError(`FEEL/SCALA-01008 Error while evaluating expression: failed to parse expression '${text}': ${(error as Error).message}`);

const juelCache = new Map<string, CompiledExpression>();

/** A JUEL text as Camunda evaluates it: wrapped in `${…}` unless it already is an expression. */
function juel(text: string, context: Context): unknown {
  const source = /^[$#]\{[\s\S]*\}$/.test(text) ? text : `\${${text}}`;
  try {
    let compiled = juelCache.get(source);
    if (!compiled) {
      compiled = parseExpression(source);
      if (juelCache.size > 1000) juelCache.clear();
      juelCache.set(source, compiled);
    }
    return evaluateJuel(compiled, { resolve: (name) => (Object.hasOwn(context, name) ? { value: context[name] } : undefined) });
  } catch {
    throw new DmnEvaluationError(`DMN-01002 Unable to evaluate expression for language 'juel': '${source}'`);
  }
}

/** Any language but FEEL and JUEL (script languages are refused at deployment): Camunda finds no script engine for it. */
function noScriptEngine(language: string | null): DmnEvaluationError {
  return new DmnEvaluationError(`DMN-01003 Unable to find script engine for expression language '${language}'.`);
}

/**
 * The variables a FEEL text can name: those whose name occurs in it. feelin reads (and converts) its
 * whole context on every call, which costs more than the evaluation itself with many variables; a
 * name that does not occur in the text cannot be referenced by it.
 */
function namedIn(text: string, context: Context): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (const name of Object.keys(context)) if (text.includes(name)) named[name] = context[name];
  return named;
}

/** An input expression, output entry or literal expression. */
export function evaluateExpression(expression: DmnExpression, context: Context): unknown {
  if (isJuel(expression.language)) return juel(expression.text, context);
  if (!isFeel(expression.language)) throw noScriptEngine(expression.language);
  try {
    return plain(evaluateFeel(expression.text, namedIn(expression.text, context)).value);
  } catch (error) {
    throw feelFailure(expression.text, error);
  }
}

/**
 * Whether a rule's input entry accepts the input: an empty entry always does; FEEL entries are
 * unary tests of the input value (feelin's `?`, and feel-scala's input variable); others must
 * evaluate to exactly true.
 */
export function inputEntryMatches(entry: DmnExpression, input: { variable: string; value: unknown }, context: Context): boolean {
  if (entry.text === '') return true;
  const local = { ...context, inputVariableName: input.variable, [input.variable]: input.value };
  if (isJuel(entry.language)) return juel(entry.text, local) === true;
  if (!isFeel(entry.language)) throw noScriptEngine(entry.language);
  try {
    return unaryTest(entry.text, { ...namedIn(entry.text, local), '?': input.value }).value === true;
  } catch (error) {
    throw feelFailure(entry.text, error);
  }
}
