/**
 * Test setup: the engine's structured log lines (Powertools JSON, one per line) are not printed
 * during tests; everything else is. Tests that check log lines capture them (logs.ts), which
 * replaces this filter while it runs.
 */
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && chunk.startsWith('{"level":')) {
      (rest.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
