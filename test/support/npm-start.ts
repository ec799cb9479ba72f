import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `npm start` as a user runs it (local/main.ts), in its own process group as a terminal's
 * foreground job, with the embedded emulator it starts itself on `emulatorPort` (AWS_ENDPOINT_URL
 * is not passed on). Resolves with its REST URL once it prints it. Stop it with
 * `process.kill(-child.pid, signal)`.
 */
export async function startNpmStart(options: { emulatorPort: number; prefix: string; env?: Record<string, string> }): Promise<{ child: ChildProcess; url: string }> {
  const { AWS_ENDPOINT_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: ROOT,
    env: { ...env, ...options.env, PORT: String(await freePort()), EMULATOR_PORT: String(options.emulatorPort), RESOURCE_PREFIX: options.prefix },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /REST API on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
  });
  return { child, url };
}
