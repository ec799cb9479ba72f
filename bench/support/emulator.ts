import { type Emulator, ensureEmulator } from '../../local/emulator.ts';

/**
 * The benchmarks' emulator. AWS_ENDPOINT_URL, when set, is used as it is (and never stopped).
 * Otherwise moto is started on 127.0.0.1 through local/emulator.ts — on its own port
 * (BENCH_EMULATOR_PORT, default 4599) rather than the tests' 4566, so a benchmark never shares
 * (or stops) the emulator of a test run going on at the same time on this machine. The endpoint
 * is exported as AWS_ENDPOINT_URL so everything the script starts (the local runtime included)
 * uses it, and only the script's own `stop()` ends it.
 */
export async function startBenchEmulator(): Promise<Emulator> {
  const port = Number(process.env.BENCH_EMULATOR_PORT ?? 4599);
  const emulator = await ensureEmulator(port);
  const endpoint = new URL(emulator.endpoint);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(endpoint.hostname)) {
    await emulator.stop();
    throw new Error(`benchmarks only send load to the loopback interface, not to ${emulator.endpoint}`);
  }
  process.env.AWS_ENDPOINT_URL = emulator.endpoint;
  return emulator;
}

/** Runs `body` with an emulator and always stops it afterwards (also when `body` throws). */
export async function withEmulator<T>(body: (endpoint: string) => Promise<T>): Promise<T> {
  const emulator = await startBenchEmulator();
  try {
    return await body(emulator.endpoint);
  } finally {
    await emulator.stop();
  }
}
