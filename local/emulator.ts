import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const DEFAULT_EMULATOR_PORT = 4566;

/** moto's DynamoDB and SQS with isolated requests and data-independent costs (see its header). */
export const EMULATOR_LAUNCHER = fileURLToPath(new URL('./emulator.py', import.meta.url));

export interface Emulator {
  endpoint: string;
  /** The emulator's process id when this process started it. */
  pid?: number;
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

/**
 * Uses AWS_ENDPOINT_URL when set (LocalStack, MiniStack, any emulator you run); otherwise an
 * emulator already answering on the port; otherwise starts the embedded one
 * (`python3 local/emulator.py`, which needs `pip install "moto[server]"`) and waits for it.
 */
export async function ensureEmulator(port = DEFAULT_EMULATOR_PORT): Promise<Emulator> {
  useEmulatorCredentials();
  const configured = process.env.AWS_ENDPOINT_URL;
  if (configured) return { endpoint: configured, stop: async () => {} };
  const endpoint = `http://127.0.0.1:${port}`;
  if (await responds(endpoint)) return { endpoint, stop: async () => {} };
  const child = spawn('python3', [EMULATOR_LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_ACCOUNT_ID: '000000000000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const output = captureStderr(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => {});
  for (let waited = 0; waited < 30_000; waited += 100) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await responds(endpoint)) return { endpoint, pid: child.pid, stop: () => stopChild(child, exited) };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(
    `No AWS emulator: could not start the embedded moto emulator on 127.0.0.1:${port}` +
      ` (${output().trim().split('\n').pop() || 'no output'}). Install it with \`pip install "moto[server]"\`,` +
      ' or run LocalStack/MiniStack and set AWS_ENDPOINT_URL.',
  );
}

/**
 * Keeps the emulator's last output for the start-up error and passes on what it prints after
 * starting (only its own failures: request lines are silenced in emulator.py).
 */
function captureStderr(child: ChildProcess): () => string {
  let tail = '';
  let started = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
    if (started) process.stderr.write(chunk);
    else if (tail.includes('Running on')) started = true;
  });
  return () => tail;
}

/** The emulator exits at once on SIGTERM (it keeps everything in memory); SIGKILL if it does not. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 2000))]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}
