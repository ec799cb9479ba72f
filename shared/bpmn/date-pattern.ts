/**
 * The part of Java's SimpleDateFormat that form date fields use (`camunda:datePattern`, default
 * dd/MM/yyyy): numeric years, months, days, hours, minutes, seconds and milliseconds, am/pm, and
 * quoted literals. Times are UTC. Parsing is lenient as Java's: text after the pattern is ignored
 * and out-of-range values roll over.
 */

type Token = { kind: 'field'; letter: string; width: number } | { kind: 'literal'; text: string };

const LETTERS = new Set(['y', 'M', 'd', 'H', 'h', 'm', 's', 'S', 'a']);

/** The pattern's tokens, or undefined when it uses a letter outside this subset. */
export function tokenizeDatePattern(pattern: string): Token[] | undefined {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      const text = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      tokens.push({ kind: 'literal', text: text === '' ? "'" : text });
      i = end < 0 ? pattern.length : end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c)) return undefined;
      let width = 1;
      while (pattern[i + width] === c) width++;
      tokens.push({ kind: 'field', letter: c, width });
      i += width;
    } else {
      tokens.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return tokens;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function formatDatePattern(epochMillis: number, pattern: string): string {
  const date = new Date(epochMillis);
  return (tokenizeDatePattern(pattern) ?? [])
    .map((token) => {
      if (token.kind === 'literal') return token.text;
      const { letter, width } = token;
      switch (letter) {
        case 'y':
          return width === 2 ? pad(date.getUTCFullYear() % 100, 2) : pad(date.getUTCFullYear(), width);
        case 'M':
          return pad(date.getUTCMonth() + 1, width);
        case 'd':
          return pad(date.getUTCDate(), width);
        case 'H':
          return pad(date.getUTCHours(), width);
        case 'h':
          return pad(date.getUTCHours() % 12 || 12, width);
        case 'm':
          return pad(date.getUTCMinutes(), width);
        case 's':
          return pad(date.getUTCSeconds(), width);
        case 'S':
          return pad(date.getUTCMilliseconds(), width);
        default:
          return date.getUTCHours() < 12 ? 'AM' : 'PM';
      }
    })
    .join('');
}

/** Epoch milliseconds, or undefined where Java's parse fails (a missing number or literal). */
export function parseDatePattern(text: string, pattern: string): number | undefined {
  const tokens = tokenizeDatePattern(pattern);
  if (!tokens) return undefined;
  const fields: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  let pm: boolean | undefined;
  let at = 0;
  for (const [index, token] of tokens.entries()) {
    if (token.kind === 'literal') {
      if (!text.startsWith(token.text, at)) return undefined;
      at += token.text.length;
      continue;
    }
    if (token.letter === 'a') {
      const marker = text.slice(at, at + 2).toUpperCase();
      if (marker !== 'AM' && marker !== 'PM') return undefined;
      pm = marker === 'PM';
      at += 2;
      continue;
    }
    // Adjacent numeric fields take exactly their width, as Java's do; otherwise any run of digits.
    const next = tokens[index + 1];
    const digits = next?.kind === 'field' && next.letter !== 'a' ? new RegExp(`^\\d{1,${token.width}}`).exec(text.slice(at)) : /^-?\d+/.exec(text.slice(at));
    if (!digits) return undefined;
    let value = Number(digits[0]);
    if (token.letter === 'y' && token.width <= 2 && digits[0].length <= 2) value += 2000;
    fields[token.letter === 'h' ? 'H' : token.letter] = value;
    at += digits[0].length;
  }
  if (pm !== undefined) fields.H = (fields.H! % 12) + (pm ? 12 : 0);
  // setUTCFullYear, not Date.UTC: that maps the years 0 to 99 to 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(fields.y!, fields.M! - 1, fields.d!);
  date.setUTCHours(fields.H!, fields.m!, fields.s!, fields.S!);
  // Beyond JavaScript's dates (year 275760): no date, as a failed parse.
  return Number.isNaN(date.getTime()) ? undefined : date.getTime();
}
