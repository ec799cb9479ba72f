import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Emulator, ensureEmulator } from '../../local/emulator.ts';

/**
 * The benchmarks' emulator. AWS_ENDPOINT_URL, when set, is used as it is (and never stopped); it must
 * be a loopback address. Otherwise moto (without its table- and queue-sized costs, see
 * moto_server_for_bench.py) is started on 127.0.0.1 through local/emulator.ts — on its
 * own port (BENCH_EMULATOR_PORT, default 4599) rather than the tests' 4566, so a benchmark never
 * shares (or stops) the emulator of a test run going on at the same time on this machine. The
 * endpoint is exported as AWS_ENDPOINT_URL so everything the script starts (the local runtime
 * included) uses it. `stop()` ends it only if this script started it, and makes sure it is gone:
 * moto can ignore SIGTERM while busy, and a leftover emulator (with every table of the run in
 * memory) would otherwise be picked up, slow and bloated, by the next run.
 */
/** moto without its table- and queue-sized costs (see the script's header); BENCH_STOCK_MOTO=1 runs the stock moto_server. */
const BENCH_MOTO = fileURLToPath(new URL('./moto_server_for_bench.py', import.meta.url));

export async function startBenchEmulator(): Promise<Emulator & { cpuSeconds(): number | undefined }> {
  // The SDK's notice about its future Node requirement says nothing about the measurement.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const configured = process.env.AWS_ENDPOINT_URL;
  if (configured) {
    const host = new URL(configured).hostname;
    if (!isLoopback(host)) throw new Error(`benchmarks only send load to the loopback interface, not to ${configured}`);
  }
  const port = Number(process.env.BENCH_EMULATOR_PORT ?? 4599);
  const foreign = !configured && (await responds(`http://127.0.0.1:${port}`));
  if (foreign) {
    console.warn(`note: reusing the emulator already running on 127.0.0.1:${port} (not started by this script, not stopped by it; its old tables may slow it down)`);
  }
  const emulator = await ensureEmulator(port, process.env.BENCH_STOCK_MOTO ? undefined : ['python3', BENCH_MOTO]);
  process.env.AWS_ENDPOINT_URL = emulator.endpoint;
  const ours = !configured && !foreign;
  const pid = ours ? motoPid(port) : undefined;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await emulator.stop();
      if (pid !== undefined) await ensureGone(pid);
    })();
    return stopped;
  };
  // A run-all timeout or Ctrl-C must not leave moto behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the emulator`);
      void stop().finally(() => process.exit(130));
    });
  }
  return { endpoint: emulator.endpoint, stop, cpuSeconds: () => (pid === undefined ? undefined : cpuSecondsOf(pid)) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function responds(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/** The pid of the moto process listening on the port (found via `ss`), if it is one. */
function motoPid(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const match = /pid=(\d+)/.exec(out);
    if (!match) return undefined;
    const pid = Number(match[1]);
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('moto') ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

/** Waits up to 5 s for the emulator process to exit after SIGTERM, then kills it by its pid. */
async function ensureGone(pid: number): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 100) {
    if (!alive(pid)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!alive(pid)) return;
  console.warn(`note: the emulator (pid ${pid}) did not exit on SIGTERM; killing it`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** CPU time (user + system) the process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After "pid (comm) ", utime and stime are fields 12 and 13 (0-based), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
