import { DEFAULT_EMULATOR_PORT, ensureEmulator, type Emulator } from '../../local/emulator.ts';

let emulator: Emulator | undefined;

/**
 * One emulator for the whole run: an AWS_ENDPOINT_URL that is set is used as it is; otherwise
 * the embedded emulator (local/emulator.py) is started here and stopped at the end. Test files isolate themselves by resource prefix.
 */
export async function setup(): Promise<void> {
  // EMULATOR_PORT lets test runs going on at once on one machine each have their own emulator.
  emulator = await ensureEmulator(Number(process.env.EMULATOR_PORT ?? DEFAULT_EMULATOR_PORT));
  process.env.AWS_ENDPOINT_URL = emulator.endpoint;
}

export async function teardown(): Promise<void> {
  await emulator?.stop();
}
