import { vi } from 'vitest';
import { checkLogLine } from './log-rules.ts';

export type LogLine = Record<string, any>;

/**
 * Every JSON log line the process writes (stdout and stderr) while `run` runs, as
 * objects (Powertools writes one JSON object per line); nothing reaches the terminal meanwhile.
 */
export async function captureLogs<T>(run: () => Promise<T>): Promise<{ result: T; lines: LogLine[] }> {
  const written: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) => {
    return vi.spyOn(stream, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      done?.();
      return true;
    });
  });
  try {
    const result = await run();
    return { result, lines: parseLines(written) };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

function parseLines(written: string[]): LogLine[] {
  return written
    .join('')
    .split('\n')
    .flatMap((line) => {
      checkLogLine(line);
      try {
        const parsed = JSON.parse(line) as unknown;
        return typeof parsed === 'object' && parsed !== null ? [parsed as LogLine] : [];
      } catch {
        return [];
      }
    });
}
