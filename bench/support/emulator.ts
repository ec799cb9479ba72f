import { readFileSync } from 'node:fs';
import { type Emulator, ensureEmulator } from '../../local/emulator.ts';

/**
 * The benchmarks' emulator: the same embedded emulator `npm start` and the tests use
 * (local/emulator.py). AWS_ENDPOINT_URL, when set, is used as it is (and never stopped); it must be
 * a loopback address. Otherwise the emulator is started on its own port (BENCH_EMULATOR_PORT,
 * default 4599) rather than the tests' 4566, so a benchmark never shares (or stops) the emulator of
 * a test run going on at the same time on this machine. The endpoint is exported as
 * AWS_ENDPOINT_URL so everything the script starts (the local runtime included) uses it.
 */
export async function startBenchEmulator(): Promise<Emulator & { cpuSeconds(): number | undefined }> {
  // The SDK's notice about its future Node requirement says nothing about the measurement.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const configured = process.env.AWS_ENDPOINT_URL;
  if (configured) {
    const host = new URL(configured).hostname;
    if (!isLoopback(host)) throw new Error(`benchmarks only send load to the loopback interface, not to ${configured}`);
  }
  const port = Number(process.env.BENCH_EMULATOR_PORT ?? 4599);
  const emulator = await ensureEmulator(port);
  if (!configured && emulator.pid === undefined) {
    console.warn(`note: reusing the emulator already running on 127.0.0.1:${port} (not started by this script, not stopped by it; its old tables stay in memory)`);
  }
  process.env.AWS_ENDPOINT_URL = emulator.endpoint;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= emulator.stop();
    return stopped;
  };
  // A run-all timeout or Ctrl-C must not leave the emulator behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the emulator`);
      void stop().finally(() => process.exit(130));
    });
  }
  return { endpoint: emulator.endpoint, pid: emulator.pid, stop, cpuSeconds: () => (emulator.pid === undefined ? undefined : cpuSecondsOf(emulator.pid)) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** CPU time (user + system) the process has used so far, from /proc (Linux); undefined elsewhere. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    // After "pid (comm) ", utime and stime are fields 12 and 13 (0-based), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
