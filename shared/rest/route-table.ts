/**
 * Matching a request path against the route patterns (`/process-instance/{id}/variables`).
 * Static segments win over parameters whatever the order the routes were declared in: at the
 * first segment where two matching patterns differ, the one with the literal segment is chosen
 * (`/external-task/count` before `/external-task/{id}`).
 */

/** The `{name}` placeholders of a pattern, as a union of their names. */
export type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;

type Segment = { literal: string } | { param: string };

export interface CompiledPattern {
  pattern: string;
  segments: Segment[];
}

export function compilePattern(pattern: string): CompiledPattern {
  const segments = pattern
    .split('/')
    .filter(Boolean)
    .map((part): Segment => {
      const param = /^\{(\w+)\}$/.exec(part);
      return param ? { param: param[1]! } : { literal: part };
    });
  return { pattern, segments };
}

/** Raw (still percent-encoded) parameter values when the path fits the pattern. */
export function matchPattern(compiled: CompiledPattern, pathSegments: readonly string[]): Record<string, string> | undefined {
  if (pathSegments.length !== compiled.segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pathSegments.length; i++) {
    const segment = compiled.segments[i]!;
    if ('literal' in segment) {
      if (segment.literal !== pathSegments[i]) return undefined;
    } else {
      params[segment.param] = pathSegments[i]!;
    }
  }
  return params;
}

/** Negative when `a` is the more specific pattern (a literal where `b` has a parameter first). */
export function bySpecificity(a: CompiledPattern, b: CompiledPattern): number {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const aLiteral = 'literal' in a.segments[i]!;
    const bLiteral = 'literal' in b.segments[i]!;
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}

/** A request path's segments; a trailing slash is ignored. */
export function pathSegments(path: string): string[] {
  return path.split('/').filter(Boolean);
}
