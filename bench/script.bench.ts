/**
 * What a JavaScript script task costs against the expression task it could often be (issue 17):
 * starting an instance through `start → task → user task` where the task computes `a + b` once as a
 * script in the sandbox (QuickJS in WebAssembly: a runtime and context per evaluation, the prelude,
 * two variable reads across the boundary) and once as `${a + b}`. Also the sandbox's one-time load.
 * Informational: the machines are shared and noisy.
 *
 *   npx tsx bench/script.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { parseBpmn } from '../shared/bpmn/index.ts';
import { DelegateRegistry, type EngineEnvironment, startProcessInstance } from '../shared/engine/index.ts';
import { DEFAULT_SCRIPT_LIMITS, ScriptSandbox } from '../shared/script/sandbox.ts';
import { PreparedScripts } from '../shared/service/script-preparation.ts';
import type { DefinitionRepository } from '../shared/store/definition-repository.ts';
import { formatTable, heading, ms, publish, type RatioResult, ratio, us } from './support/report.ts';

const STARTS = 500;

const processWith = (task: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="bench">
  <process id="p" isExecutable="true"><startEvent id="s"/>${task}<userTask id="wait"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="wait"/></process>
</definitions>`;

const loadStarted = performance.now();
await ScriptSandbox.load();
const loadMs = performance.now() - loadStarted;

let counter = 0;
const env: EngineEnvironment = { now: () => 0, newId: () => `id-${++counter}`, registry: new DelegateRegistry() };
const scripts = new PreparedScripts({} as DefinitionRepository, DEFAULT_SCRIPT_LIMITS);
env.scripts = scripts;

async function perStart(task: string): Promise<number> {
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
  return ((performance.now() - started) * 1000) / STARTS;
}

const expression = await perStart('<serviceTask id="t" camunda:expression="${a + b}" camunda:resultVariable="sum"/>');
const script = await perStart('<scriptTask id="t" scriptFormat="javascript" camunda:resultVariable="sum"><script>a + b</script></scriptTask>');

heading(`script task vs expression task: ${STARTS} instance starts each (start → task → user task)`);
console.log(
  formatTable(
    ['task', 'µs per start'],
    [
      ['expression task ${a + b}', us(expression)],
      ['script task a + b (sandbox)', us(script)],
      ['sandbox load (once per container)', ms(loadMs * 1000)],
    ],
  ),
);
console.log(`script / expression: ${ratio(script / expression)}`);
const results: RatioResult[] = [
  {
    bench: 'script',
    metric: 'script task / expression task (per start)',
    value: script / expression,
    target: 0,
    unit: '×',
    detail: `${us(script)} vs ${us(expression)} per start`,
    informational: true,
  },
  { bench: 'script', metric: 'µs per script task start', value: script, target: 0, unit: 'µs', detail: `${STARTS} starts`, informational: true },
  { bench: 'script', metric: 'sandbox load (ms, once per container)', value: loadMs, target: 0, unit: 'ms', detail: 'read and compile the WebAssembly module', informational: true },
];
publish(results);
