import { startLocalRuntime } from '../local/runtime.ts';
import { benchPrefix, deployXml } from './support/aws-setup.ts';
import { startBenchEmulator } from './support/emulator.ts';
import { sequentialUserTasks } from './support/models.ts';
const N = Number(process.env.N ?? 100);
const emulator = await startBenchEmulator();
const logs: string[] = [];
const runtime = await startLocalRuntime({ port: 0, prefix: benchPrefix('batch'), log: (l) => logs.push(l), sweepIntervalMs: 3_600_000, config: { batchPollTimeSeconds: 1 } });
try {
  const definition = await deployXml(runtime.services, 'batchBench', sequentialUserTasks('batchBench', 2));
  const ids: string[] = [];
  let t = performance.now();
  for (let i = 0; i < N; i++) ids.push((await runtime.services.engine.start(definition, {})).id);
  console.log('started', N, (performance.now() - t).toFixed(0), 'ms');
  t = performance.now();
  const res = await fetch(`${runtime.url}/modification/executeAsync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ processDefinitionId: definition.id, processInstanceIds: ids, instructions: [{ type: 'startBeforeActivity', activityId: 'task2' }, { type: 'cancel', activityId: 'task1' }] }) });
  const batch = await res.json() as { id: string };
  console.log(res.status, batch.id);
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const stats = await (await fetch(`${runtime.url}/batch/statistics`)).json() as any[];
    const s = stats.find((b) => b.id === batch.id);
    console.log(((performance.now() - t) / 1000).toFixed(1), s ? JSON.stringify({ jobsCreated: s.jobsCreated, remaining: s.remainingJobs, completed: s.completedJobs, failed: s.failedJobs }) : 'gone');
    if (!s) break;
  }
  console.log(logs.filter((l) => !/^(GET|POST)/.test(l)).slice(0, 20));
} finally {
  await runtime.stop();
  await emulator.stop();
}
