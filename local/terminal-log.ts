/**
 * Makes the engine's structured records readable in a terminal: with POWERTOOLS_DEV set, Powertools
 * writes each record through the global console, and this turns it into one line,
 * `12:00:01 ERROR request failed correlationId=… status=500 error=AwsServiceFailure: … ← SyntaxError: …`.
 * Anything else printed passes through unchanged. Only `npm start` in a terminal installs it.
 */
const HIDDEN = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate', 'cold_start', 'function_arn', 'function_memory_size', 'function_name', 'function_request_id', 'xray_trace_id']);

interface ErrorRecord {
  name?: string;
  message?: string;
  cause?: ErrorRecord;
}

function describeError(error: ErrorRecord): string {
  const own = `${error.name ?? 'Error'}: ${error.message ?? ''}`;
  return error.cause && typeof error.cause === 'object' ? `${own} ← ${describeError(error.cause)}` : own;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function formatRecord(record: Record<string, unknown>): string {
  const time = typeof record.timestamp === 'string' ? record.timestamp.slice(11, 19) : '';
  const fields = Object.entries(record)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${key === 'error' && typeof value === 'object' && value !== null ? describeError(value as ErrorRecord) : describeValue(value)}`);
  return [time, String(record.level).padEnd(5), record.message, ...fields].join(' ');
}

function asRecord(args: unknown[]): Record<string, unknown> | undefined {
  if (args.length !== 1 || typeof args[0] !== 'string' || !args[0].startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(args[0]) as Record<string, unknown>;
    return typeof parsed.level === 'string' && typeof parsed.message === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function installTerminalLog(): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const record = asRecord(args);
      if (record) original(formatRecord(record));
      else original(...args);
    };
  }
}
