import { REDACTED } from '../../shared/observability/redaction.ts';

/**
 * The log rules every line of the suite is held to (docs/operations.md "Logs"): no value under a
 * secret or variable key, no HTTP credentials in any text. quiet-logs.ts checks each line written
 * in every test file, captureLogs (logs.ts) each line it captures; a file that wrote a violating
 * line fails.
 */

const SENSITIVE_KEY = /pass(word)?|secret|credential|authorization|cookie|token|^(variables|localVariables|processVariables|modifications|value|valueInfo)$/i;
const CREDENTIALS = /\b(Basic|Bearer)\s+(?!\[REDACTED\])[A-Za-z0-9+/=._~-]{4,}/;

export const logRuleViolations: string[] = [];

/** Records what in one written line breaks the rules. */
export function checkLogLine(line: string): void {
  if (!line.startsWith('{')) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return;
  }
  const found = violationsIn(parsed, '');
  if (found.length > 0) logRuleViolations.push(`${found.join(', ')} in ${line.slice(0, 300)}`);
}

function violationsIn(value: unknown, path: string): string[] {
  if (typeof value === 'string') return CREDENTIALS.test(value) ? [`credentials at ${path || '(line)'}`] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const at = path ? `${path}.${key}` : key;
    if (SENSITIVE_KEY.test(key) && item !== REDACTED && !Array.isArray(value)) return [`unredacted ${at}`];
    return violationsIn(item, at);
  });
}
