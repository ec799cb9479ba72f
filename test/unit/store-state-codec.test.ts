import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../shared/store/state-codec.ts';
import { InstanceDriver, loadModel } from '../support/engine-harness.ts';

describe('the stored form of an instance state', () => {
  it('round-trips every state exactly while leaving out derivable activity ids', async () => {
    // given an instance with nested scopes, a multi-instance body and a transition instance
    const driver = InstanceDriver.start(await loadModel('ProcessInstanceModificationTest.nestedParallelAsyncBeforeOneTaskProcess.bpmn20.xml'));
    const state = driver.state;
    // when
    const stored = encodeState(state);
    // then
    expect(decodeState(stored)).toEqual(state);
    expect(stored.length).toBeLessThan(JSON.stringify(state).length);
    expect(stored).not.toContain('"activityId":"outerTask"');
    // the transition instance (plain uuid id) keeps its activity id
    expect(stored).toContain('"activityId":"innerTask"');
  });

  it('keeps an activity id that its instance id does not carry (ids longer than 64 characters are bare)', () => {
    const state = {
      id: 'pi',
      definitionId: 'p:1:x',
      definitionKey: 'p',
      status: 'ACTIVE' as const,
      startTime: 0,
      root: { id: 'pi', activityId: 'p', children: [{ id: '00000000-0000-4000-8000-000000000001', activityId: 'aVeryLongActivityIdThatDoesNotFitIntoSixtyFourCharactersWithItsUuid' }] },
    };
    expect(decodeState(encodeState(state))).toEqual(state);
  });
});
