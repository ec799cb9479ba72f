/**
 * How much of Camunda's own BPMN and DMN corpus deploys: parses every BPMN and DMN model of
 * `../shared/camunda-corpus/` (Camunda's repository, Apache-2.0, see its NOTICE) with the project's
 * parsers and prints how many parse, and the refusals grouped by the construct named first. Skipped
 * when that folder is absent (a user's clone has none). Some models Camunda itself refuses (parser
 * tests): those stay refused.
 *
 *   npx tsx bench/bpmn-corpus.bench.ts            # summary and refusals by construct
 *   npx tsx bench/bpmn-corpus.bench.ts --list X   # also lists the models whose first refusal contains X
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnParseError, parseBpmn } from '../shared/bpmn/index.ts';
import { DmnParseError } from '../shared/dmn/errors.ts';
import { parseDmn } from '../shared/dmn/parse-dmn.ts';
import { isDmn } from '../shared/service/decision-deployment.ts';
import { formatTable, heading, publish } from './support/report.ts';

const corpus = fileURLToPath(new URL('../../shared/camunda-corpus/', import.meta.url));
const BPMN_NAMESPACE = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

/** A BPMN model: a `.bpmn` file, or an XML file whose root is BPMN's definitions (DMN and other XML are not). */
function isBpmnModel(path: string, xml: string): boolean {
  if (path.endsWith('.bpmn')) return true;
  return path.endsWith('.xml') && xml.includes(BPMN_NAMESPACE) && !path.endsWith('.dmn11.xml') && !path.endsWith('.dmn.xml');
}

/** The construct a refusal names, without element ids, so refusals of one kind group together. */
function construct(message: string): string {
  return message
    .replace(/'[^']*'/g, '…')
    .replace(/"[^"]*"/g, '…')
    .replace(/\s+/g, ' ')
    .slice(0, 140);
}

async function main(): Promise<void> {
  if (!existsSync(corpus)) {
    console.log(`bpmn-corpus: ${corpus} is not here, skipped`);
    return;
  }
  const listFilter = process.argv.includes('--list') ? process.argv[process.argv.indexOf('--list') + 1] : undefined;
  let models = 0;
  let deployed = 0;
  let withoutProcess = 0;
  const refusals = new Map<string, string[]>();
  for (const path of files(corpus)) {
    const xml = readFileSync(path, 'utf8');
    if (!isBpmnModel(path, xml)) continue;
    models += 1;
    try {
      const parsed = await parseBpmn(xml, path);
      deployed += 1;
      if (parsed.length === 0) withoutProcess += 1;
    } catch (error) {
      const first = error instanceof BpmnParseError ? (error.problems[0]?.message ?? error.message) : `crash: ${(error as Error).message}`;
      const key = construct(first);
      refusals.set(key, [...(refusals.get(key) ?? []), relative(corpus, path)]);
    }
  }
  heading(`Camunda's BPMN corpus: ${models} models`);
  console.log(`deploy: ${deployed} (${((100 * deployed) / models).toFixed(1)} %), of which ${withoutProcess} hold no executable process; refused: ${models - deployed}`);
  const rows = [...refusals.entries()].sort((a, b) => b[1].length - a[1].length).map(([key, paths]) => [paths.length, key]);
  console.log(formatTable(['models', 'first refusal (ids left out)'], rows));
  if (listFilter) {
    for (const [key, paths] of refusals) if (key.includes(listFilter)) for (const path of paths) console.log(`${key}\t${path}`);
  }
  const dmn = await dmnCorpus(listFilter);
  const refusedShare = (models - deployed) / models;
  publish([
    {
      bench: 'bpmn-corpus',
      metric: 'share of the DMN models refused',
      value: dmn.refused / dmn.models,
      // Issue 17: at least 85 % of the corpus's DMN models deploy.
      target: 0.15,
      unit: '',
      detail: `${dmn.refused} of ${dmn.models} DMN models refused`,
    },
    {
      bench: 'bpmn-corpus',
      metric: 'share of the corpus refused',
      value: refusedShare,
      // The target once the events, call-activity and script issues are done: at least 90 % deploy.
      target: 0.1,
      unit: '',
      detail: `${models - deployed} of ${models} models refused; ${deployed} deploy`,
    },
  ]);
}

/** The DMN models, likewise. */
async function dmnCorpus(listFilter: string | undefined): Promise<{ models: number; refused: number }> {
  let models = 0;
  const refusals = new Map<string, string[]>();
  for (const path of files(corpus)) {
    if (!isDmn(path)) continue;
    models += 1;
    try {
      await parseDmn(readFileSync(path, 'utf8'), path);
    } catch (error) {
      const key = construct(error instanceof DmnParseError ? (error.problems[0]?.message ?? error.message) : `crash: ${(error as Error).message}`);
      refusals.set(key, [...(refusals.get(key) ?? []), relative(corpus, path)]);
    }
  }
  const refused = [...refusals.values()].reduce((sum, paths) => sum + paths.length, 0);
  heading(`Camunda's DMN corpus: ${models} models`);
  console.log(`deploy: ${models - refused} (${((100 * (models - refused)) / models).toFixed(1)} %); refused: ${refused}`);
  console.log(
    formatTable(
      ['models', 'first refusal (ids left out)'],
      [...refusals.entries()].sort((a, b) => b[1].length - a[1].length).map(([key, paths]) => [paths.length, key]),
    ),
  );
  if (listFilter) {
    for (const [key, paths] of refusals) if (key.includes(listFilter)) for (const path of paths) console.log(`${key}\t${path}`);
  }
  return { models, refused };
}

await main();
