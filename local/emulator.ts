import { type ChildProcess, spawn } from 'node:child_process';

export const DEFAULT_EMULATOR_PORT = 4566;

export interface Emulator {
  endpoint: string;
  /** Stops the emulator if this process started it (never one it merely found running). */
  stop(): Promise<void>;
}

async function responds(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
    return response.status < 600;
  } catch {
    return false;
  }
}

/** Credentials and region the emulator accepts; real AWS runs never reach this code. */
export function useEmulatorCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.AWS_REGION ??= 'us-east-1';
}

function spawnMoto(port: number, launcher: string[]): ChildProcess {
  const env = { ...process.env, MOTO_ACCOUNT_ID: '000000000000' };
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  const child = spawn(launcher[0]!, [...launcher.slice(1), ...args], { env, stdio: 'ignore' });
  return child;
}

/**
 * Uses AWS_ENDPOINT_URL when set (LocalStack, MiniStack, a running moto); otherwise starts
 * `moto_server -H 127.0.0.1 -p 4566` (falling back to `python3 -m moto.server`) and waits for it.
 * `launcher` replaces `moto_server` (the benchmarks start a patched moto this way).
 */
export async function ensureEmulator(port = DEFAULT_EMULATOR_PORT, launcher = ['moto_server']): Promise<Emulator> {
  useEmulatorCredentials();
  const configured = process.env.AWS_ENDPOINT_URL;
  if (configured) return { endpoint: configured, stop: async () => {} };
  const endpoint = `http://127.0.0.1:${port}`;
  if (await responds(endpoint)) return { endpoint, stop: async () => {} };
  let child = spawnMoto(port, launcher);
  const failed = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(true));
    setTimeout(() => resolve(false), 200);
  });
  if (failed) {
    child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { env: { ...process.env, MOTO_ACCOUNT_ID: '000000000000' }, stdio: 'ignore' });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let waited = 0; waited < 30_000; waited += 200) {
    if (await responds(endpoint)) {
      return {
        endpoint,
        stop: async () => {
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(
    'No AWS emulator: could not start moto_server on 127.0.0.1:' +
      port +
      '. Install it with `pip install "moto[server]"`, or run LocalStack/MiniStack and set AWS_ENDPOINT_URL.',
  );
}
