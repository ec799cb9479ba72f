/** The port through which the engine runs scripts: implemented outside the pure core (the WebAssembly sandbox). */
import type { ScriptDef } from '../bpmn/model.ts';

/** The objects a script may call methods of. */
export type ScriptTarget = 'execution' | 'task';

/** What a script is given: its global names, resolved on use, and the methods of its objects. */
export interface ScriptScope {
  /** Whether a variable of this name is visible from the script's scope (asked when the script uses the name). */
  has(name: string): boolean;
  readonly hasTask: boolean;
  /** A variable's value (plain JS: dates as Date) or undefined when there is none. */
  variable(name: string): unknown;
  /** Calls `execution.method(...args)` or `task.method(...args)`; arguments and result are plain JS values. */
  invoke(target: ScriptTarget, method: string, args: readonly unknown[]): unknown;
}

/** The failure of a script itself: what it threw, or the limit it ran into ("Error: boom"). */
export class ScriptFailure extends Error {
  override readonly name = 'ScriptFailure';
}

/** Runs a script synchronously; throws {@link ScriptFailure}, or a BpmnError the script threw. */
export interface ScriptRunner {
  run(definitionId: string, script: ScriptDef, scope: ScriptScope): unknown;
}
