/**
 * Items a page costs: `GET /task?assignee=x&maxResults=50` over 100,000 stored tasks (60 of them
 * x's), through the API handler, counting every item DynamoDB hands back (Query `Count`, GetItem,
 * BatchGetItem) with middleware on the handler's own client. Target: items read ÷ 50 ≤ 2. Also
 * shown: the same page without a filter, by definition key, by candidate group, a count, an
 * unindexed filter and a sorted query.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createApiHandler } from '../functions/api/handler.ts';
import { startProcessInstance } from '../shared/engine/operations.ts';
import { projectQueryItems } from '../shared/store/projections.ts';
import { apiEvent, benchPrefix, clientsOf, deployXml, provisionServices } from './support/aws-setup.ts';
import { startBenchEmulator } from './support/emulator.ts';
import { formatTable, heading, publish } from './support/report.ts';
import { readFileSync } from 'node:fs';

const TASKS = Number(process.env.BENCH_QUERY_TASKS ?? 100_000);
const ASSIGNED = 60;
const PAGE = 50;

/** Counts the items of every read response that passes through the client. */
function countItemsRead(doc: DynamoDBDocumentClient) {
  const counter = { items: 0 };
  doc.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { Count?: number; Item?: unknown; Responses?: Record<string, unknown[]> };
      if (typeof output.Count === 'number') counter.items += output.Count;
      else if (output.Item) counter.items += 1;
      else if (output.Responses) counter.items += Object.values(output.Responses).reduce((n, items) => n + items.length, 0);
      return result;
    },
    { step: 'initialize', name: 'countItemsRead' },
  );
  return counter;
}

const emulator = await startBenchEmulator();
try {
  const { services, config } = await provisionServices(emulator.endpoint, benchPrefix('query'));
  const { doc } = clientsOf(services);
  const layout = { shards: config.indexShards };
  const definition = await deployXml(services, 'oneTask', readFileSync('test/fixtures/camunda-models/oneTaskProcess.bpmn20.xml', 'utf8'));
  const model = await services.engine.model(definition);

  // The tasks' query items, written directly (the instances themselves are not needed to query tasks).
  const started = Date.now();
  let written = 0;
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < TASKS; i += 25) {
    const items = [];
    for (let j = i; j < Math.min(TASKS, i + 25); j++) {
      const state = startProcessInstance(model, { definitionId: definition.id }, services.engine.env).state;
      const task = projectQueryItems(state, model, layout)[0]!;
      if (j % Math.floor(TASKS / ASSIGNED) === 0 && written < ASSIGNED) {
        written++;
        // x's task is also offered to the group `reviewers`: the task item plus one candidate lookup item.
        items.push(...projectQueryItems({ ...state, root: assignFirstTask(state.root, 'x') }, model, layout));
      } else items.push(task);
    }
    pending.push(writeAll(doc, config.tableName, items));
    if (pending.length >= 16) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  console.log(`${TASKS.toLocaleString('en-US')} tasks written in ${((Date.now() - started) / 1000).toFixed(0)} s (${layout.shards} shards), ${written} assigned to x`);

  const counter = countItemsRead(doc);
  const handler = createApiHandler({ ...services, authMode: 'off' });
  const measure = async (path: string, query: Record<string, string>) => {
    counter.items = 0;
    const t = performance.now();
    const response = await handler({ ...apiEvent('GET', path), queryStringParameters: query });
    if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode} ${response.body}`);
    const body = JSON.parse(response.body) as unknown[] | { count: number };
    return { items: counter.items, ms: performance.now() - t, size: Array.isArray(body) ? body.length : body.count };
  };
  const byAssignee = await measure('/task', { assignee: 'x', maxResults: String(PAGE) });
  if (byAssignee.size !== PAGE) throw new Error(`expected ${PAGE} tasks, got ${byAssignee.size}`);
  const rows = [
    ['GET /task?assignee=x&maxResults=50', byAssignee],
    ['GET /task?maxResults=50', await measure('/task', { maxResults: String(PAGE) })],
    ['GET /task?processDefinitionKey=oneTaskProcess&firstResult=100&maxResults=50', await measure('/task', { processDefinitionKey: 'oneTaskProcess', firstResult: '100', maxResults: String(PAGE) })],
    ['GET /task/count?assignee=x (Select COUNT)', await measure('/task/count', { assignee: 'x' })],
    [
      'GET /task?candidateGroup=reviewers&includeAssignedTasks=true&maxResults=50 (lookups, then the tasks)',
      await measure('/task', { candidateGroup: 'reviewers', includeAssignedTasks: 'true', maxResults: String(PAGE) }),
    ],
    ['GET /task?taskDefinitionKey=theTask&maxResults=50 (not indexed: scans until 50 match)', await measure('/task', { taskDefinitionKey: 'theTask', maxResults: String(PAGE) })],
    ['GET /task?assignee=x&sortBy=created&sortOrder=desc (a sort reads every match)', await measure('/task', { assignee: 'x', sortBy: 'created', sortOrder: 'desc' })],
  ] as const;
  heading(`Items read per request, ${TASKS.toLocaleString('en-US')} tasks in ${layout.shards} shards`);
  console.log(
    formatTable(
      ['request', 'items read', 'answer', 'ms'],
      rows.map(([name, r]) => [name, r.items, r.size, r.ms.toFixed(0)]),
    ),
  );
  publish([
    {
      bench: 'query-pages',
      metric: 'items read by GET /task?assignee=x&maxResults=50 ÷ 50',
      value: byAssignee.items / PAGE,
      target: 2,
      unit: '×',
      detail: `${byAssignee.items} items read for ${PAGE} (${TASKS.toLocaleString('en-US')} tasks, ${layout.shards} shards)`,
    },
  ]);
} finally {
  await emulator.stop();
}

function assignFirstTask<T extends { task?: { assignee?: string; candidateGroups?: string[] }; children?: T[] }>(node: T, assignee: string): T {
  if (node.task) return { ...node, task: { ...node.task, assignee, candidateGroups: ['reviewers'] } };
  return { ...node, children: node.children?.map((child) => assignFirstTask(child, assignee)) };
}

async function writeAll(doc: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  let pending: Record<string, unknown>[] = items.map((Item) => ({ PutRequest: { Item } }));
  while (pending.length > 0) {
    const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
    pending = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
  }
}
