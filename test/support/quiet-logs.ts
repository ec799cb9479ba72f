import { afterAll } from 'vitest';
import { checkLogLine, logRuleViolations } from './log-rules.ts';

/**
 * Test setup: the engine's structured log lines (Powertools JSON, one per line) are not printed
 * during tests; everything else is. Tests that check log lines capture them (logs.ts), which
 * replaces this filter while it runs. Every line is held to the log rules (log-rules.ts): a test
 * file during which a line carried a password, credentials or a variable value fails.
 */
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && chunk.startsWith('{"level":')) {
      for (const line of chunk.split('\n')) checkLogLine(line);
      (rest.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

afterAll(() => {
  if (logRuleViolations.length === 0) return;
  const lines = logRuleViolations.splice(0);
  throw new Error(`${lines.length} log line(s) broke the log rules (docs/operations.md "Logs"):\n${lines.slice(0, 5).join('\n')}`);
});
