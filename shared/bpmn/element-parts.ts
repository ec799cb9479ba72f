import type { CompiledExpression } from '../expression/index.ts';
import type { Condition, ScriptDef } from './script-def.ts';

export type { Condition, ScriptDef } from './script-def.ts';

/** A listener, delegate or task-listener implementation as written in camunda:* attributes. */
export type Implementation =
  | { readonly type: 'expression'; readonly expression: CompiledExpression }
  | { readonly type: 'delegateExpression'; readonly expression: CompiledExpression }
  | { readonly type: 'class'; readonly className: string };

/** An implementation given as camunda:expression: evaluated for its value and side effects. */
export type ExpressionImplementation = Extract<Implementation, { readonly type: 'expression' }>;

/** What a listener runs: an implementation, or a camunda:script (JavaScript; JUEL scripts are expressions). */
export type ListenerImplementation = Implementation | { readonly type: 'script'; readonly script: ScriptDef };

/** An execution or task listener: the event it listens to and what it runs. */
export interface ListenerDef {
  readonly event: string;
  readonly implementation: ListenerImplementation;
}

/** camunda:inputParameter / camunda:outputParameter value shapes. */
export type IoValue =
  | { readonly type: 'expression'; readonly expression: CompiledExpression }
  | { readonly type: 'script'; readonly script: ScriptDef }
  | { readonly type: 'list'; readonly items: readonly IoValue[] }
  | { readonly type: 'map'; readonly entries: readonly { readonly key: string; readonly value: IoValue }[] }
  | { readonly type: 'null' };

/** One camunda:inputParameter or camunda:outputParameter. */
export interface IoParameter {
  readonly name: string;
  readonly value: IoValue;
}

/** Which of BPMN's three timer definitions a timer event uses. */
export type TimerKind = 'timeDuration' | 'timeDate' | 'timeCycle';

/** A timer event's definition; the expression yields the ISO 8601 text when the timer is armed. */
export interface TimerDef {
  readonly kind: TimerKind;
  readonly expression: CompiledExpression;
}

interface MultiInstanceLoop {
  readonly isSequential: boolean;
  readonly elementVariable?: string;
  readonly completionCondition?: CompiledExpression;
  /** camunda:asyncBefore/asyncAfter on the loop characteristics apply to each inner instance. */
  readonly innerAsyncBefore: boolean;
  readonly innerAsyncAfter: boolean;
}

/**
 * A multi-instance loop. It runs once per element of a collection (an expression, or the name of a
 * variable) or a number of times given by loopCardinality; with both, the collection decides, as in
 * Camunda. The parser refuses a loop with neither, so one of the two is always there.
 */
export type MultiInstanceDef = MultiInstanceLoop &
  ({ readonly collection: CompiledExpression | string; readonly loopCardinality?: CompiledExpression } | { readonly collection?: undefined; readonly loopCardinality: CompiledExpression });

/**
 * What an error catch event (boundary event or event sub-process start) catches. Without a code it
 * catches every error; the variables receive the caught error's code and message.
 */
export interface ErrorCatchDef {
  readonly errorCode?: string;
  readonly errorCodeVariable?: string;
  readonly errorMessageVariable?: string;
}

/** What an escalation catch event catches: one code, or every escalation without one. */
export interface EscalationCatchDef {
  readonly escalationCode?: string;
  readonly escalationCodeVariable?: string;
}

/**
 * A conditional event's definition: the condition, re-evaluated when a variable changes in the
 * event's scope; `variableName` and `variableEvents` (create, update, delete) narrow which changes.
 */
export interface ConditionalDef {
  readonly condition: Condition;
  readonly variableName?: string;
  readonly variableEvents?: readonly string[];
}
