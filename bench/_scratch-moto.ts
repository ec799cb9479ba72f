import { benchPrefix, deployXml, provisionServices } from './support/aws-setup.ts';
import { startBenchEmulator } from './support/emulator.ts';
import { sequentialUserTasks } from './support/models.ts';
const emulator = await startBenchEmulator();
try {
  const { services } = await provisionServices(emulator.endpoint, benchPrefix('scratch'));
  const definition = await deployXml(services, 'two', sequentialUserTasks('two', 2));
  let ok = 0, failed = 0;
  const t0 = performance.now();
  for (let g = 0; g < 5; g++) {
    const r = await Promise.allSettled(Array.from({ length: 10 }, () => services.engine.start(definition, {})));
    for (const x of r) if (x.status === 'fulfilled') ok++; else { failed++; console.log(String((x.reason as Error).message).slice(0, 100)); }
  }
  console.log('ok', ok, 'failed', failed, 'ms', (performance.now() - t0).toFixed(0));
} finally {
  await emulator.stop();
}
