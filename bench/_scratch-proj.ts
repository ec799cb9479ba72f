import { startProcessInstance } from '../shared/engine/index.ts';
import { integer } from '../shared/engine/typed-values.ts';
import { projectQueryItems } from '../shared/store/projections.ts';
import { testEnvironment } from '../test/support/engine-harness.ts';
import { parallelMultiInstance, parseOne } from './support/models.ts';
const model = await parseOne(parallelMultiInstance('x'));
const state = startProcessInstance(model, { definitionId: 'x', variables: { n: integer(1000) } }, testEnvironment()).state;
const times: number[] = [];
for (let round = 0; round < 200; round++) {
  const s = performance.now();
  projectQueryItems(state, model);
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
console.log('median ms', times[100], 'min', times[0], 'max', times[199]);
