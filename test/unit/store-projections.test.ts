import { describe, expect, it } from 'vitest';
import { diffItems, type Item } from '../../shared/store/projections.ts';

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
