/**
 * SQL LIKE as Camunda's `…Like` query parameters use it (`LIKE ? ESCAPE '\'`): `%` matches any run of
 * characters, `_` exactly one, and `\` makes the next character literal. Case-sensitive, like
 * Camunda on its default database.
 *
 * Matched without regular expressions: a pattern is split at its `%` into segments that must occur
 * in order (the first at the start, the last at the end), each found at its leftmost place. That is
 * O(value × pattern) at worst, whatever the pattern; a regular expression built from a user's pattern
 * backtracks exponentially on inputs like thirty `%` and a `!` (issue #19).
 */
export function sqlLike(pattern: string): (value: string | null | undefined) => boolean {
  const segments = parse(pattern);
  return (value) => value !== null && value !== undefined && matches([...value], segments);
}

/** One run between `%`s: literal characters, with `null` where `_` stands. */
type Segment = (string | null)[];

function parse(pattern: string): Segment[] {
  const segments: Segment[] = [[]];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) segments.at(-1)!.push(chars[++i]!);
    else if (c === '%') segments.push([]);
    else segments.at(-1)!.push(c === '_' ? null : c);
  }
  return segments;
}

function matchesAt(value: string[], at: number, segment: Segment): boolean {
  if (at + segment.length > value.length) return false;
  for (let j = 0; j < segment.length; j++) {
    const expected = segment[j];
    if (expected !== null && value[at + j] !== expected) return false;
  }
  return true;
}

function matches(value: string[], segments: Segment[]): boolean {
  if (segments.length === 1) return value.length === segments[0]!.length && matchesAt(value, 0, segments[0]!);
  const first = segments[0]!;
  const last = segments.at(-1)!;
  if (!matchesAt(value, 0, first)) return false;
  const end = value.length - last.length;
  if (end < first.length || !matchesAt(value, end, last)) return false;
  // Middle segments, each at its leftmost place between the first and the last: leftmost is always
  // safe, because every later segment then has the most room.
  let at = first.length;
  for (const segment of segments.slice(1, -1)) {
    let found = -1;
    for (let i = at; i + segment.length <= end; i++) {
      if (matchesAt(value, i, segment)) {
        found = i;
        break;
      }
    }
    if (found < 0) return false;
    at = found + segment.length;
  }
  return true;
}
