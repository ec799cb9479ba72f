import { describe, expect, it } from 'vitest';
import { isStuck, progressLine, rateOf } from '../../local/cli/progress.ts';

describe('the CLI’s progress line', () => {
  it('draws the share done, the failures, the rate and the time left', () => {
    expect(progressLine({ totalJobs: 10, completedJobs: 5, remainingJobs: 5, failedJobs: 1 }, 2)).toBe(`[${'#'.repeat(15)}${'-'.repeat(15)}]  50% 5/10 jobs, 1 failed, 2.0/s, ETA 2s`);
    expect(progressLine({ totalJobs: 3, completedJobs: 3, remainingJobs: 0, failedJobs: 0, instancesSkipped: 1 }, undefined)).toBe(`[${'#'.repeat(30)}] 100% 3/3 jobs, 1 skipped`);
    expect(progressLine({ totalJobs: 1000, completedJobs: 0, remainingJobs: 1000, failedJobs: 0 }, 0.5)).toContain('ETA 33m20s');
  });

  it('measures the rate between the first and the last sample', () => {
    expect(rateOf([{ at: 0, completedJobs: 0 }])).toBeUndefined();
    expect(
      rateOf([
        { at: 0, completedJobs: 0 },
        { at: 1_000, completedJobs: 3 },
        { at: 2_000, completedJobs: 8 },
      ]),
    ).toBe(4);
  });

  it('calls a batch stuck when every job left has failed', () => {
    expect(isStuck({ totalJobs: 3, completedJobs: 2, remainingJobs: 1, failedJobs: 1 })).toBe(true);
    expect(isStuck({ totalJobs: 3, completedJobs: 1, remainingJobs: 2, failedJobs: 1 })).toBe(false);
    expect(isStuck({ totalJobs: 3, completedJobs: 3, remainingJobs: 0, failedJobs: 0 })).toBe(false);
  });
});
