/**
 * Hostile models (issue 19): what parsing each costs a deploying API function, measured in a fresh
 * child process per model (so one model's garbage does not count against the next): the peak
 * resident memory it reaches and the time it takes, accepted or refused. Targets: a quarter of the
 * API function's 1,024 MB, and a tenth of its 29 s timeout. The models are the largest the limits
 * accept (10,000 elements, 50 nested sub-processes, 10,000-character expressions, 6 MB) and what
 * lies beyond them (twice the elements, 500 nested scopes, a 1 MB expression, entity expansion, a
 * 5 MB attribute).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bytes, formatTable, heading, publish, type RatioResult } from './support/report.ts';

const MEMORY_TARGET = 256 * 1024 * 1024;
const TIME_TARGET_MS = 2_900;

const flows = (n: number) => {
  const tasks = Array.from({ length: n }, (_, i) => `<task id="t${i}"/><sequenceFlow id="f${i}" sourceRef="${i === 0 ? 'start' : `t${i - 1}`}" targetRef="t${i}"/>`);
  return `<startEvent id="start"/>${tasks.join('')}`;
};
const nested = (depth: number) => {
  let body = '<startEvent id="s"/>';
  for (let i = depth; i > 0; i--)
    body = `<subProcess id="sp${i}"><startEvent id="s${i}"/><sequenceFlow id="fs${i}" sourceRef="s${i}" targetRef="${i === depth ? 'x' : `sp${i + 1}`}"/>${i === depth ? '<task id="x"/>' : ''}${body.startsWith('<startEvent id="s"/>') ? '' : body}</subProcess>`;
  return `<startEvent id="start"/><sequenceFlow id="f0" sourceRef="start" targetRef="sp1"/>${body}`;
};
/** An expression of `chars` characters: a sum as long as the parser takes (100 terms), then a long string literal. */
const expression = (chars: number) => {
  const sum = `${'a + '.repeat(99)}a + `;
  return `<startEvent id="start"/><sequenceFlow id="f0" sourceRef="start" targetRef="t"/><serviceTask id="t" camunda:expression="\${${sum}'${'x'.repeat(chars - sum.length - 5)}'}"/>`;
};
const document = (body: string) =>
  `<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="x"><process id="p" isExecutable="true">${body}</process></definitions>`;
const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" isExecutable="true" name="&lol3;"/></definitions>`;

const MODELS: Record<string, () => string> = {
  '10,000 elements (the limit)': () => document(flows(4_999)),
  '20,000 elements': () => document(flows(10_000)),
  '50 nested sub-processes (the limit)': () => document(nested(50)),
  '500 nested sub-processes': () => document(nested(500)),
  '10,000-character expression (the limit)': () => document(expression(10_000)),
  '1 MB expression': () => document(expression(1024 * 1024)),
  '6 MB of documentation (the deployment limit)': () => document(`<startEvent id="start"><documentation>${'d'.repeat(6 * 1024 * 1024 - 300)}</documentation></startEvent>`),
  'entity expansion (billion laughs)': () => laughs,
  '5 MB attribute': () => document(`<startEvent id="start" name="${'n'.repeat(5 * 1024 * 1024)}"/>`),
};

if (process.argv[2] === '--one') {
  // Child: parse one model as a deployment does (with the default limits), report peak memory and time.
  const { parseBpmn } = await import('../shared/bpmn/parse-bpmn.ts');
  const { DEFAULT_BPMN_LIMITS } = await import('../shared/bpmn/limits.ts');
  const xml = MODELS[process.argv[3]!]!();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  let outcome = 'accepted';
  try {
    await parseBpmn(xml, 'hostile.bpmn', DEFAULT_BPMN_LIMITS);
  } catch (error) {
    outcome = `refused: ${(error as Error).message.replace(/\s+/g, ' ').slice(0, 90)}`;
  }
  const elapsed = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(JSON.stringify({ outcome, ms: elapsed, growth: peak - before }));
  process.exit(0);
}

heading('hostile models: peak memory and time of parsing each (fresh process per model, default limits)');
const self = fileURLToPath(import.meta.url);
const rows: string[][] = [];
let worstMemory = 0;
let worstTime = 0;
for (const name of Object.keys(MODELS)) {
  const output = execFileSync(process.execPath, ['--import', 'tsx', self, '--one', name], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const { outcome, ms: elapsed, growth } = JSON.parse(output.trim().split('\n').pop()!) as { outcome: string; ms: number; growth: number };
  worstMemory = Math.max(worstMemory, growth);
  worstTime = Math.max(worstTime, elapsed);
  rows.push([name, outcome, bytes(growth), `${elapsed.toFixed(0)} ms`]);
}
console.log(formatTable(['model', 'outcome', 'peak memory growth', 'time'], rows));
const results: RatioResult[] = [
  { bench: 'hostile-models', metric: 'worst peak memory / 256 MB', value: worstMemory / MEMORY_TARGET, target: 1, unit: '×', detail: bytes(worstMemory) },
  { bench: 'hostile-models', metric: 'worst parse time / 2.9 s', value: worstTime / TIME_TARGET_MS, target: 1, unit: '×', detail: `${worstTime.toFixed(0)} ms` },
];
publish(results);
