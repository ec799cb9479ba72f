/**
 * What a JavaScript script task costs against the expression task it could often be (issue 17):
 * starting an instance through `start → task → user task` where the task computes `a + b` once as a
 * script in the sandbox (QuickJS in WebAssembly in a worker thread: a runtime and context per
 * evaluation with the prelude, two variable reads across the boundary) and once as `${a + b}`; back
 * to back, and 3 ms apart (the worker prepares its next context between scripts). Also the
 * sandbox's one-time load. Informational: the machines are shared and noisy.
 *
 *   npx tsx bench/script.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { parseBpmn } from '../shared/bpmn/index.ts';
import { DelegateRegistry, type EngineEnvironment, startProcessInstance } from '../shared/engine/index.ts';
import { DEFAULT_SCRIPT_LIMITS, ScriptSandbox } from '../shared/script/sandbox.ts';
import { PreparedScripts } from '../shared/service/script-preparation.ts';
import type { DefinitionRepository } from '../shared/store/definition-repository.ts';
import { formatTable, heading, ms, publish, type RatioResult, us } from './support/report.ts';

const STARTS = 500;

const processWith = (task: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="bench">
  <process id="p" isExecutable="true"><startEvent id="s"/>${task}<userTask id="wait"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="wait"/></process>
</definitions>`;

const loadStarted = performance.now();
const sandbox = await ScriptSandbox.load();
const loadMs = performance.now() - loadStarted;
await sandbox.close();

let counter = 0;
const env: EngineEnvironment = { now: () => 0, newId: () => `id-${++counter}`, registry: new DelegateRegistry() };
const scripts = new PreparedScripts({} as DefinitionRepository, DEFAULT_SCRIPT_LIMITS);
env.scripts = scripts;

/** µs per start, back to back and with 3 ms of other work before each (a script's usual company). */
async function perStart(task: string): Promise<{ backToBack: number; spaced: number }> {
  const [model] = await parseBpmn(processWith(task), 'bench.bpmn');
  await scripts.prepare({ id: 'p:1:bench', deploymentId: 'bench' } as never, model!);
  const variables = { a: { type: 'Integer' as const, value: 40 }, b: { type: 'Integer' as const, value: 2 } };
  const start = () => {
    const result = startProcessInstance(model!, { definitionId: 'p:1:bench', variables }, env);
    if (result.state.root.variables?.sum?.value !== 42) throw new Error('the task did not compute its sum');
  };
  for (let i = 0; i < 50; i++) start();
  const started = performance.now();
  for (let i = 0; i < STARTS; i++) start();
  const backToBack = ((performance.now() - started) * 1000) / STARTS;
  let spaced = 0;
  for (let i = 0; i < STARTS; i++) {
    const until = performance.now() + 3;
    while (performance.now() < until);
    const one = performance.now();
    start();
    spaced += performance.now() - one;
  }
  return { backToBack, spaced: (spaced * 1000) / STARTS };
}

const expression = await perStart('<serviceTask id="t" camunda:expression="${a + b}" camunda:resultVariable="sum"/>');
const script = await perStart('<scriptTask id="t" scriptFormat="javascript" camunda:resultVariable="sum"><script>a + b</script></scriptTask>');
await scripts.close();

heading(`script task vs expression task: ${STARTS} instance starts each (start → task → user task)`);
console.log(
  formatTable(
    ['task', 'µs per start, back to back', 'µs per start, 3 ms apart'],
    [
      ['expression task ${a + b}', us(expression.backToBack), us(expression.spaced)],
      ['script task a + b (sandbox)', us(script.backToBack), us(script.spaced)],
    ],
  ),
);
console.log(`sandbox load (once per container): ${ms(loadMs * 1000)}`);
const ratioRow = (metric: string, scriptUs: number, expressionUs: number): RatioResult => ({
  bench: 'script',
  metric,
  value: scriptUs / expressionUs,
  target: 0,
  unit: '×',
  detail: `${us(scriptUs)} vs ${us(expressionUs)} per start`,
  informational: true,
});
publish([
  ratioRow('script task / expression task (3 ms apart)', script.spaced, expression.spaced),
  ratioRow('script task / expression task (back to back)', script.backToBack, expression.backToBack),
  { bench: 'script', metric: 'sandbox load (ms, once per container)', value: loadMs, target: 0, unit: 'ms', detail: 'start the worker, read and compile the WebAssembly module', informational: true },
]);
