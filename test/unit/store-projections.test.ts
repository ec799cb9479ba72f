import { describe, expect, it } from 'vitest';
import type { ProcessModel } from '../../shared/bpmn/model.ts';
import { claimTask } from '../../shared/engine/operations.ts';
import type { ProcessInstanceState } from '../../shared/engine/state.ts';
import { diffInstanceItems, diffItems, type Item, type ItemChanges, projectQueryItems } from '../../shared/store/projections.ts';
import { InstanceDriver, loadModel } from '../support/engine-harness.ts';

const item = (pk: string, fields: Record<string, unknown> = {}): Item => ({ pk, sk: 'TASK', kind: 'task', assignee: null, created: 1, ...fields });

describe('the diff between two sets of query items', () => {
  it('puts new and changed items, deletes vanished ones, and skips the unchanged', () => {
    const before = [item('TASK#a'), item('TASK#b'), item('TASK#c', { assignee: 'demo' })];
    const after = [item('TASK#a'), item('TASK#c', { assignee: 'john' }), item('TASK#d')];
    expect(diffItems(before, after)).toEqual({ puts: [after[1], after[2]], deletes: [{ pk: 'TASK#b', sk: 'TASK' }] });
  });

  it('sees an attribute that appears, disappears or changes type as a change', () => {
    expect(diffItems([item('TASK#a')], [item('TASK#a', { name: 'x' })]).puts).toHaveLength(1);
    expect(diffItems([item('TASK#a', { name: 'x' })], [item('TASK#a')]).puts).toHaveLength(1);
    expect(diffItems([item('TASK#a', { created: 1 })], [item('TASK#a', { created: '1' })]).puts).toHaveLength(1);
    expect(diffItems([item('TASK#a', { assignee: null })], [item('TASK#a', { assignee: {} })]).puts).toHaveLength(1);
  });

  it('compares a nested value by its content, not by identity', () => {
    expect(diffItems([item('INCIDENT#a', { configuration: { job: 'j' } })], [item('INCIDENT#a', { configuration: { job: 'j' } })]).puts).toEqual([]);
    expect(diffItems([item('INCIDENT#a', { configuration: { job: 'j' } })], [item('INCIDENT#a', { configuration: { job: 'k' } })]).puts).toHaveLength(1);
  });
});

describe('the incremental diff of an instance’s query items', () => {
  const layout = { shards: 4 };
  const full = (before: ProcessInstanceState, after: ProcessInstanceState, m: ProcessModel) => diffItems(projectQueryItems(before, m, layout), projectQueryItems(after, m, layout));
  const sorted = (changes: ItemChanges) => ({
    puts: [...changes.puts].sort((a, b) => a.pk.localeCompare(b.pk)),
    deletes: [...changes.deletes].sort((a, b) => a.pk.localeCompare(b.pk)),
  });

  it('equals the diff of the full projections through claims and completions, and names only what changed', async () => {
    // given an instance with three parallel tasks (past the task before them)
    const m = await loadModel('ProcessInstanceModificationMultiInstanceTest.parallelTasks.bpmn20.xml');
    const driver = InstanceDriver.start(m).completeTask('beforeTask');
    expect(driver.tasks()).toHaveLength(3);
    const steps: [string, () => void][] = [
      ['claim one task', () => driver.apply(claimTask(driver.state, m, driver.tasks()[1]!.id, 'demo', driver.env))],
      ['unclaim it', () => driver.apply(claimTask(driver.state, m, driver.tasks()[1]!.id, undefined, driver.env))],
      ['claim it for someone else', () => driver.apply(claimTask(driver.state, m, driver.tasks()[1]!.id, 'john', driver.env))],
      ['complete one task', () => driver.completeTask(driver.tasks()[0]!.activityId)],
      ['complete the others', () => driver.completeTask(driver.tasks()[0]!.activityId).completeTask(driver.tasks()[0]!.activityId)],
    ];
    for (const [step, run] of steps) {
      const before = structuredClone(driver.state);
      run();
      const incremental = diffInstanceItems(before, driver.state, m, layout);
      expect(sorted(incremental), step).toEqual(sorted(full(before, driver.state, m)));
      if (step === 'claim one task') expect(incremental).toMatchObject({ puts: [{ assignee: 'demo', gsi3pk: expect.stringMatching(/^TASK#ASSIGNEE#demo@\d$/) }], deletes: [] });
    }
  });

  it('falls back to the full diff when the instance itself changes (its business key is on every external task item)', async () => {
    const m = await loadModel('ProcessInstanceModificationMultiInstanceTest.parallelTasks.bpmn20.xml');
    const before = InstanceDriver.start(m).state;
    const after = { ...structuredClone(before), tenantId: 'other' };
    const changes = diffInstanceItems(before, after, m, layout);
    expect(changes.puts).toHaveLength(projectQueryItems(after, m, layout).length);
    expect(sorted(changes)).toEqual(sorted(full(before, after, m)));
  });
});
