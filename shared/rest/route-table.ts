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

/**
 * Negative when `a` is the more specific pattern (a literal where `b` has a parameter first). A total
 * order, as sorting needs: segment by segment, a literal before a parameter and literals by their
 * text, then the shorter pattern first. Two patterns that fit one path have the same literals where
 * both have literals, so between them the first literal-against-parameter position decides.
 */
export function bySpecificity(a: CompiledPattern, b: CompiledPattern): number {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const x = a.segments[i]!;
    const y = b.segments[i]!;
    const xLiteral = 'literal' in x;
    const yLiteral = 'literal' in y;
    if (xLiteral !== yLiteral) return xLiteral ? -1 : 1;
    if (xLiteral && yLiteral && x.literal !== y.literal) return x.literal < y.literal ? -1 : 1;
  }
  return a.segments.length - b.segments.length;
}

/** A request path's segments; a trailing slash is ignored. */
export function pathSegments(path: string): string[] {
  return path.split('/').filter(Boolean);
}
