import type { CompiledExpression } from '../expression/index.ts';

/** A JavaScript script: its text inline, or the name of a resource of its deployment. */
export interface ScriptDef {
  readonly language: 'javascript';
  /** The scriptFormat as written, for messages. */
  readonly format: string;
  readonly source: { readonly inline: string } | { readonly resource: string };
}

/** A sequence-flow or conditional-event condition: an expression, or a script that yields a boolean. */
export type Condition = CompiledExpression | ScriptDef;

export function isScript(value: Condition): value is ScriptDef {
  return 'language' in value;
}
