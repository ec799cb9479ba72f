import { installTerminalLog } from './terminal-log.ts';

// Powertools' records as one readable line each in a terminal (JSON lines otherwise); EMF metrics only where asked for.
if (process.stdout.isTTY && process.env.POWERTOOLS_DEV === undefined) {
  process.env.POWERTOOLS_DEV = 'true';
  installTerminalLog();
}
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const { startLocalRuntime } = await import('./runtime.ts');

/** `npm start`: serve the Camunda REST API on http://127.0.0.1:8080/engine-rest until Ctrl-C. */
const port = Number(process.env.PORT ?? 8080);
const runtime = await startLocalRuntime({ port, prefix: process.env.RESOURCE_PREFIX ?? 'camunda-local' });
console.log(`Camunda 7 REST API on ${runtime.url} (AWS endpoint ${runtime.endpoint}, table ${runtime.resources.tableName})`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping…');
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
