import { describe, expect, it } from 'vitest';
import { CAMUNDA_LOGIN_POLICY, isLocked, lockAfterFailure, PERMANENT_LOCK } from '../../../shared/auth/login-lock.ts';

describe("Camunda's login throttling", () => {
  it('locks for 3, 6, 12, 24, 48, then at most 60 seconds, and after the tenth failure until unlocked', () => {
    // when
    const seconds = Array.from({ length: 9 }, (_, i) => (lockAfterFailure(i + 1, 0) - 0) / 1000);

    // then
    expect(seconds).toEqual([3, 6, 12, 24, 48, 60, 60, 60, 60]);
    expect(lockAfterFailure(CAMUNDA_LOGIN_POLICY.maxAttempts, 0)).toBe(PERMANENT_LOCK);
  });

  it('a lock holds until its end', () => {
    expect(isLocked({ lockExpirationTime: 5_000 }, 4_999)).toBe(true);
    expect(isLocked({ lockExpirationTime: 5_000 }, 5_000)).toBe(false);
    expect(isLocked({}, 0)).toBe(false);
  });
});
