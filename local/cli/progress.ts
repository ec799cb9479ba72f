/**
 * What `batch watch` shows of a batch's statistics: a progress bar with the rate and the time left,
 * and when it has come to an end. Pure: the command feeds it the statistics it polls.
 */

/** The fields of Camunda's BatchStatisticsDto (and this product's instance counts) the watch reads. */
export interface BatchProgress {
  totalJobs: number;
  completedJobs: number;
  remainingJobs: number;
  failedJobs: number;
  instancesSkipped?: number;
}

export interface Sample {
  at: number;
  completedJobs: number;
}

const BAR_WIDTH = 30;

/** Jobs per second over the samples (the first and the last), or undefined before there are two. */
export function rateOf(samples: readonly Sample[]): number | undefined {
  if (samples.length < 2) return undefined;
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const seconds = (last.at - first.at) / 1000;
  return seconds > 0 ? (last.completedJobs - first.completedJobs) / seconds : undefined;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** One line: `[#####-----]  50% 5/10 jobs, 1 failed, 2.0/s, ETA 3s`. */
export function progressLine(progress: BatchProgress, rate: number | undefined): string {
  const total = Math.max(1, progress.totalJobs);
  const done = Math.min(total, progress.completedJobs);
  const filled = Math.round((done / total) * BAR_WIDTH);
  const percent = String(Math.floor((done / total) * 100)).padStart(3);
  const working = progress.remainingJobs - progress.failedJobs;
  const eta = rate && rate > 0 ? `, ETA ${duration(working / rate)}` : '';
  const failed = progress.failedJobs > 0 ? `, ${progress.failedJobs} failed` : '';
  const skipped = progress.instancesSkipped ? `, ${progress.instancesSkipped} skipped` : '';
  const speed = rate !== undefined ? `, ${rate.toFixed(1)}/s` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent}% ${done}/${progress.totalJobs} jobs${failed}${skipped}${speed}${eta}`;
}

/**
 * Whether watching can stop before the batch ends: every job left has failed (out of retries), so
 * nothing moves until someone gives them retries or deletes them.
 */
export function isStuck(progress: BatchProgress): boolean {
  return progress.failedJobs > 0 && progress.remainingJobs === progress.failedJobs;
}
