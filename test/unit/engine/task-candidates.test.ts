import { describe, expect, it } from 'vitest';
import { commaSeparated } from '../../../shared/bpmn/read-element.ts';
import { parseBpmn } from '../../../shared/bpmn/parse-bpmn.ts';
import { EngineError } from '../../../shared/engine/errors.ts';
import type { Variables } from '../../../shared/engine/state.ts';
import { bpmnXml } from '../../e2e/inline-bpmn.ts';
import { InstanceDriver } from '../../support/engine-harness.ts';

const offered = async (users: string, groups: string) =>
  (
    await parseBpmn(
      bpmnXml(
        'offered',
        `<startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
         <userTask id="review" camunda:candidateUsers="${users}" camunda:candidateGroups="${groups}"/>
         <sequenceFlow id="f2" sourceRef="review" targetRef="end"/><endEvent id="end"/>`,
      ),
    )
  )[0]!;

describe('candidate users and groups of a user task', () => {
  it('splits Camunda’s comma-separated attribute, never inside an expression', () => {
    expect(commaSeparated(' kermit, ${boss} ,,#{pick(a, b)}, ')).toEqual(['kermit', '${boss}', '#{pick(a, b)}']);
  });

  it('are evaluated when the task is created: literals, expressions giving a comma-separated string or a list, each once', async () => {
    const model = await offered('kermit, ${reviewers}', 'sales,${teams}');
    const variables: Variables = { reviewers: { type: 'String', value: 'gonzo, kermit' }, teams: { type: 'Json', value: ['support', 'sales'] } };
    const task = InstanceDriver.start(model, undefined, variables)
      .nodes()
      .find((n) => n.task)!.task!;
    expect(task.candidateUsers).toEqual(['kermit', 'gonzo']);
    expect(task.candidateGroups).toEqual(['sales', 'support']);
  });

  it('leave a task without candidates when the expressions give nothing, and fail its creation on a value that is no list of strings', async () => {
    const model = await offered('${nobody}', '${count}');
    const task = InstanceDriver.start(model, undefined, { nobody: { type: 'Null', value: null }, count: { type: 'Null', value: null } })
      .nodes()
      .find((n) => n.task)!.task!;
    expect(task.candidateUsers).toBeUndefined();
    expect(task.candidateGroups).toBeUndefined();
    expect(() => InstanceDriver.start(model, undefined, { nobody: { type: 'Null', value: null }, count: { type: 'Integer', value: 3 } })).toThrow(EngineError);
  });
});
