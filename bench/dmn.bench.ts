/**
 * What a DMN decision costs to evaluate (issue 17): µs per rule of a 100-rule decision table with a
 * FEEL unary test per rule (every rule tested: hit policy COLLECT), with the input and twenty other
 * variables in scope; and a JUEL table of the same shape. Informational: the machines are shared and noisy.
 *
 *   npx tsx bench/dmn.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { evaluateDecision } from '../shared/dmn/evaluate.ts';
import { parseDmn } from '../shared/dmn/parse-dmn.ts';
import { formatTable, heading, publish, type RatioResult, us } from './support/report.ts';

const RULES = 100;
const EVALUATIONS = 300;

function table(language: 'feel' | 'juel'): string {
  const entry = (i: number) => (language === 'feel' ? `&lt; ${i}` : `\${cellInput &lt; ${i}}`);
  const rules = Array.from(
    { length: RULES },
    (_, i) => `<rule id="r${i}"><inputEntry id="i${i}" expressionLanguage="${language}"><text>${entry(i)}</text></inputEntry><outputEntry id="o${i}"><text>${i}</text></outputEntry></rule>`,
  ).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="bench" name="bench" namespace="bench">
  <decision id="decision" name="d"><decisionTable id="t" hitPolicy="COLLECT"><input id="in"><inputExpression id="ie" typeRef="integer"><text>x</text></inputExpression></input>
  <output id="out" name="y" typeRef="integer"/>${rules}</decisionTable></decision>
</definitions>`;
}

async function perRule(language: 'feel' | 'juel'): Promise<number> {
  const model = await parseDmn(table(language), 'bench.dmn');
  // An instance's usual company: the input and twenty other variables.
  const variables: Record<string, { type: string; value: unknown }> = { x: { type: 'Integer', value: 50 } };
  for (let i = 0; i < 20; i++) variables[`other${i}`] = { type: 'String', value: `value ${i}` };
  for (let i = 0; i < 30; i++) evaluateDecision(model, 'decision', variables);
  const started = performance.now();
  for (let i = 0; i < EVALUATIONS; i++) evaluateDecision(model, 'decision', variables);
  return ((performance.now() - started) * 1000) / (EVALUATIONS * RULES);
}

const feel = await perRule('feel');
const juel = await perRule('juel');
heading(`DMN decision-table evaluation: ${RULES} rules, ${EVALUATIONS} evaluations`);
console.log(
  formatTable(
    ['entries', 'µs per rule', 'µs per evaluation'],
    [
      ['FEEL unary tests', us(feel), us(feel * RULES)],
      ['JUEL expressions', us(juel), us(juel * RULES)],
    ],
  ),
);
const results: RatioResult[] = [
  { bench: 'dmn', metric: 'µs per rule (FEEL)', value: feel, target: 0, unit: 'µs', detail: `${RULES} rules × ${EVALUATIONS} evaluations`, informational: true },
  { bench: 'dmn', metric: 'µs per rule (JUEL)', value: juel, target: 0, unit: 'µs', detail: `${RULES} rules × ${EVALUATIONS} evaluations`, informational: true },
];
publish(results);
